// Strings with `${{ }}` interpolation lowered to ir::Text.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

ir::Text Analyzer::LowerText(const ast::StringLit& s, const Env& env, const JobCtx* job,
                             const Where& where) {
  ir::Text t;
  auto add_literal = [&](const std::string& text) {
    if (!t.parts.empty() && t.parts.back().kind == ir::TextPart::Kind::Literal)
      t.parts.back().text += text;
    else if (!text.empty())
      t.parts.push_back({ir::TextPart::Kind::Literal, text});
  };
  for (const ast::StringPart& p : s.parts) {
    if (!p.interpolation) {
      add_literal(p.text);
      continue;
    }
    const auto& parts = p.name.parts;
    const std::string& head = parts[0].text;
    if (head == "git" && parts.size() == 2 && !env.params.count("git")) {
      if (!GitFields().count(parts[1].text)) {
        std::vector<std::pair<std::string, SourceRange>> c;
        for (const auto& f : GitFields()) c.push_back({f, {}});
        Unknown(&env, p.range, "git field", parts[1].text, c);
        continue;
      }
      t.parts.push_back({ir::TextPart::Kind::Git, parts[1].text});
      continue;
    }
    if (head == "inputs" && parts.size() == 2 && !env.params.count("inputs")) {
      if (!inputs_.count(parts[1].text)) {
        std::vector<std::pair<std::string, SourceRange>> c;
        for (const auto& [n, in] : inputs_) c.push_back({n, in.range});
        Unknown(&env, p.range, "pipeline input", parts[1].text, c);
        continue;
      }
      t.parts.push_back({ir::TextPart::Kind::Input, parts[1].text});
      continue;
    }
    if (head == "matrix" && parts.size() == 2 && !env.params.count("matrix")) {
      if (!job || !job->cell || !job->cell->count(parts[1].text)) {
        std::vector<std::pair<std::string, SourceRange>> c;
        if (job && job->cell)
          for (const auto& [n, v] : *job->cell) c.push_back({n, {}});
        Unknown(&env, p.range, "matrix variable", parts[1].text, c);
        continue;
      }
      add_literal(job->cell->at(parts[1].text).ToString());
      continue;
    }
    if (parts.size() == 1 && job && job->broken_inputs.count(head) && !env.params.count(head))
      continue;  // its `in` item already has an error
    if (parts.size() == 1 && job && job->input_paths.count(head) && !env.params.count(head)) {
      add_literal(job->input_paths.at(head));
      continue;
    }
    // `${{ workspace }}`: the job's checkout directory on every target (docs/language.md),
    // unless a var or parameter of that name says otherwise.
    if (parts.size() == 1 && head == "workspace" && !env.params.count(head) &&
        !scopes_[env.module].vars.count(head)) {
      t.parts.push_back({ir::TextPart::Kind::Git, "workspace"});
      continue;
    }
    if (parts.size() == 2 && job_decls_.count(head)) {
      ReportIn(env, DiagKind::InvalidValue, p.range,
               fmt::format("`{}` is a job output read when the pipeline runs; use it in `when`, "
                           "or bind it with `in x = {}` and interpolate `${{{{ x }}}}`",
                           p.name.Joined(), p.name.Joined()));
      continue;
    }
    auto v = EvalName(p.name, env, Where::Formatted([&] {
                        return fmt::format("{} (`${{{{ }}}}` interpolation)", where.str());
                      }));
    if (!v) continue;
    if (v->type.kind == TypeKind::List) {
      ReportIn(env, DiagKind::TypeMismatch, p.range,
               fmt::format("`{}` is {}; interpolation takes a single value", p.name.Joined(),
                           ir::TypeName(v->type)));
      continue;
    }
    add_literal(v->ToString());
  }
  return t;
}

}  // namespace pipec::sema
