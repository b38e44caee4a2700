#include "lint/credentials.h"

#include <gtest/gtest.h>

namespace pipec::lint {
namespace {

std::vector<std::string> Kinds(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& m : FindCredentials(text)) out.push_back(m.kind);
  return out;
}

TEST(Credentials, VendorFormats) {
  EXPECT_EQ(Kinds("export AWS_ACCESS_KEY_ID=AKIAZ7VRSQ5TJN2XLM4P"),
            std::vector<std::string>{"AWS access key id"});
  EXPECT_EQ(Kinds("curl -H x ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"),
            std::vector<std::string>{"GitHub personal access token"});
  EXPECT_EQ(Kinds("token: glpat-Xy7_kP2mQ9vR4tL8wN3z"),
            std::vector<std::string>{"GitLab personal access token"});
  auto key = FindCredentials("a\n-----BEGIN RSA PRIVATE KEY-----\n" + std::string(80, 'Q') +
                             "\n-----END RSA PRIVATE KEY-----\n");
  ASSERT_EQ(key.size(), 1u);
  EXPECT_EQ(key[0].kind, "private key");
  EXPECT_EQ(key[0].offset, 2u);
}

TEST(Credentials, PlaceholdersAndReferencesAreNotSecrets) {
  EXPECT_TRUE(Kinds("AKIAIOSFODNN7EXAMPLE").empty());
  EXPECT_TRUE(Kinds("AKIAXXXXXXXXXXXXXXXX").empty());
  EXPECT_TRUE(Kinds("PASSWORD=$DB_PASSWORD").empty());
  EXPECT_TRUE(Kinds("token: ${{ secrets.TOKEN }}").empty());
  EXPECT_TRUE(Kinds("-----BEGIN PRIVATE KEY-----").empty());  // a header alone
  EXPECT_TRUE(Kinds("api_version: v1234567890").empty());
}

TEST(Credentials, SecretLikeNamesWithHighEntropyValues) {
  EXPECT_TRUE(LooksLikeSecretAssignment("DB_PASSWORD", "k9Xq2vLm7RtZ4pW8"));
  EXPECT_FALSE(LooksLikeSecretAssignment("DB_PASSWORD", "changeme123"));
  EXPECT_FALSE(LooksLikeSecretAssignment("DB_PASSWORD", "passwordpassword"));
  EXPECT_FALSE(LooksLikeSecretAssignment("TOKEN_URL", "https9Xq2vLm7RtZ4pW8"));
  EXPECT_FALSE(LooksLikeSecretAssignment("BYPASS_CACHE", "k9Xq2vLm7RtZ4pW8"));
  // Issue 14 (f): the value decides, not the name alone.
  EXPECT_FALSE(LooksLikeSecretAssignment("CACHE_KEY", "node-modules-v1-2023-10"));
  EXPECT_FALSE(LooksLikeSecretAssignment("DEPLOY_KEY", "release-2024-01-15-x86"));
  EXPECT_FALSE(LooksLikeSecretAssignment("API_KEY_VERSION_TAG", "ubuntu-22.04-py3.11"));
  EXPECT_TRUE(LooksLikeSecretAssignment("API_KEY", "3f9a1c7e5b2d48a6b0e4c1d9f7a2e6b8"));
  EXPECT_EQ(Kinds("mysql --password=k9Xq2vLm7RtZ4pW8 db"),
            std::vector<std::string>{"credential assigned to password"});
}

// Found by fuzz_mutate_gitlab: one 32 KB line (a pinned `pip install git+https://...@<hash>`)
// overflowed the stack in std::regex's backtracking. Every pattern's keyword is in these
// lines, each followed by a run its repetition takes to the end of the line.
TEST(Credentials, LongLinesAreScannedWithoutOverflowingTheStack) {
  const std::string run(1 << 20, 'a');
  for (std::string prefix : {"pip install git+https://github.com/acme/lib@", "curl -H ", "eyJ",
                             "xoxb-1234567890-", "hvs.", "password=", "--token ", "://u:"}) {
    EXPECT_TRUE(Kinds(prefix + run).empty()) << prefix;
  }
  EXPECT_EQ(Kinds(std::string(100000, ' ') + "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5 " + run),
            std::vector<std::string>{"GitHub personal access token"});
}

// Each vendor pattern finds its own format (the patterns all compile: FixedRegex aborts).
TEST(Credentials, EveryPatternFindsItsFormat) {
  auto one = [](const std::string& text) {
    auto found = FindCredentials(text);
    return found.size() == 1 ? found[0].kind : "(" + std::to_string(found.size()) + " matches)";
  };
  EXPECT_EQ(one("key=AIzaSyD4x8kP2mQ9vR4tL8wN3zXy7_kP2mQ9vR4"), "Google API key");
  EXPECT_EQ(one("xoxb-1234567890-abcdEFGH1234ijkl"), "Slack token");
  EXPECT_EQ(one("url: https://deploy:k9Xq2vLm7R@db.example.org/x"), "password in a URL");
  EXPECT_EQ(one("curl -s -H 'Authorization: Bearer k9Xq2vLm7RtZ4pW8' https://api"),
            "credential in a curl header");
  EXPECT_EQ(one("t=eyJhbGciOiJIUzI1NiJ9x.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
            "JSON Web Token");
  EXPECT_EQ(one("VAULT_TOKEN hvs.CAESIJx8kP2mQ9vR4tL8wN3zXy7kP2m"), "Vault service token");
}

// Keywords are found at the start and end of any line of a text (KeywordIndex).
TEST(Credentials, KeywordsAtLineEdges) {
  auto found = FindCredentials("echo start\nAKIAZ7VRSQ5TJN2XLM4P\nx ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].kind, "AWS access key id");
  EXPECT_EQ(found[0].offset, 11u);
  EXPECT_EQ(found[1].kind, "GitHub personal access token");
  EXPECT_TRUE(FindCredentials("A").empty());
  EXPECT_TRUE(FindCredentials("").empty());
}

TEST(Credentials, EntropyOfUniformAndMixedStrings) {
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abcd"), 2.0);
}

}  // namespace
}  // namespace pipec::lint
