#pragma once
// A JSON array written one element at a time, byte for byte as nlohmann's dump(2) writes it
// nested `depth` levels deep. The report formats build one finding's JSON, append it and drop
// it: a document of every finding took about ten times the output's size in memory (350 MB for
// a 35 MB SARIF report of 40,000 findings).
#include <nlohmann/json.hpp>
#include <string>

namespace pipec {

class JsonArrayText {
 public:
  // depth: how many arrays and objects enclose the array (0 for a top-level array).
  explicit JsonArrayText(int depth) : depth_(depth) {}

  void Add(const nlohmann::ordered_json& element);
  // The array's text: "[]" when empty, else "[\n", the elements, "\n" and the closing "]".
  std::string Finish() &&;

 private:
  int depth_;
  std::string text_;
  bool empty_ = true;
};

// What the report formats pass to dump(): two-space indent; bytes that are not UTF-8 (a path
// given on the command line) are replaced rather than thrown on.
std::string DumpJson(const nlohmann::ordered_json& value);

}  // namespace pipec
