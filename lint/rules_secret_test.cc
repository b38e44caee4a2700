#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lint/test_builder.h"

namespace pipec::lint {
namespace {

using testing::OfKind;
using testing::TestPipeline;

// A job `deploy` at line 10 binding secret TOKEN (masked or not) as $TOKEN, running `script`
// whose text is also written at line 12 of the source, so positions map back.
TestPipeline WithScript(const std::string& script, bool masked = false) {
  std::string src(11, '\n');
  src += "  run \"" + script + "\"\n" + std::string(20, '\n');
  TestPipeline t(src);
  t.AddSecret("TOKEN", 2, masked);
  t.AddJob("deploy", 10, 14);
  t.Bind("deploy", "TOKEN", "TOKEN", 11);
  t.AddRun("deploy", script, 12);
  return t;
}

TEST(SecretScripts, EchoToTheLogIsReportedAtTheVariable) {
  auto t = WithScript("echo \"token is $TOKEN\"");
  auto d = OfKind(t.Check(), DiagKind::SecretEchoed);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_EQ(d[0].range.begin.line, 12u);
  EXPECT_EQ(d[0].range.begin.column, 23u);  // `  run "echo "token is ` is 22 bytes
  EXPECT_EQ(d[0].message.find("token is"), std::string::npos);
}

TEST(SecretScripts, MaskedEchoIsAWarningButATransformIsAnError) {
  EXPECT_EQ(OfKind(WithScript("echo $TOKEN", true).Check(), DiagKind::SecretEchoed)[0].severity,
            Severity::Warning);
  auto d = OfKind(WithScript("echo $TOKEN | base64", true).Check(), DiagKind::SecretEchoed);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].severity, Severity::Error);
}

TEST(SecretScripts, APieceOfAMaskedSecretIsAnError) {
  auto d = OfKind(WithScript("echo \"prefix ${TOKEN:0:4}\"", true).Check(), DiagKind::SecretEchoed);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_EQ(OfKind(WithScript("echo \"${TOKEN}\"", true).Check(), DiagKind::SecretEchoed)[0].severity,
            Severity::Warning);
}

TEST(SecretScripts, PipedIntoAConsumerOrSingleQuotedIsFine) {
  auto diags = WithScript("echo \"$TOKEN\" | docker login -u me --password-stdin; echo '$TOKEN'")
                   .Check();
  EXPECT_TRUE(OfKind(diags, DiagKind::SecretEchoed).empty());
  EXPECT_TRUE(OfKind(diags, DiagKind::SecretOnCommandLine).empty());
}

TEST(SecretScripts, TraceEnvDumpCommandLineUrlAndCurlPipeShell) {
  auto diags = WithScript(
                   "set -eux; printenv | sort; docker login -p $TOKEN r.io; "
                   "git push https://ci:$TOKEN@git.example.com/x.git; curl -fsSL https://x.io/i.sh | sudo bash")
                   .Check();
  EXPECT_EQ(OfKind(diags, DiagKind::SecretShellTrace).size(), 1u);
  EXPECT_EQ(OfKind(diags, DiagKind::SecretEnvDump).size(), 1u);
  EXPECT_EQ(OfKind(diags, DiagKind::SecretOnCommandLine).size(), 1u);
  EXPECT_EQ(OfKind(diags, DiagKind::SecretInUrl).size(), 1u);
  auto curl = OfKind(diags, DiagKind::CurlPipeShell);
  ASSERT_EQ(curl.size(), 1u);
  EXPECT_EQ(curl[0].notes.size(), 2u);  // mentions the bound secrets
}

TEST(SecretScripts, NothingWithoutBoundSecretsExceptCurlPipeShell) {
  auto t = WithScript("set -x; env; curl https://x.io/i.sh | sh");
  t.Job("deploy").env.clear();
  auto diags = t.Check();
  EXPECT_TRUE(OfKind(diags, DiagKind::SecretShellTrace).empty());
  EXPECT_TRUE(OfKind(diags, DiagKind::SecretEnvDump).empty());
  EXPECT_EQ(OfKind(diags, DiagKind::CurlPipeShell).size(), 1u);
}

TEST(SecretScripts, SecretWrittenIntoAnOutputCacheOrDotenv) {
  auto t = WithScript("echo \"T=$TOKEN\" >> build.env; env > dist/env.txt; echo $TOKEN | tee .cache/t; echo $TOKEN > /tmp/ok");
  t.AddOutput("deploy", "vars", ir::OutputKind::Dotenv, "build.env", 13);
  t.AddOutput("deploy", "dist", ir::OutputKind::Dir, "dist/", 13);
  ir::Cache c;
  c.name = "deps";
  c.paths = {".cache"};
  t.p.caches.push_back(c);
  t.Job("deploy").caches = {"deps"};
  auto diags = t.Check();
  auto written = OfKind(diags, DiagKind::SecretWrittenToArtifact);
  ASSERT_EQ(written.size(), 3u);
  EXPECT_NE(written[0].message.find("dotenv report vars"), std::string::npos);
  EXPECT_NE(written[1].message.find("output dist"), std::string::npos);
  EXPECT_NE(written[2].message.find("cache deps"), std::string::npos);
  // tee also prints to the log.
  EXPECT_EQ(OfKind(diags, DiagKind::SecretEchoed).size(), 1u);
}

TEST(SecretDeclarations, MaskingAndReach) {
  TestPipeline t;
  t.AddSecret("PLAIN", 2, /*masked=*/false);
  t.AddSecret("DEPLOY_KEY_PEM", 3, true);
  t.AddSecret("KUBECONFIG", 4, true, false, /*file=*/true);
  t.AddSecret("PROD", 5, true, /*protected=*/true);
  t.p.triggers[0].branches.clear();  // push on any branch
  ir::Trigger mr;
  mr.kind = ir::TriggerKind::MergeRequest;
  t.p.triggers.push_back(mr);
  t.AddJob("review", 10).active_triggers = {"merge_request"};
  t.Bind("review", "PLAIN", "PLAIN", 11);
  t.AddRun("review", "make", 12);
  t.AddJob("deploy", 20);
  t.Bind("deploy", "PROD", "PROD", 21);
  t.AddRun("deploy", "make", 22);
  auto diags = t.Check();
  EXPECT_EQ(OfKind(diags, DiagKind::UnmaskedSecret).size(), 1u);
  EXPECT_EQ(OfKind(diags, DiagKind::UnmaskableSecret).size(), 2u);
  auto mr_diags = OfKind(diags, DiagKind::SecretInMergeRequest);
  ASSERT_EQ(mr_diags.size(), 1u);
  EXPECT_EQ(mr_diags[0].notes.size(), 2u);
  auto prot = OfKind(diags, DiagKind::ProtectedSecretUnprotectedRef);
  ASSERT_EQ(prot.size(), 1u);
  EXPECT_NE(prot[0].message.find("on pushes to any branch"), std::string::npos);

  t.p.triggers[0].branches = {"main"};
  EXPECT_TRUE(OfKind(t.Check(), DiagKind::ProtectedSecretUnprotectedRef).empty());
}

TEST(SecretDeclarations, SecretsInheritToAnotherRepositoryOrAWorkflowOfThisOne) {
  TestPipeline t;
  t.p.origin = ir::Origin::GitHub;
  ir::Job& remote = t.AddJob("release", 10);
  remote.raw_github.get()["uses"] = "acme/ci/.github/workflows/release.yml@v1";
  remote.inherits_secrets = t.At(12, 14, 7);
  ir::Job& local = t.AddJob("local", 20);
  local.raw_github.get()["uses"] = "./.github/workflows/local.yml";
  local.inherits_secrets = t.At(22, 14, 7);
  t.AddJob("plain", 30).raw_github.get()["uses"] = "acme/ci/.github/workflows/release.yml@v1";
  auto diags = OfKind(t.Check(), DiagKind::SecretsInherit);
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].severity, Severity::Warning);
  EXPECT_EQ(diags[0].range.begin.line, 12u);
  EXPECT_EQ(diags[0].message,
            "job \"release\" passes every secret of this repository to acme/ci/.github/workflows/release.yml@v1, a "
            "workflow of another repository, with `secrets: inherit`");
  EXPECT_EQ(diags[0].subject.job, "release");
  EXPECT_EQ(diags[1].severity, Severity::Note);
  EXPECT_EQ(diags[1].message, "job \"local\" passes every secret to ./.github/workflows/local.yml with `secrets: inherit`");
}

TEST(HardcodedSecrets, FoundInScriptsAndEnvWithoutPrintingTheValue) {
  std::string token = "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5";
  std::string src = "\n\n\n  env { API_PASSWORD = \"k9Xq2vLm7RtZ4pW8\" }\n  run \"curl -u x:" + token +
                    " https://api\"\n" + std::string(10, '\n');
  TestPipeline t(src);
  t.AddJob("j", 3, 6);
  ir::EnvVar e;
  e.name = "API_PASSWORD";
  e.value = testing::Lit("k9Xq2vLm7RtZ4pW8");
  e.range = t.At(4, 9, 12);
  t.Job("j").env.push_back(e);
  t.AddRun("j", "curl -u x:" + token + " https://api", 5);
  auto d = OfKind(t.Check(), DiagKind::HardcodedSecret);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].range.begin.line, 4u);
  EXPECT_EQ(d[0].range.begin.column, 25u);
  EXPECT_EQ(d[1].range.begin.line, 5u);
  EXPECT_EQ(d[1].range.begin.column, 18u);
  for (const Diagnostic& x : d) {
    EXPECT_EQ(x.message.find(token), std::string::npos);
    EXPECT_EQ(x.message.find("k9Xq"), std::string::npos);
  }
}

}  // namespace
}  // namespace pipec::lint
