#pragma once
// One operand of a GitLab `rules:if` expression, as both readers of those expressions take it
// (rule_eval.cc evaluates them per trigger, gitlab_conditions.cc turns them into Pipe):
// `$VAR` / `${VAR}`, "string" or 'string', /regex/flags, null.
#include <optional>
#include <string>
#include <string_view>

namespace pipec::import {

struct GitLabExprToken {
  enum class Kind { Var, String, Regex, Null } kind = Kind::Var;
  std::string text;   // variable name, string contents, or regex pattern
  std::string flags;  // regex flags
};

// Moves `pos` past spaces; then, if `tok` follows, past it too (true).
void SkipSpaces(std::string_view s, size_t& pos);
bool EatToken(std::string_view s, size_t& pos, std::string_view tok);

// Reads the operand that starts at `pos` (after any spaces the caller skipped) and moves
// `pos` past it; nullopt when there is none.
std::optional<GitLabExprToken> ReadGitLabOperand(std::string_view s, size_t& pos);

}  // namespace pipec::import
