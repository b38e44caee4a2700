#include "compiler/emit/github_emitter.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "compiler/emit/test_pipeline.h"

namespace pipec::emit {
namespace {

using namespace testing;

struct GitHubBuilt {
  EmittedFiles files;
  DiagnosticSink diags;
  YAML::Node yaml;
  std::string text;
};

std::unique_ptr<GitHubBuilt> BuildGitHub(const ir::Pipeline& p) {
  auto b = std::make_unique<GitHubBuilt>();
  EmitOptions opts;
  opts.source_display = "hat.pipe";
  b->files = EmitGitHub(p, opts, b->diags);
  b->text = b->files.at(".github/workflows/hat.yml");
  b->yaml = YAML::Load(b->text);
  return b;
}

TEST(GitHubEmitter, TriggersAndTypedInputs) {
  auto b = BuildGitHub(HatPipeline());
  YAML::Node on = b->yaml["on"];
  EXPECT_EQ(on["push"]["branches"][0].as<std::string>(), "master");
  EXPECT_TRUE(on["pull_request"]);
  EXPECT_EQ(on["schedule"][0]["cron"].as<std::string>(), "0 3 * * *");
  YAML::Node input = on["workflow_dispatch"]["inputs"]["force_update"];
  EXPECT_EQ(input["type"].as<std::string>(), "boolean");
  EXPECT_EQ(input["default"].Tag(), "?");  // a real boolean, not the string "false"
  EXPECT_FALSE(input["default"].as<bool>());
  EXPECT_EQ(b->yaml["permissions"]["contents"].as<std::string>(), "read");
}

TEST(GitHubEmitter, ValueGateReadsNeedsOutputs) {
  auto b = BuildGitHub(HatPipeline());
  YAML::Node update = b->yaml["jobs"]["update_model"];
  std::string cond = update["if"].as<std::string>();
  EXPECT_NE(cond.find("needs.qualify.outputs.qualified == 'true'"), std::string::npos) << cond;
  EXPECT_NE(cond.find("inputs.force_update"), std::string::npos) << cond;
  YAML::Node q = b->yaml["jobs"]["qualify"];
  EXPECT_EQ(q["outputs"]["qualified"].as<std::string>(), "${{ steps.pipec-values.outputs.qualified }}");
}

TEST(GitHubEmitter, ArtifactsMoveThroughPinnedActions) {
  auto b = BuildGitHub(HatPipeline());
  YAML::Node train = b->yaml["jobs"]["train"]["steps"];
  EXPECT_EQ(train[0]["uses"].as<std::string>(), kCheckoutAction);
  bool uploaded = false;
  for (const auto& s : train)
    if (s["uses"] && s["uses"].as<std::string>() == kUploadArtifactAction &&
        s["with"]["name"].as<std::string>() == "train--model") {
      uploaded = true;
      EXPECT_EQ(s["with"]["retention-days"].as<int>(), 30);
    }
  EXPECT_TRUE(uploaded) << b->text;
  YAML::Node update = b->yaml["jobs"]["update_model"]["steps"];
  EXPECT_EQ(update[1]["uses"].as<std::string>(), kDownloadArtifactAction);
  EXPECT_EQ(update[1]["with"]["name"].as<std::string>(), "train--model");
  EXPECT_EQ(update[1]["with"]["path"].as<std::string>(), ".");
}

TEST(GitHubEmitter, SecretsOnlyThroughEnvAndNoExpressionsInRun) {
  auto b = BuildGitHub(HatPipeline());
  EXPECT_EQ(b->yaml["jobs"]["train"]["env"]["KAGGLE_KEY"].as<std::string>(), "${{ secrets.KAGGLE_KEY }}");
  for (const auto& job : b->yaml["jobs"])
    for (const auto& step : job.second["steps"]) {
      if (step["run"]) {
        EXPECT_EQ(step["run"].as<std::string>().find("${{"), std::string::npos) << step["run"].as<std::string>();
      }
    }
  // The sha in update_model's script is read from the runner's environment.
  YAML::Node run = b->yaml["jobs"]["update_model"]["steps"][2]["run"];
  EXPECT_NE(run.as<std::string>().find("${GITHUB_SHA}"), std::string::npos) << b->text;
}

TEST(GitHubEmitter, EnvironmentApprovalTimeoutAndRetryAreReported) {
  auto b = BuildGitHub(HatPipeline());
  YAML::Node deploy = b->yaml["jobs"]["deploy_api"];
  EXPECT_EQ(deploy["environment"]["name"].as<std::string>(), "staging");
  EXPECT_EQ(deploy["timeout-minutes"].as<int>(), 90);
  EXPECT_NE(deploy["if"].as<std::string>().find("github.ref == 'refs/heads/"), std::string::npos);
  EXPECT_TRUE(HasDiag(b->diags, DiagKind::EmitApprovalInSettings));
  EXPECT_TRUE(HasDiag(b->diags, DiagKind::EmitUnsupported));  // retry
  auto settings = nlohmann::json::parse(b->files.at(".github/pipec/hat.settings.json"));
  EXPECT_EQ(settings["environments"][0]["required_reviewers"], true);
  EXPECT_EQ(settings["secrets"][0]["name"], "KAGGLE_KEY");
}

ir::Pipeline WithMatrix(bool same_shape) {
  ir::Pipeline p = HatPipeline();
  ir::Job a = RunJob("lint[py=3.10]", "ruff check");
  a.base_name = "lint";
  a.matrix = {{"py", "3.10"}};
  a.image = Lit("python:3.10");
  ir::Job b = RunJob("lint[py=3.11]", same_shape ? "ruff check" : "ruff check --strict");
  b.base_name = "lint";
  b.matrix = {{"py", "3.11"}};
  b.image = Lit("python:3.11");
  p.jobs.push_back(a);
  p.jobs.push_back(b);
  return p;
}

TEST(GitHubEmitter, MatrixCellsFoldIntoStrategyMatrix) {
  auto b = BuildGitHub(WithMatrix(true));
  YAML::Node job = b->yaml["jobs"]["lint"];
  ASSERT_TRUE(job) << b->text;
  EXPECT_EQ(job["container"].as<std::string>(), "python:${{ matrix.py }}");
  EXPECT_EQ(job["strategy"]["matrix"]["py"][1].as<std::string>(), "3.11");
  EXPECT_FALSE(job["strategy"]["fail-fast"].as<bool>());
  EXPECT_FALSE(HasDiag(b->diags, DiagKind::EmitMatrixExpanded));
}

TEST(GitHubEmitter, CellsThatDifferStayExpandedWithANote) {
  auto b = BuildGitHub(WithMatrix(false));
  YAML::Node job = b->yaml["jobs"]["lint_py_3_11"];
  ASSERT_TRUE(job) << b->text;
  EXPECT_EQ(job["name"].as<std::string>(), "lint[py=3.11]");
  EXPECT_TRUE(HasDiag(b->diags, DiagKind::EmitMatrixExpanded));
  EXPECT_EQ(BuildGitHub(WithMatrix(false))->files, b->files);
}

}  // namespace
}  // namespace pipec::emit
