#include "compiler/import/secret_names.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pipec::import {

namespace {

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

std::optional<std::string> CredentialWord(std::string_view name) {
  std::string u = Upper(name);
  // Names that carry a credential's location or owner, not the credential: a path on a
  // command line (`--key-file $KEY_FILE`) reveals nothing (issue 14 d).
  static constexpr std::array<std::string_view, 14> kNotSecret = {
      "_URL", "_PATH", "_PATHS", "_USER", "_USERNAME", "_NAME", "_HEADER", "_TYPE", "_ENDPOINT",
      "_FILE_NAME", "_FILE", "_FILENAME", "_DIR", "_LOCATION"};
  for (std::string_view s : kNotSecret)
    if (u.ends_with(s)) return std::nullopt;
  // Well-known variables that hold the path of a credentials file (google-github-actions/auth
  // and `gcloud` write GOOGLE_APPLICATION_CREDENTIALS as a path).
  static constexpr std::array<std::string_view, 3> kPathNames = {
      "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
      "AWS_SHARED_CREDENTIALS_FILE"};
  if (std::find(kPathNames.begin(), kPathNames.end(), u) != kPathNames.end()) return std::nullopt;
  static constexpr std::array<std::string_view, 14> kWords = {
      "PRIVATE_KEY", "API_KEY", "APIKEY", "SECRET", "PASSWORD", "PASSWD", "TOKEN",
      "ACCESS_KEY", "CREDENTIALS", "CREDENTIAL", "PASSPHRASE", "AUTH", "SIGNING_KEY", "PASS"};
  for (std::string_view w : kWords) {
    size_t at = u.find(w);
    if (at == std::string::npos) continue;
    if (w == "AUTH" && u.compare(at, 6, "AUTHOR") == 0) continue;
    // PASS only as a whole word (PASS, DB_PASS), not inside PASSENGER or BYPASS_CACHE.
    if (w == "PASS") {
      bool left = at == 0 || u[at - 1] == '_';
      bool right = at + 4 == u.size() || u[at + 4] == '_';
      if (!left || !right) continue;
    }
    return std::string(w);
  }
  return std::nullopt;
}

bool IsPredefinedVariable(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kPrefixes = {"CI_", "GITLAB_", "GITHUB_", "RUNNER_", "FF_", "TRIGGER_"};
  for (std::string_view p : kPrefixes)
    if (name.rfind(p, 0) == 0 && name != "GITHUB_TOKEN" && name != "GITLAB_TOKEN") return true;
  static constexpr std::array<std::string_view, 14> kNames = {
      "CI", "HOME", "PATH", "PWD", "USER", "SHELL", "HOSTNAME", "TMPDIR", "LANG", "RANDOM",
      "OLDPWD", "IFS", "UID", "CHAT_INPUT"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

bool NamesIdentifier(std::string_view name) {
  std::string u = Upper(name);
  static constexpr std::array<std::string_view, 5> kCredential = {"SECRET", "PASSWORD", "TOKEN",
                                                                  "PASSPHRASE", "PRIVATE"};
  for (std::string_view w : kCredential)
    if (u.find(w) != std::string::npos) return false;
  static constexpr std::array<std::string_view, 9> kIdentifier = {
      "_USER", "_USERNAME", "_LOGIN", "_EMAIL", "_ID", "TEAMID", "KEYGRIP", "_FINGERPRINT", "_NAME"};
  return std::any_of(kIdentifier.begin(), kIdentifier.end(),
                     [&](std::string_view s) { return u.ends_with(s); });
}

}  // namespace pipec::import
