#pragma once
// A small block-style YAML writer for generated CI files. yaml-cpp's Emitter is not used for
// output because its literal blocks lose or add trailing newlines and break on scripts whose
// first line is indented, and it writes strings such as `3.10`, `on` or `010` plain, which
// GitLab (YAML 1.1) and GitHub read back as numbers or booleans. Here a string is written
// plain only when no YAML 1.1 or 1.2 resolver could take it for anything but a string;
// everything else is double-quoted, and multi-line strings become `|` blocks with the exact
// chomping and indentation indicators. The document model is nlohmann::ordered_json so the
// key order is the order the emitter chose (stable, hence byte-identical output).
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace pipec::emit {

using Doc = nlohmann::ordered_json;

// True when `s` may be written as a plain scalar and still be read back as this string.
bool IsSafePlainScalar(std::string_view s);

// Renders `doc` (an object) as a YAML document. `header` lines are written first as
// `# ` comments; a blank line separates top-level keys listed in `spaced_keys` (or all
// top-level keys when `space_all` is set) for readability.
std::string WriteYaml(const Doc& doc, const std::vector<std::string>& header, bool space_all);

// Keys added to an object in constant time. ordered_json looks a key up by a linear scan, so
// `doc[name] = job` for every job is quadratic (100,000 jobs: minutes); the emitters add jobs
// through this instead. A key given twice gets its value replaced in place, as operator[] does.
class ObjectKeys {
 public:
  explicit ObjectKeys(Doc& obj);
  Doc& operator[](const std::string& key);  // adds `key` (null) when new
  bool contains(const std::string& key) const { return at_.count(key) != 0; }

 private:
  Doc::object_t* items_;
  std::unordered_map<std::string, size_t> at_;
};

// Converts a json value (e.g. a raw vendor block, sorted by key) into the document model.
Doc ToDoc(const nlohmann::json& j);

}  // namespace pipec::emit
