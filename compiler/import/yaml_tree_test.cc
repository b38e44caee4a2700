#include "compiler/import/yaml_tree.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pipec::yaml {
namespace {

struct Loaded {
  SourceManager sm;
  DiagnosticSink sink;
  NodePtr root;
};

std::unique_ptr<Loaded> LoadText(std::string text, LoadLimits limits = {},
                                 MergeKeys merge_keys = MergeKeys::kGitLab) {
  auto l = std::make_unique<Loaded>();
  FileId f = l->sm.AddFile("t.yml", std::move(text));
  l->root = Load(l->sm, f, l->sink, merge_keys, limits);
  return l;
}

TEST(YamlTree, InvalidUtf8IsRejectedWithItsPosition) {
  auto l = LoadText("workflow:\n  \xF5: 1\n");
  EXPECT_FALSE(l->root);
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  const Diagnostic& d = l->sink.diagnostics()[0];
  EXPECT_EQ(d.kind, DiagKind::InvalidUtf8);
  EXPECT_EQ(d.range.begin.line, 2u);
  EXPECT_EQ(d.range.begin.column, 3u);
}

// yaml-cpp decodes `\N` and `\_` to single Latin-1 bytes; the tree holds their UTF-8 forms
// (the JSON writers threw on the bytes). The other escapes are yaml-cpp's own, already right.
TEST(YamlTree, EscapesOfDoubleQuotedScalarsAreUtf8) {
  auto l = LoadText("\"k\\_\": [\"a\\_b\", \"\\N\\_\\_\", \"\u00e9\\_\\L\\P\\xe9\\u00e9\", 'c\\_d']\n");
  ASSERT_TRUE(l->root);
  const Node* list = l->root->Get("k\xC2\xA0");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 4u);
  EXPECT_EQ(list->items[0]->scalar, "a\xC2\xA0" "b");
  EXPECT_EQ(list->items[1]->scalar, "\xC2\x85\xC2\xA0\xC2\xA0");
  EXPECT_EQ(list->items[2]->scalar, "\u00e9\u00a0\u2028\u2029\u00e9\u00e9");
  EXPECT_EQ(list->items[3]->scalar, "c\\_d");  // single-quoted: no escapes
  EXPECT_NO_THROW(ToJson(*l->root).dump());
}

TEST(YamlTree, ParserWithoutProgressStops) {
  // yaml-cpp 0.7's LoadAll appends empty documents forever here.
  auto l = LoadText(" a: 1\n,\n");
  EXPECT_FALSE(l->root);
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  EXPECT_EQ(l->sink.diagnostics()[0].kind, DiagKind::YamlSyntax);
  EXPECT_EQ(l->sink.diagnostics()[0].range.begin.line, 2u);
}

TEST(YamlTree, SeveralDocumentsStillLoad) {
  auto l = LoadText("spec:\n  inputs: {}\n---\njob: {script: x}\n");
  ASSERT_TRUE(l->root);
  EXPECT_TRUE(l->root->Get("job"));
}

TEST(YamlTree, PositionsAreOneBased) {
  auto l = LoadText("a:\n  b: hello\n");
  ASSERT_TRUE(l->root);
  const Node* b = l->root->Get("a")->Get("b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->scalar, "hello");
  EXPECT_EQ(b->range.begin.line, 2u);
  EXPECT_EQ(b->range.begin.column, 6u);
  EXPECT_EQ(b->range.end.column, 11u);
}

TEST(YamlTree, MergeKeysApplyAndExplicitKeysWin) {
  auto l = LoadText(".d: &d\n  image: a\n  tags: [x]\njob:\n  <<: *d\n  image: b\n");
  ASSERT_TRUE(l->root);
  const Node* job = l->root->Get("job");
  EXPECT_EQ(job->Get("image")->scalar, "b");
  ASSERT_TRUE(job->Get("tags"));
  EXPECT_EQ(job->Get("tags")->items.size(), 1u);
  EXPECT_FALSE(job->Has("<<"));
}

TEST(YamlTree, MergeListOfMaps) {
  auto l = LoadText("a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n");
  ASSERT_TRUE(l->root);
  const Node* c = l->root->Get("c");
  EXPECT_EQ(c->Get("x")->scalar, "1");  // first source wins
  EXPECT_EQ(c->Get("y")->scalar, "3");
}

TEST(YamlTree, MergeProvenanceKeepsAnchorsAndSources) {
  auto l = LoadText(
      ".d: &base\n  image: a\nx:\n  nested: &inner {tags: [t]}\n"
      "job:\n  <<: [*base, *inner]\n  script: [s]\nplain: {script: [s]}\n");
  ASSERT_TRUE(l->root);
  const NodePtr d = l->root->GetPtr(".d");
  EXPECT_EQ(d->anchor, "base");
  EXPECT_EQ(l->root->Get("x")->Get("nested")->anchor, "inner");
  const Node* job = l->root->Get("job");
  ASSERT_EQ(job->merged_from.size(), 2u);
  EXPECT_EQ(job->merged_from[0], d);  // the same node: aliases are shared
  EXPECT_EQ(job->merged_from[1]->anchor, "inner");
  EXPECT_TRUE(l->root->Get("plain")->merged_from.empty());
  EXPECT_TRUE(job->anchor.empty());
}

std::vector<std::string> Keys(const Node& map) {
  std::vector<std::string> out;
  for (const auto& [k, v] : map.entries) out.push_back(k->scalar);
  return out;
}

// Psych (GitLab) merges in order: a key written after `<<` wins and keeps the merged key's
// place; a key written before it is replaced, and that is reported.
TEST(YamlTree, MergeKeysApplyInOrderAsPsychDoes) {
  auto l = LoadText(".d: &d {image: a, tags: [x], stage: s}\n"
                    "job:\n  image: b\n  script: [z]\n  <<: *d\n  stage: t\n");
  ASSERT_TRUE(l->root);
  const Node* job = l->root->Get("job");
  EXPECT_EQ(job->Get("image")->scalar, "a");  // replaced by the merge
  EXPECT_EQ(job->Get("stage")->scalar, "t");  // written after `<<`
  EXPECT_EQ(Keys(*job), (std::vector<std::string>{"image", "script", "tags", "stage"}));
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  const Diagnostic& d = l->sink.diagnostics()[0];
  EXPECT_EQ(d.kind, DiagKind::YamlMergeReplaces);
  EXPECT_EQ(d.range.begin.line, 5u);
  EXPECT_NE(d.message.find("`image`"), std::string::npos) << d.message;
  ASSERT_GE(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].range.begin.line, 3u);
}

TEST(YamlTree, MergeKeepsPlacesOfMergedKeys) {
  auto l = LoadText(".d: &d {image: a, tags: [x]}\njob:\n  <<: *d\n  script: [s]\n  image: b\n");
  ASSERT_TRUE(l->root);
  const Node* job = l->root->Get("job");
  EXPECT_EQ(job->Get("image")->scalar, "b");
  EXPECT_EQ(Keys(*job), (std::vector<std::string>{"image", "tags", "script"}));
  EXPECT_TRUE(l->sink.diagnostics().empty());
}

TEST(YamlTree, MergeReplacingWithTheSameValueIsSilent) {
  auto l = LoadText(".d: &d {image: a, tags: [x, {y: 'z'}], n: 1}\n"
                    "job:\n  image: 'a'\n  tags: [x, {y: z}]\n  <<: *d\n");
  ASSERT_TRUE(l->root);
  EXPECT_TRUE(l->sink.diagnostics().empty());
  auto m = LoadText(".d: &d {n: 1}\njob:\n  n: '1'\n  <<: *d\n");
  ASSERT_TRUE(m->root);
  ASSERT_EQ(m->sink.diagnostics().size(), 1u);  // the string '1' becomes the number 1
}

// Psych tests the tag only: a quoted `"<<"` merges, `!!str <<` is an ordinary key.
TEST(YamlTree, QuotedMergeKeyMergesAndStrTaggedDoesNot) {
  auto l = LoadText("a: &a {x: 1}\nq:\n  \"<<\": *a\ns:\n  !!str \"<<\": *a\np:\n  !!str <<: *a\n");
  ASSERT_TRUE(l->root);
  EXPECT_EQ(Keys(*l->root->Get("q")), (std::vector<std::string>{"x"}));
  EXPECT_EQ(Keys(*l->root->Get("s")), (std::vector<std::string>{"<<"}));
  EXPECT_EQ(Keys(*l->root->Get("p")), (std::vector<std::string>{"<<"}));
}

TEST(YamlTree, MergeListKeysComeLastFirst) {
  auto l = LoadText("a: &a {x: 1, z: 0}\nb: &b {y: 2, x: 2}\nc:\n  <<: [*a, *b]\n");
  ASSERT_TRUE(l->root);
  const Node* c = l->root->Get("c");
  EXPECT_EQ(c->Get("x")->scalar, "1");
  EXPECT_EQ(Keys(*c), (std::vector<std::string>{"y", "x", "z"}));
}

// GitHub's workflow parser has no merge keys: a plain `<<` is reported and dropped (kept, it
// would be a key named `<<` and draw more findings); a quoted one is an ordinary key.
TEST(YamlTree, GitHubHasNoMergeKeys) {
  auto l = LoadText("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\nc:\n  \"<<\": *a\n", {}, MergeKeys::kNone);
  ASSERT_TRUE(l->root);
  const Node* b = l->root->Get("b");
  EXPECT_EQ(Keys(*b), (std::vector<std::string>{"y"}));
  EXPECT_TRUE(b->merged_from.empty());
  EXPECT_EQ(Keys(*l->root->Get("c")), (std::vector<std::string>{"<<"}));
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  EXPECT_EQ(l->sink.diagnostics()[0].kind, DiagKind::GhMergeKey);
  EXPECT_EQ(l->sink.diagnostics()[0].range.begin.line, 3u);
}

TEST(YamlTree, MergeOfScalarIsAnError) {
  auto l = LoadText("a: &a 1\nb:\n  <<: *a\n");
  EXPECT_FALSE(l->root);
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  EXPECT_EQ(l->sink.diagnostics()[0].kind, DiagKind::YamlMergeKey);
}

TEST(YamlTree, DuplicateKeysWarnAndLastWins) {
  auto l = LoadText("a: 1\nb: 2\na: 3\n");
  ASSERT_TRUE(l->root);
  EXPECT_EQ(l->root->Get("a")->scalar, "3");
  EXPECT_EQ(l->root->entries.size(), 2u);
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  EXPECT_EQ(l->sink.diagnostics()[0].kind, DiagKind::YamlDuplicateKey);
  EXPECT_EQ(l->sink.diagnostics()[0].range.begin.line, 3u);
}

TEST(YamlTree, SyntaxErrorHasPosition) {
  auto l = LoadText("a: [1, 2\nb: c\n");
  EXPECT_FALSE(l->root);
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  EXPECT_EQ(l->sink.diagnostics()[0].kind, DiagKind::YamlSyntax);
  EXPECT_GE(l->sink.diagnostics()[0].range.begin.line, 1u);
}

TEST(YamlTree, AliasBombIsBounded) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) text += std::string(i ? ", *" : "*") + prev;
    text += "]\n";
    prev = c;
  }
  auto l = LoadText(text);
  EXPECT_FALSE(l->root);
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  EXPECT_EQ(l->sink.diagnostics()[0].kind, DiagKind::YamlTooComplex);
}

TEST(YamlTree, SmallAliasUseIsFine) {
  auto l = LoadText("a: &a [1, 2]\nb: *a\nc: *a\n");
  ASSERT_TRUE(l->root);
  EXPECT_EQ(l->root->Get("c")->items.size(), 2u);
}

TEST(YamlTree, DeepNestingIsBounded) {
  std::string text;
  for (int i = 0; i < 150; ++i) text += "[";
  for (int i = 0; i < 150; ++i) text += "]";
  auto l = LoadText(text);
  EXPECT_FALSE(l->root);
  ASSERT_EQ(l->sink.diagnostics().size(), 1u);
  EXPECT_EQ(l->sink.diagnostics()[0].kind, DiagKind::YamlTooDeep);
  std::string deeper;
  for (int i = 0; i < 100000; ++i) deeper += "[";
  auto l2 = LoadText(deeper);
  EXPECT_FALSE(l2->root);
  EXPECT_EQ(l2->sink.diagnostics().size(), 1u);
}

TEST(YamlTree, HugeFileIsRejected) {
  LoadLimits limits;
  limits.max_bytes = 100;
  auto l = LoadText(std::string(200, '#'), limits);
  EXPECT_FALSE(l->root);
  EXPECT_EQ(l->sink.diagnostics()[0].kind, DiagKind::FileTooLarge);
}

TEST(YamlTree, ReferenceTagSurvives) {
  auto l = LoadText("x: !reference [.a, script]\ny: 'q'\nz: q\n");
  ASSERT_TRUE(l->root);
  EXPECT_EQ(l->root->Get("x")->tag, "!reference");
  EXPECT_EQ(l->root->Get("x")->items.size(), 2u);
  EXPECT_TRUE(l->root->Get("y")->quoted);
  EXPECT_FALSE(l->root->Get("z")->quoted);
}

TEST(YamlTree, JsonViewResolvesPlainScalars) {
  auto l = LoadText("a: true\nb: '1'\nc: 2\nd: ~\ne: 1.5\n");
  ASSERT_TRUE(l->root);
  nlohmann::json j = ToJson(*l->root);
  EXPECT_EQ(j.dump(), R"({"a":true,"b":"1","c":2,"d":null,"e":1.5})");
}

TEST(YamlTree, SpecHeaderDocumentIsSkipped) {
  auto l = LoadText("spec:\n  inputs: {}\n---\njob:\n  script: x\n");
  ASSERT_TRUE(l->root);
  EXPECT_TRUE(l->root->Has("job"));
}

}  // namespace
}  // namespace pipec::yaml
