#pragma once
// Credential detection for the hardcoded-secret rule: vendor token formats (gitleaks-style
// patterns, see docs/rules/hardcoded-secret.md), private key blocks, and a secret-like name
// assigned a high-entropy literal. Matches report where the credential is, never its value.
#include <string>
#include <string_view>
#include <vector>

namespace pipec::lint {

struct CredentialMatch {
  std::string kind;  // "GitHub personal access token", ...
  size_t offset = 0;  // in the scanned text
  size_t length = 0;
};

// Shannon entropy in bits per character.
double ShannonEntropy(std::string_view s);

// Scans free text (a script, a value) for credentials.
std::vector<CredentialMatch> FindCredentials(std::string_view text);

// Whether a variable name looks like it holds a credential (TOKEN, PASSWORD, API_KEY, ...
// as whole parts; CACHE_KEY, TOKEN_URL, KEY_FILE are not).
bool CredentialLikeName(std::string_view name);

// Whether a value has the shape of a generated credential (a long mixed run between
// separators, hex, base64), not of a name (`node-modules-v1-2023`).
bool RandomLooking(std::string_view value);

// Whether a literal `value` assigned to `name` (an env or variable name, a `with:` key) looks
// like a credential: a secret-like name, a long, high-entropy value with digits, no placeholder.
bool LooksLikeSecretAssignment(std::string_view name, std::string_view value);

}  // namespace pipec::lint
