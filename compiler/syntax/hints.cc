#include "compiler/syntax/hints.h"

#include <array>
#include <span>
#include <cctype>
#include <utility>

namespace pipec::syntax {
namespace {

struct Hint {
  std::string_view word;
  std::string_view text;
};

// GitLab CI and GitHub Actions job keys, and what Pipe says instead (docs/language.md).
constexpr std::array kJobItemHints{
    Hint{"script", "Pipe runs commands with `run`: one `run \"...\"` per command"},
    Hint{"steps", "Pipe runs commands with `run`: one `run \"...\"` per command"},
    Hint{"before_script", "use `setup \"...\"` (composed with `default` and templates, run before `run`)"},
    Hint{"after_script", "use `teardown \"...\"` (runs after the job, pass or fail)"},
    Hint{"artifacts", "declare what the job produces with `out NAME: file \"path\"` (or `dir`, "
                      "`junit`, `dotenv`, ...)"},
    Hint{"dependencies", "fetch another job's output with `in NAME = JOB.OUTPUT`"},
    Hint{"if", "use `when CONDITION`, e.g. `when trigger is push and git.branch == \"main\"`"},
    Hint{"rules", "use `when CONDITION`, e.g. `when trigger is push and git.branch == \"main\"`"},
    Hint{"only", "use `when CONDITION`, e.g. `when git.branch == \"main\"`"},
    Hint{"except", "use `when not CONDITION`"},
    Hint{"variables", "use `env { NAME = \"value\" }`"},
    Hint{"extends", "name the template after the job's name: `job NAME: TEMPLATE { ... }`"},
    Hint{"tags", "use `runner [\"label\"]`"},
    Hint{"runs-on", "use `runner [\"label\"]`"},
    Hint{"runs_on", "use `runner [\"label\"]`"},
    Hint{"parallel", "use `matrix { NAME: [values] }`"},
    Hint{"strategy", "use `matrix { NAME: [values] }`"},
    Hint{"timeout-minutes", "use `timeout 30m`"},
    Hint{"timeout_minutes", "use `timeout 30m`"},
    Hint{"continue-on-error", "use `allow_failure`"},
    Hint{"continue_on_error", "use `allow_failure`"},
    Hint{"cache", "declare the cache at top level (`cache NAME { ... }`) and write `uses cache NAME`"},
    Hint{"interruptible", "Pipe has no such setting; keep it with `raw gitlab { interruptible: true }`"},
    Hint{"resource_group", "keep it with `raw gitlab { resource_group: \"...\" }`"},
    Hint{"concurrency", "keep it with `raw github { concurrency: \"...\" }`"},
    Hint{"permissions", "keep it with `raw github { permissions: { ... } }`"},
    Hint{"with", "Pipe jobs run commands; keep an action with `raw github { ... }`"},
};

constexpr std::array kDeclarationHints{
    Hint{"variables", "declare `var NAME: string = \"value\"` (or `env { }` inside a job)"},
    Hint{"include", "use `import \"file.pipe\"` or `import std/MODULE`"},
    Hint{"workflow", "declare when the pipeline runs with `on push`, `on merge_request`, ..."},
    Hint{"name", "name the pipeline with a header: `pipeline NAME version 1`"},
    Hint{"jobs", "declare each job with `job NAME { ... }`"},
    Hint{"image", "set a default image in `default { image \"...\" }`"},
    Hint{"before_script", "put `setup \"...\"` in `default { }`"},
};

std::optional<std::string> Find(std::span<const Hint> hints, std::string_view word) {
  for (const Hint& h : hints)
    if (h.word == word) return std::string(h.text);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> JobItemHint(std::string_view word) { return Find(kJobItemHints, word); }

std::optional<std::string> DeclarationHint(std::string_view word) {
  return Find(kDeclarationHints, word);
}

std::optional<std::string> DurationSpelling(std::string_view spelled) {
  size_t digits = 0;
  while (digits < spelled.size() && std::isdigit(static_cast<unsigned char>(spelled[digits])))
    ++digits;
  if (digits == 0 || digits == spelled.size()) return std::nullopt;
  std::string unit;
  for (char c : spelled.substr(digits)) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::array<std::pair<std::string_view, char>, 20> kUnits{{
      {"s", 's'},      {"sec", 's'},     {"secs", 's'},   {"second", 's'}, {"seconds", 's'},
      {"m", 'm'},      {"min", 'm'},     {"mins", 'm'},   {"minute", 'm'}, {"minutes", 'm'},
      {"h", 'h'},      {"hr", 'h'},      {"hrs", 'h'},    {"hour", 'h'},   {"hours", 'h'},
      {"d", 'd'},      {"day", 'd'},     {"days", 'd'},   {"week", 'w'},   {"weeks", 'w'},
  }};
  for (const auto& [word, letter] : kUnits)
    if (unit == word) return std::string(spelled.substr(0, digits)) + letter;
  return std::nullopt;
}

std::optional<std::string_view> ConditionOperatorWord(std::string_view op) {
  if (op == "&&" || op == "&") return "and";
  if (op == "||" || op == "|") return "or";
  if (op == "!") return "not";
  return std::nullopt;
}

}  // namespace pipec::syntax
