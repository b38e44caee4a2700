#pragma once
// GitLab `rules:` as a Pipe `when` condition, when Pipe can say exactly what they say
// (issue 17: import into idiomatic Pipe). The rules' first match decides; a rule is kept when
// it has only `if:` (predefined variables Pipe knows: the pipeline source, branch, tag, ref,
// default branch, merge request), `changes:` (one rule, paths only) and `when: on_success` or
// `never`. Anything else (user variables, `exists:`, `when: manual`, rule `variables:`, regexes
// that are not simple globs) keeps the rules verbatim, with the reason.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "compiler/ir/ir.h"

namespace pipec::import {

// `triggers`: the pipeline's triggers that the Pipe file declares (a pipeline source without
// one cannot be named). `active`: the triggers the job exists under (sorted ids), which the
// condition must give sema too; it is ANDed with `trigger in [...]` when it alone would not.
std::optional<ir::Condition> GitLabRulesToCondition(const nlohmann::json& rules,
                                                    const std::vector<ir::Trigger>& triggers,
                                                    const std::vector<std::string>& active,
                                                    std::string* why);

// A GitLab `changes:` glob (Ruby File.fnmatch, FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB) as
// a Pipe path glob: a `**` not followed by `/` is a single `*` there. nullopt when Pipe has no
// equal (braces, a leading `/`, variables).
std::optional<std::string> GitLabChangesGlobToPipe(const std::string& glob);

}  // namespace pipec::import
