#include "compiler/diag/json_array_text.h"

#include <gtest/gtest.h>

namespace pipec {
namespace {

using Json = nlohmann::ordered_json;

// The streamed array must be what dumping the whole document would give, at any depth.
std::string Streamed(const Json& items, int depth) {
  JsonArrayText out(depth);
  for (const Json& item : items) out.Add(item);
  return std::move(out).Finish();
}

TEST(JsonArrayText, MatchesTheDumpOfTheWholeDocument) {
  Json items = Json::array();
  items.push_back(
      {{"a", 1}, {"text", "line\nbreak \"quoted\""}, {"list", {1, 2, {{"x", Json::array()}}}}});
  items.push_back("plain");
  items.push_back(Json::object());
  items.push_back({{"bad", std::string("\xFF utf-8")}});
  for (int depth = 0; depth < 4; ++depth) {
    Json doc = items;
    for (int d = 0; d < depth; ++d) doc = Json{{"k", doc}};
    std::string whole = DumpJson(doc);
    std::string part = Streamed(items, depth);
    EXPECT_NE(whole.find(part), std::string::npos) << "depth " << depth << "\n"
                                                   << whole << "\n"
                                                   << part;
  }
  EXPECT_EQ(Streamed(items, 0), DumpJson(items));
}

TEST(JsonArrayText, EmptyArray) { EXPECT_EQ(Streamed(Json::array(), 2), "[]"); }

}  // namespace
}  // namespace pipec
