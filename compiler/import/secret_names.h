#pragma once
// Which variable names look like credentials. Secrets of an existing YAML config mostly live
// in the vendor's settings, so a name is often the only hint a value is secret.
#include <optional>
#include <string>
#include <string_view>

namespace pipec::import {

// The credential word found in `name` ("TOKEN", "PASSWORD", ...), or nullopt.
// Case-insensitive; `AUTHOR`, `*_URL`, `*_PATH`, `*_USER` and similar are not credentials.
std::optional<std::string> CredentialWord(std::string_view name);

// Variables the CI vendor defines itself (CI_*, GITLAB_*, GITHUB_*, RUNNER_*, HOME, PATH ...).
bool IsPredefinedVariable(std::string_view name);

// A name that holds an identifier a secret store may keep but that gives no access: a user
// name, an account or key id, a key fingerprint (`APPLEID_USERNAME`, `APPLEID_TEAMID`,
// `AWS_ACCESS_KEY_ID`, `GPG_KEYGRIP`). Not when the name also says SECRET, PASSWORD, TOKEN,
// PASSPHRASE or PRIVATE (Vault's `SECRET_ID` is a credential).
bool NamesIdentifier(std::string_view name);

}  // namespace pipec::import
