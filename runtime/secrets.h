#pragma once
// Secret values for a run: from the environment variable of the same name, or from a
// dotenv file (--secrets-file, which wins). Values never leave this map except into the
// environment of the jobs that bind them and into the masking filters.
#include <map>
#include <string>
#include <vector>

#include "runtime/plan.h"

namespace pipec::runtime {

// KEY=VALUE lines; blank lines and # comments skipped; optional `export `; values may be
// single-quoted (literal) or double-quoted (\n, \t, \\, \" escapes). Returns "" or
// "line N: ...".
std::string ParseDotenv(const std::string& text, std::map<std::string, std::string>* out);

// Collects the values of the plan's declared secrets (child plans included) that are set.
std::string LoadSecrets(const plan::Plan& plan, const std::string& secrets_file,
                        std::map<std::string, std::string>* values);

// Every secret that a job which will run binds, and that has no value, named in one
// message before any job starts (a missing secret found only when its job starts would
// waste the upstream jobs, and name only the first). `runs[i]` says whether job i of `plan`
// can run; the jobs of a child pipeline a running job triggers all count. Returns "" or
// the message.
std::string CheckBoundSecrets(const plan::Plan& plan, const std::vector<bool>& runs,
                              const std::map<std::string, std::string>& values);

// Values to mask (secrets declared masked, non-empty).
std::vector<std::string> MaskedValues(const plan::Plan& plan, const std::map<std::string, std::string>& values);

}  // namespace pipec::runtime
