#include "compiler/import/gitlab_values.h"

#include <gtest/gtest.h>

namespace pipec::import {
namespace {

std::string Lower(const char* name, const char* value, std::set<std::string> defined = {}) {
  LoweredValue v = LowerGitLabValue(name, value, defined);
  switch (v.kind) {
    case LoweredValue::Kind::Text: return "text " + v.text;
    case LoweredValue::Kind::Secret: return "secret " + v.text;
    case LoweredValue::Kind::Export: return "export " + v.text;
  }
  return "";
}

TEST(GitLabValues, PlainTextAndDoubledDollars) {
  EXPECT_EQ(Lower("A", "hello"), "text \"hello\"");
  EXPECT_EQ(Lower("A", "cost: $$5"), "text \"cost: $5\"");  // GitLab's `$$` is a literal `$`
  EXPECT_EQ(Lower("A", "a $ b"), "text \"a $ b\"");
}

TEST(GitLabValues, ReferencesPipeNames) {
  EXPECT_EQ(Lower("TAG", "app:$CI_COMMIT_SHORT_SHA"), "text \"app:${{ git.short_sha }}\"");
  EXPECT_EQ(Lower("DIR", "${CI_PROJECT_DIR}/out"), "text \"${{ workspace }}/out\"");
}

TEST(GitLabValues, CredentialSettingsBecomeSecrets) {
  EXPECT_EQ(Lower("TOKEN_COPY", "$DEPLOY_TOKEN"), "secret DEPLOY_TOKEN");
  EXPECT_EQ(Lower("DB_PASSWORD", "${PROD_DB}"), "secret PROD_DB");  // the name it is given to says it
  // Defined in the file, predefined, or not named like a credential: no secret.
  EXPECT_EQ(Lower("TOKEN_COPY", "$DEPLOY_TOKEN", {"DEPLOY_TOKEN"}), "export \"${DEPLOY_TOKEN}\"");
  EXPECT_EQ(Lower("AWS_ACCESS_KEY_ID", "$PROD_AWS_ID"), "export \"${PROD_AWS_ID}\"");
  EXPECT_EQ(Lower("OUT", "$SOME_SETTING"), "export \"${SOME_SETTING}\"");
}

TEST(GitLabValues, OtherReferencesAreExportedForTheShellToExpand) {
  EXPECT_EQ(Lower("IMAGE", "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"), "export \"${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHA}\"");
  EXPECT_EQ(Lower("Q", "say \"hi\" `x` $$HOME $OTHER"), "export \"say \\\"hi\\\" \\`x\\` \\$HOME ${OTHER}\"");
}

}  // namespace
}  // namespace pipec::import
