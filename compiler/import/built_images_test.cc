#include "compiler/import/built_images.h"

#include <gtest/gtest.h>

namespace pipec::import {
namespace {

std::vector<std::string> Built(const std::string& workflow) {
  static SourceManager sm;  // nodes keep ranges into it
  FileId f = sm.AddFile("wf.yml", workflow);
  DiagnosticSink sink;
  yaml::NodePtr doc = yaml::Load(sm, f, sink, yaml::MergeKeys::kNone);
  EXPECT_TRUE(doc);
  return doc ? GitHubBuiltImages(*doc) : std::vector<std::string>{};
}

TEST(BuiltImages, ScriptsBuildTagAndPush) {
  EXPECT_EQ(ImagesBuiltByScript("docker build -t app:1 . && docker push registry.example/app:1\n"
                                "docker tag app:1 app:latest\nexecutor --destination=gcr.io/p/x:2\nmake"),
            (std::vector<std::string>{"app:1", "registry.example/app:1", "app:1", "app:latest", "gcr.io/p/x:2"}));
}

// Scripts that name no builder are not lexed; a builder named by a path or in quotes still is.
TEST(BuiltImages, OnlyScriptsNamingABuilderAreRead) {
  EXPECT_TRUE(ImagesBuiltByScript("make && echo -t not-an-image").empty());
  EXPECT_EQ(ImagesBuiltByScript("\"podman\" build --tag app:2 ."), (std::vector<std::string>{"app:2"}));
  EXPECT_EQ(ImagesBuiltByScript("buildah bud -t app:3 ."), (std::vector<std::string>{"app:3"}));
}

// Tags take env and matrix values (every matrix value, include rows too); a tag with an
// expression nothing here resolves is left out.
TEST(BuiltImages, WorkflowTagsWithEnvAndMatrix) {
  auto built = Built(R"(env: {REGISTRY: acme}
jobs:
  images:
    strategy:
      matrix:
        name: [cuda, cpu]
        include: [{name: rocm}]
    steps:
      - uses: docker/build-push-action@v6
        with:
          tags: |
            ${{ env.REGISTRY }}/${{ matrix.name }}:latest
            ghcr.io/x/${{ github.sha }}
      - run: docker build -t "${{ env.REGISTRY }}/tool:1" .
        env: {REGISTRY: other}
)");
  EXPECT_EQ(built, (std::vector<std::string>{"acme/cuda:latest", "acme/cpu:latest", "acme/rocm:latest", "other/tool:1"}));
}

}  // namespace
}  // namespace pipec::import
