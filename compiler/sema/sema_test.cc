#include "compiler/sema/sema.h"
#include "compiler/ir/verify.h"

#include <gtest/gtest.h>

namespace pipec::sema {
namespace {

struct Result {
  SourceManager sm;
  DiagnosticSink sink;
  std::optional<ir::Pipeline> ir;
  std::string Messages() const {
    std::string s;
    for (const auto& d : sink.diagnostics()) s += d.message + "\n";
    return s;
  }
};

std::unique_ptr<Result> Analyze(const std::string& src) {
  auto r = std::make_unique<Result>();
  FileId f = r->sm.AddFile("t.pipe", src);
  r->ir = AnalyzeLoaded(f, r->sm, r->sink);
  return r;
}

const ir::Job& JobNamed(const ir::Pipeline& p, const std::string& n) {
  const ir::Job* j = p.FindJob(n);
  EXPECT_TRUE(j) << n;
  return *j;
}

// Sema reads the main file and its imports through the file-system interface: an in-memory
// tree stands in for the disk, and a directory or a missing module is reported as on disk.
TEST(Sema, ReadsModulesThroughTheFileSystem) {
  support::MemoryFileSystem fs;
  fs.Add("repo/pipeline.pipe", R"(pipeline p version 1
on push
import "ci/common.pipe" (lint)
job check : lint() { }
)");
  fs.Add("repo/ci/common.pipe", "template lint() { run \"make lint\" }\n");
  SourceManager sm;
  DiagnosticSink sink;
  std::optional<ir::Pipeline> p = AnalyzeFile("repo/pipeline.pipe", sm, sink, fs);
  ASSERT_TRUE(p) << (sink.diagnostics().empty() ? "" : sink.diagnostics()[0].message);
  ASSERT_EQ(p->jobs.size(), 1u);
  EXPECT_EQ(p->jobs[0].steps.at(0).script.LiteralText(), "make lint");

  fs.Add("repo/bad.pipe", "pipeline p version 1\non push\nimport \"ci\" (lint)\njob a : lint() { }\n");
  SourceManager sm2;
  DiagnosticSink sink2;
  EXPECT_FALSE(AnalyzeFile("repo/bad.pipe", sm2, sink2, fs));
  ASSERT_FALSE(sink2.diagnostics().empty());
  EXPECT_EQ(sink2.diagnostics()[0].message, "repo/ci is a directory, not a file");
  SourceManager sm3;
  DiagnosticSink sink3;
  EXPECT_FALSE(AnalyzeFile("repo/none.pipe", sm3, sink3, fs));
  EXPECT_EQ(sink3.diagnostics().at(0).message, "cannot open repo/none.pipe: no such file");
}

TEST(Sema, DataEdgeImpliesDependencyAndPath) {
  auto r = Analyze(R"(pipeline p version 1
on push
job train { run "make" out model: file "m.pkl" }
job use { in m = train.model  run "cp ${{ m }} x" }
)");
  ASSERT_TRUE(r->ir) << r->Messages();
  const ir::Job& use = JobNamed(*r->ir, "use");
  ASSERT_EQ(use.needs.size(), 1u);
  EXPECT_EQ(use.needs[0].job, "train");
  EXPECT_TRUE(use.needs[0].artifacts);
  EXPECT_EQ(use.needs[0].origin, ir::Need::Origin::Data);
  EXPECT_EQ(use.steps[0].script.LiteralText(), "cp m.pkl x");
}

TEST(Sema, TemplatesBindTypedArgumentsAndJobOverrides) {
  auto r = Analyze(R"(pipeline p version 1
on push
var PY: string = "3.11"
template py(version: string = PY, n: int = 1) { image "python:${{ version }}" run "a" timeout 1h }
job t : py(version: "3.12") { run "b" }
job u : py() { }
)");
  ASSERT_TRUE(r->ir) << r->Messages();
  const ir::Job& t = JobNamed(*r->ir, "t");
  EXPECT_EQ(t.image.LiteralText(), "python:3.12");
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_EQ(t.steps[0].script.LiteralText(), "b");
  EXPECT_EQ(*t.timeout_seconds, 3600);
  EXPECT_EQ(JobNamed(*r->ir, "u").image.LiteralText(), "python:3.11");
}

TEST(Sema, MatrixExpandsWithStableNames) {
  auto r = Analyze(R"(pipeline p version 1
on push
job test { matrix { py: ["3.10", "3.11"], os: ["a"] } run "tox -e ${{ matrix.py }}" }
job after { needs test run "x" }
)");
  ASSERT_TRUE(r->ir) << r->Messages();
  ASSERT_TRUE(r->ir->FindJob("test[py=3.10,os=a]"));
  EXPECT_EQ(JobNamed(*r->ir, "test[py=3.11,os=a]").steps[0].script.LiteralText(), "tox -e 3.11");
  EXPECT_EQ(JobNamed(*r->ir, "after").needs.size(), 2u);
}

TEST(Sema, UnknownJobSuggestsAndPointsAtCandidate) {
  auto r = Analyze("pipeline p version 1\non push\njob train { run \"x\" }\njob b { needs trian run \"y\" }\n");
  EXPECT_FALSE(r->ir);
  ASSERT_EQ(r->sink.diagnostics().size(), 1u);
  const Diagnostic& d = r->sink.diagnostics()[0];
  EXPECT_EQ(d.message, "unknown job `trian`; did you mean `train`?");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].range.begin.line, 3u);
}

TEST(Sema, SecretOutsideEnvIsAnError) {
  auto r = Analyze(R"(pipeline p version 1
on push
secret TOKEN masked
job a { run "echo ${{ TOKEN }}" }
)");
  EXPECT_FALSE(r->ir);
  EXPECT_EQ(r->sink.diagnostics()[0].kind, DiagKind::SecretMisuse);
}

TEST(Sema, UnboundSecretRead) {
  auto r = Analyze(R"(pipeline p version 1
on push
secret TOKEN masked
job a { run "curl -H \"x: $TOKEN\" x" }
job b { env { TOKEN = TOKEN } run "curl -H \"x: $TOKEN\" x" }
)");
  EXPECT_FALSE(r->ir);
  ASSERT_EQ(r->sink.diagnostics().size(), 1u) << r->Messages();
  EXPECT_EQ(r->sink.diagnostics()[0].kind, DiagKind::UnboundSecretRead);
}

TEST(Sema, TriggersNarrowAndMismatchIsReported) {
  auto r = Analyze(R"(pipeline p version 1
on push
on schedule nightly cron "0 3 * * *"
job train { when trigger is schedule.nightly run "t" out m: file "m" }
job eval { in m = train.m run "e" }
job ship { when trigger is push  in m = train.m  run "s" }
)");
  EXPECT_FALSE(r->ir);
  ASSERT_EQ(r->sink.diagnostics().size(), 1u) << r->Messages();
  EXPECT_EQ(r->sink.diagnostics()[0].kind, DiagKind::TriggerMismatch);
}

TEST(Sema, InheritedTriggers) {
  auto r = Analyze(R"(pipeline p version 1
on push
on schedule nightly cron "0 3 * * *"
job train { when trigger is schedule.nightly run "t" out m: file "m" }
job eval { in m = train.m run "e" }
)");
  ASSERT_TRUE(r->ir) << r->Messages();
  EXPECT_EQ(JobNamed(*r->ir, "eval").active_triggers, std::vector<std::string>{"schedule:nightly"});
}

TEST(Sema, StageOrderIsDataOnlyWithoutNeeds) {
  auto r = Analyze(R"(pipeline p version 1
on push
stages build, test
job b { stage build run "b" }
job t { stage test run "t" }
job u { stage test needs b run "u" }
)");
  ASSERT_TRUE(r->ir) << r->Messages();
  const ir::Job& t = JobNamed(*r->ir, "t");
  EXPECT_TRUE(t.needs.empty());  // no edge per pair of jobs
  EXPECT_TRUE(t.after_stages);
  EXPECT_TRUE(JobNamed(*r->ir, "b").after_stages);  // the rule, though nothing comes earlier
  const ir::Job& u = JobNamed(*r->ir, "u");
  EXPECT_FALSE(u.after_stages);
  EXPECT_EQ(u.needs[0].origin, ir::Need::Origin::Explicit);
  EXPECT_TRUE(ir::Verify(*r->ir).empty());
}

TEST(Sema, ValueGateAddsDependency) {
  auto r = Analyze(R"(pipeline p version 1
on push
job q { run "echo true > ok" out ok: bool from "ok" }
job d { when q.ok run "deploy" }
)");
  ASSERT_TRUE(r->ir) << r->Messages();
  const ir::Job& d = JobNamed(*r->ir, "d");
  ASSERT_EQ(d.needs.size(), 1u);
  EXPECT_EQ(d.when->op, ir::Condition::Op::Truthy);
  EXPECT_EQ(d.when->left.kind, ir::Operand::Kind::Output);
}

TEST(Sema, TemplateErrorsPointAtUseWithNote) {
  auto r = Analyze(R"(pipeline p version 1
on push
template t(x: int = 1) { run "${{ nope }}" }
job a : t() { }
)");
  EXPECT_FALSE(r->ir);
  const Diagnostic& d = r->sink.diagnostics()[0];
  EXPECT_EQ(d.range.begin.line, 4u);
  ASSERT_FALSE(d.notes.empty());
  EXPECT_EQ(d.notes[0].range.begin.line, 3u);
}

TEST(Sema, StdlibImport) {
  auto r = Analyze(R"(pipeline p version 1
on push
import std/python
job t : python.pytest(path: "tests/unit") { }
)");
  ASSERT_TRUE(r->ir) << r->Messages();
  const ir::Job& t = JobNamed(*r->ir, "t");
  EXPECT_EQ(t.image.LiteralText(), "python:3.11-slim");
  ASSERT_EQ(t.caches.size(), 1u);
  EXPECT_EQ(t.caches[0], "python.pip");
}

}  // namespace
}  // namespace pipec::sema
