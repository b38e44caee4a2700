#pragma once
// What to write instead: hints for the words and forms new users bring from GitLab CI,
// GitHub Actions and shell (`script:`, `&&`, `7days`). The parser attaches them as notes
// to the syntax error they cause, so the error names the Pipe construct to use.
#include <optional>
#include <string>
#include <string_view>

namespace pipec::syntax {

// A word found where a job item was expected (`script`, `artifacts`, `if`, ...).
std::optional<std::string> JobItemHint(std::string_view word);

// A word found where a top-level declaration was expected (`variables`, `include`, ...).
std::optional<std::string> DeclarationHint(std::string_view word);

// A number directly followed by letters that are not a Pipe duration (`7days`, `30min`):
// the whole spelling in, the suggested spelling out ("7d"), or nullopt when no unit fits.
std::optional<std::string> DurationSpelling(std::string_view spelled);

// Shell/C operators in a condition: `&&`, `||`, `!` give `and`, `or`, `not`.
std::optional<std::string_view> ConditionOperatorWord(std::string_view op);

}  // namespace pipec::syntax
