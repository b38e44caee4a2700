#include "compiler/import/pipe_writer.h"

#include <gtest/gtest.h>

#include "compiler/import/gitlab_reader.h"

namespace pipec::import {
namespace {

std::string Import(std::string yaml) {
  SourceManager sm;
  DiagnosticSink sink;
  MemoryFileSystem fs;
  ImportOptions opts;
  opts.fs = &fs;
  FileId f = sm.AddFile(".gitlab-ci.yml", std::move(yaml));
  std::optional<ir::Pipeline> p = ReadGitLab(f, sm, sink, opts);
  EXPECT_TRUE(p);
  return p ? WritePipe(*p, {".gitlab-ci.yml"}) : "";
}

TEST(PipeWriter, NamesAndStrings) {
  EXPECT_EQ(PipeName("build:linux"), "build_linux");
  EXPECT_EQ(PipeName("test 1/2"), "test_1_2");
  EXPECT_EQ(PipeName("2fast"), "j_2fast");
  EXPECT_EQ(PipeString("say \"hi\" \\ now"), "\"say \\\"hi\\\" \\\\ now\"");
  EXPECT_EQ(PipeString("a\nb\n"), "\"\"\"\n    a\n    b\n  \"\"\"");
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
  EXPECT_NE(pipe.find("job build {\n  stage build\n  image \"gcc:13\"\n  run \"make\"\n  out bin: dir \"bin/\" expire 2d\n}"),
            std::string::npos) << pipe;
  EXPECT_NE(pipe.find("  in build_bin = build.bin\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("  timeout 1h\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("  raw gitlab {\n    \"interruptible\": true,\n  }\n"), std::string::npos) << pipe;
  EXPECT_NE(pipe.find("#   job test: interruptible\n"), std::string::npos) << pipe;
}

}  // namespace
}  // namespace pipec::import
