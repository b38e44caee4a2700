#include "compiler/import/github_reader.h"

#include <gtest/gtest.h>

namespace pipec::import {
namespace {

struct Result {
  SourceManager sm;
  DiagnosticSink sink;
  std::optional<ir::Pipeline> p;
  support::MemoryFileSystem fs;
  std::vector<const Diagnostic*> Of(DiagKind kind) const {
    std::vector<const Diagnostic*> out;
    for (const Diagnostic& d : sink.diagnostics())
      if (d.kind == kind) out.push_back(&d);
    return out;
  }
  const ir::Job* Job(std::string_view name) const {
    for (const ir::Job& j : p->jobs)
      if (j.name == name) return &j;
    return nullptr;
  }
};

std::unique_ptr<Result> Read(std::string text, std::map<std::string, std::string> files = {}) {
  auto r = std::make_unique<Result>();
  for (auto& [path, contents] : files) r->fs.Add(path, contents);
  ImportOptions opts;
  opts.fs = &r->fs;
  FileId f = r->sm.AddFile(".github/workflows/ci.yml", std::move(text));
  r->p = ReadGitHub(f, r->sm, r->sink, opts);
  return r;
}

TEST(GitHubReader, JobsStepsSecretsAndArtifacts) {
  auto r = Read(R"(on: [push, pull_request]
env:
  TOKEN: ${{ secrets.NPM_TOKEN }}
jobs:
  build:
    runs-on: ubuntu-latest
    container: node:20
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - uses: actions/upload-artifact@v4
        with: {name: dist, path: dist/}
  test:
    needs: build
    runs-on: [self-hosted, linux]
    steps:
      - uses: actions/download-artifact@v4
        with: {name: dist}
      - run: npm test
)");
  ASSERT_TRUE(r->p);
  EXPECT_TRUE(r->sink.diagnostics().empty()) << r->sink.diagnostics()[0].message;
  EXPECT_EQ(r->p->origin, ir::Origin::GitHub);
  // `push` without filters runs for tags too: push, tag, pull_request.
  ASSERT_EQ(r->p->triggers.size(), 3u);
  EXPECT_EQ(r->p->triggers[0].kind, ir::TriggerKind::Tag);
  EXPECT_EQ(r->p->triggers[1].kind, ir::TriggerKind::Push);
  const ir::Job* build = r->Job("build");
  ASSERT_EQ(build->steps.size(), 3u);
  EXPECT_EQ(build->steps[0].kind, ir::Step::Kind::Uses);
  EXPECT_EQ(build->steps[0].uses, "actions/checkout@v4");
  EXPECT_EQ(build->image.parts[0].text, "node:20");
  ASSERT_EQ(build->outputs.size(), 1u);
  EXPECT_EQ(build->outputs[0].name, "dist");
  EXPECT_EQ(build->outputs[0].kind, ir::OutputKind::Dir);
  const ir::Job* test = r->Job("test");
  ASSERT_EQ(test->inputs.size(), 1u);
  EXPECT_EQ(test->inputs[0].job, "build");
  ASSERT_EQ(r->p->secrets.size(), 1u);
  EXPECT_EQ(r->p->secrets[0].name, "NPM_TOKEN");
  EXPECT_EQ(r->p->secrets[0].origin, "secrets.NPM_TOKEN reference");
  EXPECT_EQ(build->env[0].secret, "NPM_TOKEN");
}

// GitHub runs `push` for every branch and tag without filters, for tags only with only tag
// filters, for branches only with only branch filters.
TEST(GitHubReader, PushFiltersDecideBranchesAndTags) {
  auto kinds = [](const char* on) {
    auto r = Read(std::string("on:\n") + on + "\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n");
    std::string out;
    for (const ir::Trigger& t : r->p->triggers) out += t.Id() + (t.tag_pattern.empty() ? "" : "=" + t.tag_pattern) + " ";
    return out;
  };
  EXPECT_EQ(kinds("  push:"), "tag=* push ");
  EXPECT_EQ(kinds("  push:\n    tags: ['v*']"), "tag=v* ");
  EXPECT_EQ(kinds("  push:\n    tags-ignore: ['nightly']"), "tag=* ");
  EXPECT_EQ(kinds("  push:\n    branches: [main]"), "push ");
  EXPECT_EQ(kinds("  push:\n    branches: [main]\n    tags: ['v*']"), "tag=v* push ");
}

TEST(GitHubReader, NeedsErrors) {
  auto r = Read(R"(on: push
jobs:
  a:
    needs: [b, B]
    runs-on: x
    steps: [{run: a}]
  b:
    needs: [a]
    runs-on: x
    steps: [{run: b}]
  c:
    needs: ghost
    runs-on: x
    steps: [{run: c}]
)");
  ASSERT_EQ(r->Of(DiagKind::GhUnknownNeed).size(), 1u);
  EXPECT_EQ(r->Of(DiagKind::GhUnknownNeed)[0]->message, "Job 'c' depends on unknown job 'ghost'.");
  EXPECT_EQ(r->Of(DiagKind::GhUnknownNeed)[0]->range.begin.line, 11u);
  EXPECT_TRUE(r->Of(DiagKind::GhNeedsCycle).empty());  // the checker's (lint/rules_graph.cc)
  ASSERT_EQ(r->Of(DiagKind::GhDuplicateJob).size(), 1u);
  EXPECT_EQ(r->Of(DiagKind::GhDuplicateJob)[0]->range.begin.column, 16u);
}

// The reader finds every `${{ }}` with its place, what it can read and, in script text, its
// reads of untrusted text; the checker judges them (lint/rules_github_expressions.cc).
TEST(GitHubReader, ExpressionsWithTheirPlacesAndUntrustedReads) {
  auto r = Read(R"(on: issues
jobs:
  a:
    runs-on: x
    env:
      KEY: ${{ secrets.KEY }}
    steps:
      - run: echo "${{ github.event.issue.title }}"
      - run: |
          ls
          echo "${{ secrets.OTHER }}" && echo $KEY
      - run: echo "${{ github.event.commits[0].message }} ${{ github.sha }}"
)");
  EXPECT_TRUE(r->Of(DiagKind::GhScriptInjection).empty());  // the checker's
  // Echoed secrets are the checker's secret-echoed (one finding per echo, issue 14 j).
  EXPECT_TRUE(r->Of(DiagKind::GhSecretEchoed).empty());
  ASSERT_TRUE(r->p);
  const std::vector<ir::GitHubExpression>& e = r->p->github.expressions;
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0].text, " secrets.KEY ");
  EXPECT_FALSE(e[0].script);
  EXPECT_FALSE(e[0].steps_known);  // job env: steps are not known there
  ASSERT_EQ(e[1].taint.size(), 1u);
  EXPECT_TRUE(e[1].script);
  EXPECT_EQ(e[1].steps_known, 0u);
  EXPECT_EQ(e[1].taint[0].source, "github.event.issue.title");
  SourceRange at = e[1].where.At(e[1].taint[0].offset, e[1].taint[0].length);
  EXPECT_EQ(at.begin.line, 8u);
  EXPECT_EQ(at.begin.column, 24u);
  EXPECT_EQ(at.end.column, 48u);
  // in a block scalar: the line of the script, not the `run: |` line
  EXPECT_EQ(e[2].where.At(1, 7).begin.line, 11u);
  EXPECT_EQ(e[2].where.At(1, 7).begin.column, 21u);  // the `s` of secrets
  EXPECT_TRUE(e[2].taint.empty());
  ASSERT_EQ(e[3].taint.size(), 1u);
  EXPECT_EQ(e[3].taint[0].source, "github.event.commits.*.message");
  EXPECT_TRUE(e[4].taint.empty());  // github.sha
  ASSERT_EQ(r->p->github.jobs.size(), 1u);
  EXPECT_EQ(r->p->github.jobs[0].name, "a");
}

// What `steps`, `needs`, `inputs` and `matrix` hold where each expression is read.
TEST(GitHubReader, ExpressionScopes) {
  auto r = Read(R"(on:
  workflow_dispatch:
    inputs: {Mode: {type: string}}
run-name: ${{ inputs.mode }}
jobs:
  b:
    runs-on: x
    steps: [{run: make}]
  a:
    needs: [B, ghost]
    if: ${{ matrix.os }}
    strategy: {matrix: {os: [l], include: [{extra: 1}]}}
    runs-on: ${{ matrix.os }}
    outputs: {v: "${{ steps.s2.outputs.v }}"}
    steps:
      - id: S1
        run: echo
      - {run: echo, if: steps.s1.outcome}
      - parallel:
          - {id: s2, run: echo}
)");
  ASSERT_TRUE(r->p);
  const ir::GitHubFacts& g = r->p->github;
  ASSERT_TRUE(g.inputs);
  EXPECT_EQ(*g.inputs, std::vector<std::string>{"mode"});
  EXPECT_EQ(g.job_ids, (std::vector<std::string>{"b", "a"}));
  ASSERT_EQ(g.jobs.size(), 2u);
  EXPECT_EQ(g.jobs[1].needs, (std::vector<std::string>{"b", "ghost"}));
  EXPECT_EQ(g.jobs[1].step_ids, (std::vector<std::string>{"s1", "", "s2"}));
  EXPECT_EQ(g.jobs[1].matrix_keys, (std::vector<std::string>{"extra", "os"}));
  ASSERT_EQ(g.expressions.size(), 5u);
  EXPECT_EQ(g.expressions[0].job, -1);  // run-name
  const ir::GitHubExpression& cond = g.expressions[1];
  EXPECT_EQ(cond.job, 1);
  EXPECT_TRUE(cond.condition);
  EXPECT_FALSE(cond.matrix_known);  // the job's `if:` is read before the matrix expands
  EXPECT_TRUE(g.expressions[2].matrix_known);  // runs-on
  EXPECT_EQ(g.expressions[3].steps_known, 3u);  // outputs: every step
  EXPECT_FALSE(g.expressions[3].in_step);
  const ir::GitHubExpression& bare = g.expressions[4];  // an `if:` without `${{ }}`
  EXPECT_EQ(bare.text, "steps.s1.outcome");
  EXPECT_TRUE(bare.condition);
  EXPECT_TRUE(bare.in_step);
  EXPECT_EQ(bare.steps_known, 1u);
}

// The reader ties a download to the upload of the same name in a job it needs; one it cannot
// tie stays without a producer for the checker (github-missing-artifact, lint/rules_artifacts.cc).
TEST(GitHubReader, DownloadsAreTiedToUploadsUpstreamOrLeftForTheChecker) {
  auto r = Read(R"(on: push
jobs:
  up:
    runs-on: x
    steps: [{uses: actions/upload-artifact@v4, with: {name: pkg, path: out}}]
  down:
    runs-on: x
    steps: [{uses: actions/download-artifact@v4, with: {name: pkg}}]
  after:
    needs: up
    runs-on: x
    steps: [{uses: actions/download-artifact@v4, with: {name: pkg, path: dist}}]
)");
  EXPECT_TRUE(r->Of(DiagKind::GhMissingArtifact).empty());  // not the reader's to say
  ASSERT_TRUE(r->p);
  const ir::Job* down = r->p->FindJob("down");
  ASSERT_EQ(down->inputs.size(), 1u);
  EXPECT_EQ(down->inputs[0].job, "");
  EXPECT_EQ(down->inputs[0].job_id, ir::kNoJob);
  EXPECT_EQ(down->inputs[0].output, "pkg");
  const ir::Job* after = r->p->FindJob("after");
  ASSERT_EQ(after->inputs.size(), 1u);
  EXPECT_EQ(after->inputs[0].job, "up");
  EXPECT_EQ(after->inputs[0].job_id, 0u);
  EXPECT_EQ(after->inputs[0].path, "dist");
}

TEST(GitHubReader, LocalReusableWorkflow) {
  auto r = Read(R"(on: push
jobs:
  call:
    uses: ./.github/workflows/called.yml
    with: {name: x, bogus: y}
    secrets:
      undeclared: ${{ secrets.A }}
  missing:
    uses: ./.github/workflows/nope.yml
)",
                {{".github/workflows/called.yml",
                  "on:\n  workflow_call:\n    inputs:\n      name: {type: string, required: true}\n      level: {type: number, required: true}\n    secrets:\n      token: {required: true}\njobs: {}\n"}});
  std::vector<std::string> msgs;
  for (const Diagnostic* d : r->Of(DiagKind::GhReusableWorkflow)) msgs.push_back(d->message);
  std::sort(msgs.begin(), msgs.end());
  ASSERT_EQ(msgs.size(), 5u);
  EXPECT_NE(msgs[0].find("could not read reusable workflow file"), std::string::npos);
  EXPECT_EQ(msgs[1], "input \"bogus\" is not defined in \"./.github/workflows/called.yml\" reusable workflow");
  EXPECT_EQ(msgs[2], "input \"level\" is required by \"./.github/workflows/called.yml\" reusable workflow");
}

TEST(GitHubReader, MissingKeysAndBadSteps) {
  auto r = Read("jobs:\n  a:\n    steps:\n      - name: nothing\n      - run: x\n        with: {a: b}\n");
  EXPECT_EQ(r->Of(DiagKind::GhMissingKey).size(), 2u);  // on, runs-on
  EXPECT_EQ(r->Of(DiagKind::GhStep).size(), 1u);
  EXPECT_EQ(r->Of(DiagKind::YamlUnknownKey).size(), 1u);
}

TEST(GitHubReader, UntrustedInputPatterns) {
  EXPECT_EQ(UntrustedInput("github.event.pull_request.head.ref"), "github.event.pull_request.head.ref");
  EXPECT_EQ(UntrustedInput("github.event['issue']['body']"), "github.event.issue.body");
  EXPECT_EQ(UntrustedInput("github.event.pull_request.number"), "");
  EXPECT_EQ(UntrustedInput("github.head_ref"), "github.head_ref");
}

// The fact the checker's secrets-inherit judges: where a call writes `secrets: inherit`.
TEST(GitHubReader, KeepsWhereACallInheritsSecrets) {
  auto r = Read(R"(on: push
jobs:
  release:
    uses: acme/ci/.github/workflows/release.yml@v1
    secrets: inherit
  named:
    uses: acme/ci/.github/workflows/release.yml@v1
    secrets: {TOKEN: x}
)");
  ASSERT_TRUE(r->p);
  SourceRange at = r->Job("release")->inherits_secrets;
  EXPECT_EQ(at.begin.line, 5u);
  EXPECT_EQ(at.begin.column, 14u);
  EXPECT_FALSE(r->Job("named")->inherits_secrets.valid());
}

}  // namespace
}  // namespace pipec::import
