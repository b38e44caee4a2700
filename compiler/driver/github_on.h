#pragma once
// `pipec import` of a GitHub workflow keeps its `on:` verbatim unless the Pipe triggers say it
// exactly. "Exactly" is judged by the real thing, not by a second copy of the emitter's rules:
// the Pipe text written without the raw `on:` is compiled and built for GitHub, and that
// workflow's `on:` must equal the original's.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace pipec::driver {

// GitHub's own equivalences in `on:`: a string or a list of events is a map of events without
// settings; `null` settings are `{}`; a single filter string (`branches: main`) is a one-item
// list.
nlohmann::json NormalizedGitHubOn(const nlohmann::json& on);

// Whether `pipe_text` (a Pipe file that `pipec import` wrote) compiles and its GitHub workflow's
// `on:` equals `original_on` once both are normalized.
bool TriggersSayGitHubOn(const std::string& pipe_text, const nlohmann::json& original_on);

}  // namespace pipec::driver
