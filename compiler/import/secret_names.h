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

}  // namespace pipec::import
