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

// GitLab's `only:` / `except:` (either may be null) the same way: refs (`branches`, `tags`,
// the sources Pipe has triggers for, branch and tag names, regexes that are globs),
// `variables:` expressions as in `rules:if`, `changes:` in `only`. Anything else (`kubernetes`,
// `api`/`trigger` sources, refs of another project, user variables) keeps them verbatim.
// One corner differs, said here since it never showed in the corpus: GitLab also matches a
// keyword (`tags`, `schedules`, ...) against a branch or tag of that name; the condition reads
// only the keyword.
std::optional<ir::Condition> GitLabOnlyExceptToCondition(const nlohmann::json* only, const nlohmann::json* except,
                                                         const std::vector<ir::Trigger>& triggers,
                                                         const std::vector<std::string>& active,
                                                         std::string* why);

// A GitLab `changes:` glob (Ruby File.fnmatch, FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB) as
// a Pipe path glob: a `**` not followed by `/` is a single `*` there. nullopt when Pipe has no
// equal (braces, a leading `/`, variables).
std::optional<std::string> GitLabChangesGlobToPipe(const std::string& glob);

}  // namespace pipec::import
