#include "compiler/import/secret_names.h"

#include <gtest/gtest.h>

namespace pipec::import {
namespace {

TEST(SecretNames, CredentialWords) {
  EXPECT_EQ(CredentialWord("NPM_TOKEN").value_or(""), "TOKEN");
  EXPECT_EQ(CredentialWord("db_password").value_or(""), "PASSWORD");
  EXPECT_EQ(CredentialWord("AWS_SECRET_ACCESS_KEY").value_or(""), "SECRET");
  EXPECT_EQ(CredentialWord("DB_PASS").value_or(""), "PASS");
  EXPECT_EQ(CredentialWord("SSH_PRIVATE_KEY").value_or(""), "PRIVATE_KEY");
  EXPECT_FALSE(CredentialWord("AUTHOR_NAME"));
  EXPECT_FALSE(CredentialWord("PASSENGER_COUNT"));
  EXPECT_FALSE(CredentialWord("TOKEN_URL"));
  EXPECT_FALSE(CredentialWord("DEPLOY_USER"));
  EXPECT_FALSE(CredentialWord("IMAGE_TAG"));
  // Paths of credential files are not credentials (issue 14 d).
  EXPECT_FALSE(CredentialWord("SERVICE_ACCOUNT_KEY_FILE"));
  EXPECT_FALSE(CredentialWord("GPG_SECRET_DIR"));
  EXPECT_FALSE(CredentialWord("GOOGLE_APPLICATION_CREDENTIALS"));
  EXPECT_FALSE(CredentialWord("TOKEN_PATH"));
}

TEST(SecretNames, Identifiers) {
  EXPECT_TRUE(NamesIdentifier("APPLEID_USERNAME"));
  EXPECT_TRUE(NamesIdentifier("APPLEID_TEAMID"));
  EXPECT_TRUE(NamesIdentifier("GPG_KEYGRIP"));
  EXPECT_TRUE(NamesIdentifier("AWS_ACCESS_KEY_ID"));
  EXPECT_TRUE(NamesIdentifier("azure_client_id"));
  EXPECT_FALSE(NamesIdentifier("VAULT_SECRET_ID"));
  EXPECT_FALSE(NamesIdentifier("APPLEID_PASSWORD"));
  EXPECT_FALSE(NamesIdentifier("TOKEN_ID"));
  EXPECT_FALSE(NamesIdentifier("NPM_KEY"));
}

TEST(SecretNames, Predefined) {
  EXPECT_TRUE(IsPredefinedVariable("CI_COMMIT_SHA"));
  EXPECT_TRUE(IsPredefinedVariable("HOME"));
  EXPECT_FALSE(IsPredefinedVariable("GITHUB_TOKEN"));
  EXPECT_FALSE(IsPredefinedVariable("MY_VAR"));
}

}  // namespace
}  // namespace pipec::import
