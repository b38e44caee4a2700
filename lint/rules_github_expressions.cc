// The rules on a GitHub workflow's `${{ ... }}` expressions, which the GitHub reader collects
// with what each can read (ir::GitHubFacts, compiler/import/github_contexts.h):
// - github-script-injection: untrusted event text, directly or through env, step and job
//   outputs, substituted into script text before the shell or Node parses it;
// - github-undefined-property: a `steps`, `needs`, `inputs` or `matrix` property that cannot
//   exist where it is read (GitHub evaluates it to an empty string without a word; actionlint's
//   "property ... is not defined");
// - all-secrets-exposed: the whole `secrets` context read at once;
// - unredacted-secret: a field taken out of a JSON secret where it can be printed.
// docs/rules/github-script-injection.md, github-undefined-property.md, all-secrets-exposed.md,
// unredacted-secret.md.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "compiler/import/github_expressions.h"
#include "lint/rules.h"

namespace pipec::lint {
namespace {

using import::LowerAscii;
// The names a context holds where an expression is read, sorted; nullptr: not known there,
// not checked. The job's, the workflow's and the matrix's lists are the facts' own (sorted
// by the reader); only the step ids depend on the expression.
using Names = const std::vector<std::string>*;

struct Scope {
  std::string job;
  Names steps = nullptr, needs = nullptr, inputs = nullptr, matrix = nullptr;
  std::vector<std::string> earlier_steps;  // what `steps` points to when known
  std::set<std::string> later_steps;       // ids of this and later steps: "runs later" in the message
  const std::vector<std::string>* all_jobs = nullptr;
};

bool Holds(const std::vector<std::string>& sorted, const std::string& name) {
  return std::binary_search(sorted.begin(), sorted.end(), name);
}

// Filled in place: `steps` points into the scope itself.
void FillScope(const ir::GitHubFacts& facts, const ir::GitHubExpression& e, Scope& scope) {
  scope.all_jobs = &facts.job_ids;
  if (facts.inputs) scope.inputs = &*facts.inputs;
  if (e.job < 0) return;
  const ir::GitHubJobScope& job = facts.jobs[static_cast<size_t>(e.job)];
  scope.job = job.name;
  scope.needs = &job.needs;
  if (e.matrix_known && job.matrix_keys) scope.matrix = &*job.matrix_keys;
  if (!e.steps_known) return;
  size_t known = std::min(*e.steps_known, job.step_ids.size());
  for (size_t i = 0; i < job.step_ids.size(); ++i) {
    if (job.step_ids[i].empty()) continue;
    if (i < known) scope.earlier_steps.push_back(job.step_ids[i]);
    else if (e.in_step) scope.later_steps.insert(job.step_ids[i]);
  }
  std::sort(scope.earlier_steps.begin(), scope.earlier_steps.end());
  scope.earlier_steps.erase(std::unique(scope.earlier_steps.begin(), scope.earlier_steps.end()),
                            scope.earlier_steps.end());
  scope.steps = &scope.earlier_steps;
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// The expression with the text of its string literals blanked: `'steps.x'` names no property.
std::string WithoutStrings(std::string_view expr) {
  std::string out(expr);
  bool in = false;
  for (char& c : out) {
    if (c == '\'')
      in = !in;
    else if (in)
      c = ' ';
  }
  return out;
}

// "steps.build.outputs.x" -> "build"; "" when the name is computed (`steps[x]`, `steps.*`).
std::string FirstName(std::string_view property, size_t prefix) {
  std::string_view rest = property.substr(prefix);
  size_t end = rest.find_first_of(".[");
  std::string name(rest.substr(0, end));
  if (name.empty() || name.find_first_of("*'\"") != std::string::npos) return "";
  return LowerAscii(name);
}

std::string Message(std::string_view context, const std::string& shown, const std::string& name,
                    const Scope& scope) {
  if (context == "steps")
    return scope.later_steps.count(name)
               ? fmt::format(
                     "{} is read before the step with id \"{}\" runs: its outputs and outcome "
                     "are empty here",
                     shown, name)
               : fmt::format("{} is not defined: job \"{}\" has no earlier step with id \"{}\"",
                             shown, scope.job, name);
  if (context == "needs")
    return fmt::format("{} is not defined: job \"{}\" does not list \"{}\" in `needs:`", shown,
                       scope.job, name);
  if (context == "inputs")
    return fmt::format("{} is not defined: the workflow declares no input \"{}\"", shown, name);
  return fmt::format("{} is not defined: the matrix of job \"{}\" has no key \"{}\"", shown,
                     scope.job, name);
}

std::string Explanation(std::string_view context, const std::string& name,
                        const std::vector<std::string>& known, const Scope& scope) {
  if (context == "steps")
    return fmt::format("GitHub evaluates it to an empty string; step ids readable here: {}",
                       Joined(known));
  if (context == "needs")
    return std::find(scope.all_jobs->begin(), scope.all_jobs->end(), name) != scope.all_jobs->end()
               ? fmt::format(
                     "the needs context holds only the jobs in `needs:` ({}); add \"{}\" there",
                     Joined(known), name)
               : fmt::format(
                     "the needs context holds only the jobs in `needs:` ({}), and no job \"{}\" "
                     "exists",
                     Joined(known), name);
  if (context == "inputs")
    return fmt::format(
        "inputs come from `on.workflow_call.inputs` and `on.workflow_dispatch.inputs` (declared: "
        "{}); GitHub evaluates an undeclared one to an empty string",
        Joined(known));
  return fmt::format(
      "matrix keys of this job: {}; GitHub evaluates a missing one to an empty string",
      Joined(known));
}

class ExpressionRules {
 public:
  ExpressionRules(RuleContext& ctx, const ir::GitHubExpression& e) : ctx_(ctx), e_(e) {}

  void Run(const Scope& scope) {
    job_ = scope.job;
    std::string text = WithoutStrings(e_.text);
    Context(text, "steps", scope.steps, scope);
    Context(text, "needs", scope.needs, scope);
    Context(text, "inputs", scope.inputs, scope);
    Context(text, "matrix", scope.matrix, scope);
    WholeSecrets(text);
    if (!e_.condition) UnredactedSecret(text);
    for (const ir::TaintedRead& r : e_.taint) Injection(r);
  }

 private:
  void Context(const std::string& expr, std::string_view context, Names known,
               const Scope& scope) {
    if (!known) return;
    std::string prefix = std::string(context) + ".";
    for (const auto& [poff, property] : import::Properties(expr, prefix)) {
      std::string name = FirstName(property, prefix.size());
      if (name.empty() || Holds(*known, name)) continue;
      std::string shown = std::string(context) + "." + property.substr(prefix.size(), name.size());
      Diagnostic* d = Report(DiagKind::GhUndefinedProperty, e_.where.At(poff, shown.size()),
                                  Message(context, shown, name, scope));
      if (!d) return;
      d->Note({}, Explanation(context, name, *known, scope));
    }
  }

  // The `secrets` context as a whole (`toJSON(secrets)`, `${{ secrets }}`), not one property:
  // every secret the workflow can read lands in one value, and GitHub masks each secret's
  // exact text only, not the JSON around it or a transformation of it.
  void WholeSecrets(const std::string& expr) {
    static constexpr std::string_view kName = "secrets";
    std::string lower = LowerAscii(expr);
    auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; };
    for (size_t at = lower.find(kName); at != std::string::npos; at = lower.find(kName, at + 1)) {
      if (at > 0 && ident(lower[at - 1])) continue;
      size_t end = at + kName.size();
      if (end < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[end])) || lower[end] == '_'))
        continue;
      size_t next = lower.find_first_not_of(" \t", end);
      if (next != std::string::npos && (lower[next] == '.' || lower[next] == '[')) continue;
      Diagnostic* d = Report(
          DiagKind::AllSecretsExposed, e_.where.At(at, kName.size()),
          "the whole secrets context is read here: every secret the workflow can see ends up in "
          "one value");
      if (d)
        d->Note({}, "GitHub masks each secret's exact text in logs, not a JSON document of them or a "
                    "transformed copy; read the secrets you need one by one (secrets.NAME)");
      return;
    }
  }

  // A field of a JSON secret (`fromJSON(secrets.CREDS).password`): GitHub masks the stored
  // secret's exact text, not the pieces fromJSON takes out of it, so the field's value shows
  // in clear wherever it is printed (zizmor's unredacted-secrets). In an `if:` the value is
  // compared, never printed.
  void UnredactedSecret(const std::string& expr) {
    std::string lower = LowerAscii(expr);
    for (size_t at = lower.find("fromjson("); at != std::string::npos; at = lower.find("fromjson(", at + 1)) {
      size_t arg = lower.find_first_not_of(" \t", at + 9);
      if (arg == std::string::npos || lower.compare(arg, 8, "secrets.") != 0) continue;
      size_t close = lower.find(')', arg);
      if (close == std::string::npos) continue;
      size_t next = lower.find_first_not_of(" \t", close + 1);
      if (next == std::string::npos || (lower[next] != '.' && lower[next] != '[')) continue;
      // the property path after the call: `.a.b`, `['a'].b` (strings are blanked in `expr`)
      size_t end = next;
      while (end < lower.size()) {
        if (lower[end] == '[') {
          size_t close_bracket = lower.find(']', end);
          if (close_bracket == std::string::npos) break;
          end = close_bracket + 1;
        } else if (lower[end] == '.' || lower[end] == '_' || lower[end] == '-' ||
                   std::isalnum(static_cast<unsigned char>(lower[end]))) {
          ++end;
        } else {
          break;
        }
      }
      std::string read = e_.text.substr(at, end - at);  // as written, strings included
      size_t name_end = lower.find_first_of(" \t)", arg + 8);
      std::string secret = e_.text.substr(arg + 8, name_end - arg - 8);
      Diagnostic* d = Report(
          DiagKind::UnredactedSecret, e_.where.At(at, read.size()),
          fmt::format("`{}` takes a field out of a JSON secret: GitHub masks the secret's whole "
                      "text, not the field, so its value shows in clear wherever it is printed",
                      read));
      if (!d) continue;
      d->AboutSecret(secret);
      d->Note({}, "store the field as a secret of its own, or mask it first: echo \"::add-mask::$VALUE\"");
    }
  }

  // Untrusted text in script text: `${{ }}` is substituted before the shell (or Node) parses
  // the script, so the text becomes code.
  void Injection(const ir::TaintedRead& r) {
    SourceRange at = e_.where.At(r.offset, r.length);
    if (r.via == ir::TaintedRead::Via::Event) {
      Report(DiagKind::GhScriptInjection, at,
                  fmt::format("\"{}\" is potentially untrusted. avoid using it directly in inline scripts. instead, pass it through an environment variable", r.source));
      return;
    }
    std::string what = r.via == ir::TaintedRead::Via::Env          ? "environment variable"
                       : r.via == ir::TaintedRead::Via::StepOutput ? "step output"
                                                                   : "job output";
    Diagnostic* d = Report(
        DiagKind::GhScriptInjection, at,
        fmt::format("\"{}\" holds potentially untrusted \"{}\": `${{{{ {} }}}}` puts it into the script text "
                    "before the shell runs. {}",
                    r.property, r.source, r.property,
                    r.via == ir::TaintedRead::Via::Env
                        ? fmt::format("read it as the variable \"${}\" instead", r.property.substr(4))
                        : std::string("pass it through an environment variable instead")));
    if (!d) return;
    d->Note({}, r.via == ir::TaintedRead::Via::Env
                    ? std::string("the environment variable is safe only when the shell expands it: quoted, as data")
                    : fmt::format("the {} carries it; an environment variable is safe only when the shell expands it: quoted, as data", what));
  }

  // A finding about the job the expression is read in (none at workflow level).
  Diagnostic* Report(DiagKind kind, SourceRange range, std::string message) {
    Diagnostic* d = ctx_.Report(kind, range, std::move(message));
    if (d && !job_.empty()) d->AboutJob(job_);
    return d;
  }

  RuleContext& ctx_;
  const ir::GitHubExpression& e_;
  std::string job_;
};

}  // namespace

void CheckGitHubExpressions(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  if (p.origin != ir::Origin::GitHub) return;
  for (const ir::GitHubExpression& e : p.github.expressions) {
    Scope scope;
    FillScope(p.github, e, scope);
    ExpressionRules(ctx, e).Run(scope);
  }
}

}  // namespace pipec::lint
