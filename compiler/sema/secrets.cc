// Secrets: env bindings, template secret arguments, secret misuse and unbound reads.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <set>

#include "compiler/sema/analyzer.h"
#include "compiler/support/shell_lexer.h"

namespace pipec::sema {

using ir::TypeKind;

void Analyzer::SecretMisuseAt(const Env& env, SourceRange r, const std::string& secret,
                              const Where& where) {
  ReportIn(env, DiagKind::SecretMisuse, r,
           fmt::format("secret `{}` cannot be used in {}; bind it in the job's `env {{ {} = {} }}` "
                       "and read `${}` in the script",
                       secret, where.str(), secret, secret, secret))
      .Note({},
            "secrets only flow into `env { }` or into a template parameter of type secret, "
            "so they never end up in YAML, logs or plans");
}

std::optional<Binding> Analyzer::SecretArg(const ast::Expr& e, const Env& env) {
  if (e.kind != ast::Expr::Kind::Name || e.name.parts.size() != 1) return std::nullopt;
  const std::string& n = e.name.parts[0].text;
  if (auto it = env.params.find(n); it != env.params.end() && it->second.is_secret)
    return it->second;
  if (auto it = secrets_.find(n); it != secrets_.end()) {
    it->second.used = true;
    return Binding{true, {}, n};
  }
  return std::nullopt;
}

// A script that reads $X where X is a declared secret the job does not bind.
void Analyzer::CheckSecretReads(const ir::Job& job, const JobSpec& s) {
  if (job.name != s.names[0]) return;  // once per declared job: its first matrix cell
  std::set<std::string> bound;
  for (const ir::EnvVar& e : job.env) bound.insert(e.name);
  for (const ir::Step& step : job.steps) {
    // What the shell expands: `'$X'` is literal text, `"'$X'"` expands X (shell_lexer.h).
    for (const shell::ShellVarRef& ref : shell::ScriptVars(step.script.LiteralText())) {
      if (ref.expression) continue;
      const std::string& name = ref.name;
      if (!secrets_.count(name) || bound.count(name)) continue;
      bound.insert(name);  // once per name and job
      Report(DiagKind::UnboundSecretRead, step.range,
             fmt::format("the script reads `${}`, but job `{}` does not bind secret `{}`; add "
                         "`env {{ {} = {} }}`",
                         name, s.decl->name.text, name, name, name))
          .Note(secrets_[name].decl->name.range, "secret declared here");
    }
  }
}

// Env: merged by key, higher layers win; secrets bind here.
void Analyzer::LowerEnv(JobSpec& s, size_t cell, ir::Job& job, JobCtx& ctx) {
  auto once = [&](auto&& fn) {
    if (cell == 0) fn();
  };
  std::map<std::string, std::pair<const ast::EnvEntry*, std::shared_ptr<Env>>> env_entries;
  for (const LayerItem& li : s.items)
    if (auto* e = std::get_if<ast::EnvItem>(&li.item->value))
      for (const ast::EnvEntry& entry : e->entries) {
        auto it = env_entries.find(entry.name.text);
        if (it != env_entries.end() && it->second.second == li.env)
          once([&] {
            ReportIn(*li.env, DiagKind::DuplicateDefinition, entry.name.range,
                     fmt::format("env `{}` is set twice", entry.name.text))
                .Note(it->second.first->name.range, "first set here");
          });
        env_entries[entry.name.text] = {&entry, li.env};
      }
  for (const auto& named : env_entries) {
    // Not structured bindings: lambdas below capture these, which clang 14 refuses.
    const std::string& name = named.first;
    const auto& entry = named.second.first;
    const auto& env = named.second.second;
    ir::EnvVar ev;
    ev.name = name;
    ev.range = entry->range;
    if (!IsEnvName(name))
      once([&] {
        ReportIn(*env, DiagKind::InvalidValue, entry->name.range,
                 fmt::format("`{}` is not a valid environment variable name", name));
      });
    if (auto b = SecretArg(entry->value, *env)) {
      ev.secret = b->secret;
    } else if (entry->value.kind == ast::Expr::Kind::String) {
      ev.value = LowerText(entry->value.str, *env, &ctx, "an env value");
    } else if (auto v = Eval(entry->value, *env,
                             Where::Formatted([&] { return fmt::format("env `{}`", name); }))) {
      if (v->type.kind == TypeKind::List)
        once([&] {
          ReportIn(*env, DiagKind::TypeMismatch, entry->value.range,
                   "an env value cannot be a list");
        });
      ev.value = ir::Text::Of(v->ToString());
    }
    job.env.push_back(ev);
  }
}

}  // namespace pipec::sema
