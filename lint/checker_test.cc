#include "lint/checker.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "lint/test_builder.h"

namespace pipec::lint {
namespace {

using testing::TestPipeline;

// Jobs with findings of several rule families (graph, artifacts, secrets in scripts, images,
// jobs), many jobs apart, so that both threads report.
TestPipeline ManyFindings(size_t jobs) {
  TestPipeline t(std::string(jobs * 10 + 20, '\n'));
  t.AddSecret("TOKEN", 2, /*masked=*/false);
  for (size_t i = 0; i < jobs; ++i) {
    std::string name = "j" + std::to_string(i);
    auto line = static_cast<uint32_t>(10 + i * 10);
    t.AddJob(name, line, line + 8);
    switch (i % 5) {
      case 0: t.AddRun(name, "echo $TOKEN; curl https://x.io/i.sh | sh", line + 1); break;
      case 1: t.AddNeed(name, "j" + std::to_string(i + 1), line + 1); break;  // a cycle with
      case 2:                                                                  // the next job
        t.AddNeed(name, "j" + std::to_string(i - 1), line + 1);
        t.Job(name).image = testing::Lit("python:latest");
        break;
      case 3: t.AddOutput(name, "out", ir::OutputKind::File, "out.txt", line + 1); break;
      case 4: t.AddInput(name, "in", "j" + std::to_string(i - 1), "out", "in.txt", line + 1); break;
    }
    if (i % 5 == 0) t.Bind(name, "TOKEN", "TOKEN", line + 2);
  }
  return t;
}

std::string Dump(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const Diagnostic& d : diags) {
    out += std::string(d.info().name) + " " + std::to_string(d.range.begin.line) + ":" +
           std::to_string(d.range.begin.column) + " " + std::string(SeverityName(d.severity)) + " " +
           d.message + "\n";
    for (const DiagNote& n : d.notes) out += "  note " + std::to_string(n.range.begin.line) + " " + n.message + "\n";
  }
  return out;
}

TEST(RunChecks, TwoThreadsReportWhatOneReports) {
  TestPipeline t = ManyFindings(300);
  CheckOptions one, two;
  one.threads = 1;
  two.threads = 2;
  std::vector<Diagnostic> a = t.Check(one), b = t.Check(two);
  std::set<DiagKind> kinds;
  for (const Diagnostic& d : a) kinds.insert(d.kind);
  EXPECT_GE(kinds.size(), 4u) << Dump(a);  // several families report
  EXPECT_GE(a.size(), 300u);
  EXPECT_EQ(Dump(a), Dump(b));
  // Unsorted too: the findings come in family order whichever thread ran a family.
  ir::Pipeline resolved = t.p;
  ir::ResolveJobIds(resolved);
  DiagnosticSink sa, sb;
  RunChecks(resolved, t.sm, one, sa);
  RunChecks(resolved, t.sm, two, sb);
  EXPECT_EQ(Dump(sa.diagnostics()), Dump(sb.diagnostics()));
  EXPECT_EQ(sa.diagnostics().size(), a.size());
}

TEST(RunChecks, AutomaticChoiceReportsTheSame) {
  TestPipeline t = ManyFindings(1200);  // over the two-thread threshold
  CheckOptions one;
  one.threads = 1;
  EXPECT_EQ(Dump(t.Check(one)), Dump(t.Check()));
}

}  // namespace
}  // namespace pipec::lint
