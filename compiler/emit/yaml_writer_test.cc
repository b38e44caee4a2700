#include "compiler/emit/yaml_writer.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace pipec::emit {
namespace {

// Every string must come back from a YAML parser as the same string, and strings that a
// YAML 1.1 or 1.2 resolver would read as something else must not be written plain.
TEST(YamlWriter, StringsRoundTripAndAmbiguousOnesAreQuoted) {
  std::vector<std::string> strings = {
      "3.10", "3.11", "010", "0x1F", "1e3", ".inf", "-.5", "true", "False", "yes", "No", "on", "OFF",
      "y", "n", "null", "~", "", " lead", "trail ", "a: b", "a #b", "#x", "*.txt", "&a", "!tag",
      "@x", "`x", "%x", "|x", ">x", "'x", "\"x", "[x", "{x", "- x", "? x", "x\ty", "2001-12-14",
      "1:20", "<<", "=", "plain", "python:3.9-slim", "${{ github.sha }}", "$CI_COMMIT_SHA", "é",
      "line1\nline2", "line1\nline2\n", "line1\n\n", "  indented\nnext", "x\n  \ny", "tab\n\tline",
      "ends:", "a\r\nb", "\x01ctl", ".inf", ".NaN", ".Inf", "./x", ".cache/pip", ".5"};
  Doc doc = Doc::object();
  doc["items"] = strings;
  std::string text = WriteYaml(doc, {}, false);
  YAML::Node n = YAML::Load(text);
  ASSERT_EQ(n["items"].size(), strings.size()) << text;
  for (size_t i = 0; i < strings.size(); ++i) {
    EXPECT_EQ(n["items"][i].as<std::string>(), strings[i]) << "item " << i << " in\n" << text;
    if (!IsSafePlainScalar(strings[i])) {
      EXPECT_NE(n["items"][i].Tag(), "?") << "`" << strings[i] << "` was written plain";
    }
  }
}

TEST(YamlWriter, PlainOnlyWhenUnambiguous) {
  EXPECT_TRUE(IsSafePlainScalar("python:3.9"));
  EXPECT_TRUE(IsSafePlainScalar("$CI_COMMIT_SHA"));
  EXPECT_FALSE(IsSafePlainScalar("3.10"));
  EXPECT_FALSE(IsSafePlainScalar("on"));
  EXPECT_FALSE(IsSafePlainScalar("Yes"));
  EXPECT_FALSE(IsSafePlainScalar("a: b"));
  EXPECT_FALSE(IsSafePlainScalar("x #y"));
  EXPECT_TRUE(IsSafePlainScalar("./.github/workflows/api.yml"));
  EXPECT_FALSE(IsSafePlainScalar(".NaN"));
}

TEST(YamlWriter, NestedStructureKeepsOrderAndTypes) {
  Doc doc = Doc::object();
  doc["zeta"] = 1;
  doc["alpha"] = Doc::array({Doc{{"job", "a"}, {"artifacts", true}}, Doc{{"job", "b"}, {"artifacts", false}}});
  doc["empty_map"] = Doc::object();
  doc["empty_list"] = Doc::array();
  doc["nested"] = Doc{{"list", Doc::array({Doc::array({"x"}), "y"})}};
  std::string text = WriteYaml(doc, {"header line"}, true);
  EXPECT_EQ(text.rfind("# header line\n", 0), 0u);
  EXPECT_LT(text.find("zeta"), text.find("alpha"));
  YAML::Node n = YAML::Load(text);
  EXPECT_EQ(n["zeta"].as<int>(), 1);
  EXPECT_EQ(n["alpha"][1]["job"].as<std::string>(), "b");
  EXPECT_FALSE(n["alpha"][1]["artifacts"].as<bool>());
  EXPECT_TRUE(n["empty_map"].IsMap());
  EXPECT_EQ(n["empty_list"].size(), 0u);
  EXPECT_EQ(n["nested"]["list"][0][0].as<std::string>(), "x");
  // Deterministic: the same document gives the same bytes.
  EXPECT_EQ(text, WriteYaml(doc, {"header line"}, true));
}

}  // namespace
}  // namespace pipec::emit
