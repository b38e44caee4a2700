#include "compiler/import/pipe_writer.h"

#include <gtest/gtest.h>

#include "compiler/import/github_reader.h"
#include "compiler/import/gitlab_reader.h"

namespace pipec::import {
namespace {

std::string Import(std::string yaml, bool templates = false) {
  SourceManager sm;
  DiagnosticSink sink;
  support::MemoryFileSystem fs;
  ImportOptions opts;
  opts.fs = &fs;
  ImportTemplates t;
  if (templates) {
    opts.keep_hidden = true;
    opts.templates = &t;
  }
  FileId f = sm.AddFile(".gitlab-ci.yml", std::move(yaml));
  std::optional<ir::Pipeline> p = ReadGitLab(f, sm, sink, opts);
  EXPECT_TRUE(p);
  PipeWriteOptions wo{".gitlab-ci.yml"};
  if (templates) wo.templates = &t;
  return p ? WritePipe(*p, wo) : "";
}

TEST(PipeWriter, NamesAndStrings) {
  EXPECT_EQ(PipeName("build:linux"), "build_linux");
  EXPECT_EQ(PipeName("test 1/2"), "test_1_2");
  EXPECT_EQ(PipeName("2fast"), "j_2fast");
  EXPECT_EQ(PipeString("say \"hi\" \\ now"), "\"say \\\"hi\\\" \\\\ now\"");
  EXPECT_EQ(PipeString("a\nb"), "\"\"\"\n    a\n    b\n  \"\"\"");
  EXPECT_EQ(PipeString("a\nb\n"), "\"\"\"\n    a\n    b\n\n  \"\"\"");  // the last newline stays
  EXPECT_EQ(PipeString("echo ${{ github.sha }}\nx"),
            "\"echo \\${{ github.sha }}\\nx\"");  // vendor expressions stay text
}

TEST(PipeWriter, GitLabJobsBecomePipe) {
  std::string pipe = Import(R"(stages: [build, test]
variables: {MODE: fast}
build:
  stage: build
  image: gcc:13
  script: [make]
  artifacts: {paths: [bin/], expire_in: 2 days}
test:
  stage: test
  needs: [build]
  script: [./bin/test]
  interruptible: true
  timeout: 1h
)");
  EXPECT_NE(pipe.find("pipeline gitlab version 1\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("stages build, test\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("    MODE = \"fast\",\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("job build {\n  stage build\n  image \"gcc:13\"\n  run \"make\"\n  out bin: "
                      "dir \"bin/\" expire 2d\n}"),
            std::string::npos)
      << pipe;
  EXPECT_NE(pipe.find("  in build_bin = build.bin\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("  timeout 1h\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("  raw gitlab {\n    \"interruptible\": true,\n  }\n"), std::string::npos)
      << pipe;
  EXPECT_NE(pipe.find("#   job test: interruptible\n"), std::string::npos) << pipe;
}

std::string ImportGitHub(std::string yaml) {
  SourceManager sm;
  DiagnosticSink sink;
  support::MemoryFileSystem fs;
  ImportOptions opts;
  opts.fs = &fs;
  FileId f = sm.AddFile(".github/workflows/ci.yml", std::move(yaml));
  std::optional<ir::Pipeline> p = ReadGitHub(f, sm, sink, opts);
  EXPECT_TRUE(p);
  return p ? WritePipe(*p, {"ci.yml"}) : "";
}

TEST(PipeWriter, GitHubArtifactsBecomeOutsAndIns) {
  std::string pipe = ImportGitHub(R"(on: [pull_request, pull_request_target]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make > out.txt
      - uses: actions/upload-artifact@v4
        with: {name: out, path: out.txt}
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with: {name: out, path: in/}
      - run: cat in/out.txt "${{ github.sha }}"
  c:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with: {path: x, key: k}
)");
  EXPECT_EQ(pipe.find("on merge_request\non merge_request"), std::string::npos) << pipe;  // one trigger
  EXPECT_NE(pipe.find("job a {\n  runner [\"ubuntu-latest\"]\n  run \"make > out.txt\"\n  out out: file \"out.txt\"\n}"),
            std::string::npos)
      << pipe;
  EXPECT_NE(pipe.find("  in out = a.out at \"in/out.txt\"\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("  run \"cat in/out.txt \\\"\\${{ github.sha }}\\\"\"\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("# pipec: ignore[empty-script] its steps only call GitHub actions\njob c {"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("\"uses\": \"actions/cache@v4\""), std::string::npos) << pipe;
}

TEST(PipeWriter, ExtendsBecomeTemplates) {
  const char* yaml = R"(.a:
  image: a:1
  variables: {A: "1"}
.b:
  extends: .a
  stage: build
  script: [make]
build:
  extends: .b
  variables: {B: "2"}
both:
  extends: [.b, .c]
  script: [make both]
.c:
  tags: [gpu]
)";
  std::string pipe = Import(yaml, true);
  EXPECT_NE(pipe.find("# From hidden job .a.\ntemplate a() {\n  image \"a:1\"\n  env {\n    A = "
                      "\"1\",\n  }\n}\n"),
            std::string::npos)
      << pipe;
  EXPECT_NE(pipe.find("template b() : a() {\n  stage build\n  run \"make\"\n}\n"),
            std::string::npos)
      << pipe;
  EXPECT_NE(pipe.find("job build : b() {\n  env {\n    B = \"2\",\n  }\n}\n"), std::string::npos)
      << pipe;
  // several parents: a template for what they merge, on the parent that leaves it least to say
  EXPECT_NE(pipe.find("template b_c() : b() {\n  runner [\"gpu\"]\n}\n"), std::string::npos)
      << pipe;
  EXPECT_NE(pipe.find("job both : b_c() {\n  run \"make both\"\n}\n"), std::string::npos) << pipe;
  EXPECT_EQ(pipe, Import(yaml, true));  // byte-identical re-runs
}

TEST(PipeWriter, WhatTemplatesCannotSayIsWrittenInFull) {
  std::string pipe = Import(R"(stages: [build, deploy]
build: {stage: build, script: [make], artifacts: {paths: [out/]}}
.deploy:
  stage: deploy
  image: alpine
  artifacts: {paths: [report/]}
deploy:
  extends: .deploy
  script: [./deploy.sh]
  artifacts: {paths: [log/]}
)",
                            true);
  EXPECT_NE(
      pipe.find("#   job deploy (on .deploy: it lacks the output `out report: dir \"report/\"`"),
      std::string::npos)
      << pipe;
  EXPECT_NE(pipe.find("job deploy {\n  stage deploy\n  image \"alpine\"\n"), std::string::npos)
      << pipe;
  // the template is not written: its only user could not use it
  EXPECT_EQ(pipe.find("template deploy()"), std::string::npos) << pipe;
}

TEST(PipeWriter, AnchorsMergedIntoJobsBecomeTemplates) {
  std::string pipe = Import(R"(.defs:
  common: &common
    image: python:3
    tags: [docker]
one:
  <<: *common
  script: [one]
two:
  <<: *common
  script: [two]
  image: python:2
)",
                            true);
  EXPECT_NE(pipe.find("# From YAML anchor &common.\ntemplate common() {\n  image \"python:3\"\n  "
                      "runner [\"docker\"]\n}\n"),
            std::string::npos)
      << pipe;
  EXPECT_NE(pipe.find("job one : common() {\n  stage test\n  run \"one\"\n}\n"), std::string::npos)
      << pipe;
  EXPECT_NE(
      pipe.find("job two : common() {\n  stage test\n  image \"python:2\"\n  run \"two\"\n}\n"),
      std::string::npos)
      << pipe;
  EXPECT_EQ(pipe.find("template defs"), std::string::npos) << pipe;  // holds anchors, no job keys
}

}  // namespace
}  // namespace pipec::import
