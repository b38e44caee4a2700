// github-deprecated-command: a `run:` script of a GitHub workflow prints a workflow command the
// runner disabled in 2020 (`::set-env`, `::add-path`: the step fails) or deprecated
// (`::set-output`, `::save-state`: a warning, the value still set), whose replacement is a line
// appended to the file $GITHUB_ENV / $GITHUB_PATH / $GITHUB_OUTPUT / $GITHUB_STATE.
// docs/rules/github-deprecated-command.md.
#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>

#include "lint/rules.h"
#include "lint/script_map.h"

namespace pipec::lint {
namespace {

struct WorkflowCommand {
  std::string_view name, replacement;
  bool disabled;
};
constexpr std::array<WorkflowCommand, 4> kWorkflowCommands = {{
    {"set-output", "echo \"{name}={value}\" >> \"$GITHUB_OUTPUT\"", false},
    {"save-state", "echo \"{name}={value}\" >> \"$GITHUB_STATE\"", false},
    {"set-env", "echo \"{name}={value}\" >> \"$GITHUB_ENV\"", true},
    {"add-path", "echo \"{path}\" >> \"$GITHUB_PATH\"", true},
}};

void CheckScript(RuleContext& ctx, const ir::Step& step) {
  std::string script = RenderText(step.script);
  if (script.find("::") == std::string::npos) return;
  ScriptMap map(ctx.sources(), step.range, script);
  std::string_view text = script;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    size_t first = line.find_first_not_of(" \t");
    bool comment = first != std::string_view::npos && line[first] == '#';
    for (size_t at = line.find("::"); !comment && at != std::string_view::npos; at = line.find("::", at + 2)) {
      for (const WorkflowCommand& c : kWorkflowCommands) {
        std::string_view rest = line.substr(at + 2);
        if (rest.substr(0, c.name.size()) != c.name || rest.size() == c.name.size()) continue;
        char next = rest[c.name.size()];
        if (next != ' ' && next != ':') continue;
        Diagnostic* d = ctx.Report(
            DiagKind::GhDeprecatedCommand, map.At(line_start + at, c.name.size() + 2),
            c.disabled ? fmt::format("workflow command \"{}\" is disabled: the runner fails the step. use `{}` instead",
                                     c.name, c.replacement)
                       : fmt::format("workflow command \"{}\" was deprecated. use `{}` instead", c.name, c.replacement));
        if (!d) return;
        if (c.disabled) d->severity = Severity::Error;
        d->Note({}, "https://docs.github.com/en/actions/using-workflows/workflow-commands-for-github-actions");
      }
    }
    line_start = line_end + 1;
  }
}

}  // namespace

void CheckWorkflowCommands(RuleContext& ctx) {
  if (ctx.pipeline().origin != ir::Origin::GitHub) return;
  for (const ir::Job& j : ctx.pipeline().jobs)
    for (const ir::Step& step : j.steps)
      if (step.kind == ir::Step::Kind::Run) CheckScript(ctx, step);
}

}  // namespace pipec::lint
