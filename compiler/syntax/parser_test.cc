#include "compiler/syntax/parser.h"

#include <gtest/gtest.h>

#include "compiler/syntax/repository_pipe_files.h"

namespace pipec::syntax {
namespace {

struct Parsed {
  SourceManager sm;
  DiagnosticSink sink;
  std::unique_ptr<ast::File> file;
};

std::unique_ptr<Parsed> Parse(const std::string& src) {
  auto p = std::make_unique<Parsed>();
  FileId f = p->sm.AddFile("t.pipe", src);
  p->file = ParseFile(f, p->sm, p->sink);
  return p;
}

TEST(Parser, BuildsJobsWithItemsAndRanges) {
  auto p = Parse(R"(pipeline demo version 1
on push branches ["main"]
secret KEY masked protected
job train {
  stage build
  env { KEY = KEY }
  run "make"
  out model: file "m.pkl" expire 30d
  out ok: bool from "ok.txt"
  when trigger in [push, schedule.daily] and not git.branch == "x"
  timeout 1h30m
}
)");
  ASSERT_TRUE(p->file) << p->sink.diagnostics().size();
  ASSERT_EQ(p->file->jobs.size(), 1u);
  const ast::JobDecl& j = p->file->jobs[0];
  EXPECT_EQ(j.name.text, "train");
  EXPECT_EQ(j.name.range.begin.line, 4u);
  EXPECT_EQ(j.name.range.begin.column, 5u);
  EXPECT_EQ(j.name.range.end.column, 10u);
  ASSERT_EQ(j.items.size(), 7u);
  auto* out = std::get_if<ast::OutItem>(&j.items[3].value);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out->expire_seconds, 30 * 86400);
  auto* when = std::get_if<ast::WhenItem>(&j.items[5].value);
  ASSERT_TRUE(when);
  EXPECT_EQ(when->cond->op, ast::Condition::Op::And);
  EXPECT_EQ(when->cond->args[0].triggers.size(), 2u);
  EXPECT_EQ(std::get<ast::TimeoutItem>(j.items[6].value).seconds, 5400);
  EXPECT_EQ(p->file->secrets[0].masked, true);
}

TEST(Parser, KeywordsAreUsableAsNames) {
  auto p = Parse("pipeline p version 1\njob test { in model = build.file\n run \"x\" }\njob build { out file: file \"f\" }\n");
  ASSERT_TRUE(p->file);
  EXPECT_EQ(p->file->jobs[0].name.text, "test");
}

TEST(Parser, UnclosedJobNamesTheJob) {
  auto p = Parse("pipeline p version 1\njob train {\n  run \"x\"\n");
  EXPECT_FALSE(p->file);
  ASSERT_EQ(p->sink.diagnostics().size(), 1u);
  EXPECT_EQ(p->sink.diagnostics()[0].message, "expected `}` to close job `train` opened at 2:11");
}

TEST(Parser, RecoversAndReportsSeveralErrors) {
  auto p = Parse("pipeline p version 1\njob a { run }\njob b { stage }\njob c { run \"ok\" }\n");
  EXPECT_FALSE(p->file);
  EXPECT_EQ(p->sink.error_count(), 2u);
}

TEST(Parser, DeepNestingIsRejectedNotCrashed) {
  std::string src = "pipeline p version 1\nvar x: list[int] = " + std::string(10000, '[') +
                    std::string(10000, ']') + "\n";
  auto p = Parse(src);
  EXPECT_FALSE(p->file);
  EXPECT_EQ(p->sink.diagnostics()[0].kind, DiagKind::NestingTooDeep);
}

TEST(Parser, StopsAfterFiftyErrors) {
  std::string src = "pipeline p version 1\n";
  for (int i = 0; i < 80; ++i) src += "job j" + std::to_string(i) + " { run }\n";
  auto p = Parse(src);
  EXPECT_EQ(p->sink.error_count(), 51u);
  EXPECT_EQ(p->sink.diagnostics().back().kind, DiagKind::TooManyErrors);
}

std::optional<std::string> PathsDisagree(const std::string& src) {
  SourceManager sm;
  FileId f = sm.AddFile("t.pipe", src);
  return StreamingPathDisagreement(f, sm);
}

TEST(Parser, StreamedAndPreScannedParsesAgree) {
  // Taken by the streaming path: doc comments, a trailing comment, a number followed by a name
  // that spells no duration, nested brackets.
  const char* streamed = R"(pipeline demo version 1
# the build
template step(n: int = 1) { run "echo ${{ n }}" }
job a : step(n: 2) {
  retry 2
  stage build  # where it runs
  when push and not schedule.nightly
  matrix { py: ["3.10", ["x"]] }
}
# the end
)";
  EXPECT_EQ(PathsDisagree(streamed), std::nullopt);
  // Handed to the pre-scan: each reports or rewrites something.
  for (const char* pre_scanned : {"job a { timeout 7days }\n", "job a { timeout 2 hours }\n", "job a { run \"x\" ",
                                  "job a { run \"x\" ]\n", "job a { when push && tag }\n", "job a { run \"x }\n"})
    EXPECT_EQ(PathsDisagree(pre_scanned), std::nullopt) << pre_scanned;
}

TEST(Parser, DfaFirstPredictionAgreesWithAntlrsOnEveryPipeFileOfTheRepository) {
  size_t files = 0;
  for (const auto& [relative, text] : testing::RepositoryPipeFiles()) {
    ++files;
    SourceManager sm;
    FileId f = sm.AddFile(relative, text);
    EXPECT_EQ(DfaFirstDisagreement(f, sm), std::nullopt) << relative;
  }
  EXPECT_GT(files, 100u);
  // A wrong answer could also only send the file to a later stage, which would hide it above:
  // every DFA-first answer is also asked of 4.9's adaptivePredict.
  ParseOptions::PredictionCheck check;
  for (const auto& [relative, text] : testing::RepositoryPipeFiles()) {
    SourceManager sm;
    DiagnosticSink sink;
    FileId f = sm.AddFile(relative, text);
    ParseFile(f, sm, sink, {.check_predictions = &check});
  }
  EXPECT_GT(check.checked, 1000u);
  EXPECT_EQ(check.mismatched, 0u);
  // And where the stages differ: files the pre-scan takes, and syntax errors.
  for (const char* src : {"job a { timeout 7days }\n", "job a { run \"x\" ]\n", "job a { when push && tag }\n",
                          "job a { out o: file }\n", "template t(n: int = ) { }\n"}) {
    SourceManager sm;
    FileId f = sm.AddFile("t.pipe", src);
    EXPECT_EQ(DfaFirstDisagreement(f, sm), std::nullopt) << src;
  }
}

TEST(Parser, StreamedAndPreScannedParsesAgreeOnEveryPipeFileOfTheRepository) {
  size_t files = 0;
  for (const auto& [relative, text] : testing::RepositoryPipeFiles()) {
    ++files;
    EXPECT_EQ(PathsDisagree(text), std::nullopt) << relative;
  }
  EXPECT_GT(files, 100u);
}

}  // namespace
}  // namespace pipec::syntax
