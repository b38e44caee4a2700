#include "compiler/emit/text_lowering.h"

#include "compiler/emit/git_refs.h"
#include "compiler/emit/glob.h"
#include "compiler/emit/names.h"

namespace pipec::emit {
namespace {

void ReportUnknownGit(const std::string& field, SourceRange where, DiagnosticSink& diags) {
  diags.Report(DiagKind::EmitUnknownGitField, where,
               "`git." + field + "` is not a known git field; expected one of " + KnownGitFields());
}

}  // namespace

std::string LowerTextEnv(const ir::Text& text, SourceRange where, DiagnosticSink& diags) {
  std::string out;
  for (const ir::TextPart& part : text.parts) {
    switch (part.kind) {
      case ir::TextPart::Kind::Literal: out += part.text; break;
      case ir::TextPart::Kind::Input: out += "${" + InputVarName(part.text) + "}"; break;
      case ir::TextPart::Kind::Git:
        if (auto f = FindGitField(part.text)) {
          out += "${" + std::string(f->ci_variable) + "}";
        } else {
          ReportUnknownGit(part.text, where, diags);
          out += "${{ git." + part.text + " }}";
        }
        break;
    }
  }
  return out;
}

std::string EscapeDollars(const std::string& literal) {
  std::string out;
  for (char c : literal) out += c == '$' ? std::string("$$") : std::string(1, c);
  return out;
}

std::string LowerTextVariable(const ir::Text& text, SourceRange where, DiagnosticSink& diags) {
  std::string out;
  for (const ir::TextPart& part : text.parts) {
    if (part.kind == ir::TextPart::Kind::Literal) {
      out += EscapeDollars(part.text);
      continue;
    }
    ir::Text ref;
    ref.parts.push_back(part);
    out += LowerTextEnv(ref, where, diags);
  }
  return out;
}

std::string GitHubInputExpr(const ir::Pipeline& p, const std::string& input) {
  // format('{0}', x) turns a boolean `false` into the non-empty string 'false', so `||`
  // falls through to the default only when the input was not given at all.
  std::string expr;
  std::optional<ir::Value> def;
  bool manual = false, webhook = false;
  for (const ir::Trigger& t : p.triggers)
    for (const ir::Param& param : t.inputs) {
      if (param.name != input) continue;
      if (t.kind == ir::TriggerKind::Manual) manual = true;
      if (t.kind == ir::TriggerKind::Webhook) webhook = true;
      if (param.default_value && !def) def = param.default_value;
    }
  if (manual)
    expr += "github.event_name == 'workflow_dispatch' && format('{0}', inputs." + input + ")";
  if (webhook) {
    if (!expr.empty()) expr += " || ";
    expr += "github.event_name == 'repository_dispatch' && format('{0}', github.event.client_payload." +
            input + ")";
  }
  if (expr.empty()) expr = "''";
  expr += " || " + GitHubString(def ? def->ToString() : "");
  return expr;
}

std::string GitHubGitExpr(const std::string& field, SourceRange where, DiagnosticSink& diags) {
  auto f = FindGitField(field);
  if (!f) {
    ReportUnknownGit(field, where, diags);
    return "";
  }
  if (f->github_expr.empty()) {
    // Only the short sha lacks an expression: the full sha is the closest honest value.
    diags.Report(DiagKind::EmitUnsupported, where,
                 "GitHub expressions cannot shorten a sha; `git." + field +
                     "` is written as the full `github.sha` here (scripts get the short form)");
    return "github.sha";
  }
  return std::string(f->github_expr);
}

std::string LowerTextGitHubExpr(const ir::Pipeline& p, const ir::Text& text, SourceRange where,
                                DiagnosticSink& diags) {
  std::string out;
  for (const ir::TextPart& part : text.parts) {
    switch (part.kind) {
      case ir::TextPart::Kind::Literal: out += part.text; break;
      case ir::TextPart::Kind::Input: out += "${{ " + GitHubInputExpr(p, part.text) + " }}"; break;
      case ir::TextPart::Kind::Git: {
        std::string e = GitHubGitExpr(part.text, where, diags);
        out += e.empty() ? "${{ git." + part.text + " }}" : "${{ " + e + " }}";
        break;
      }
    }
  }
  return out;
}

std::string LowerTextGitHubRun(const ir::Pipeline& p, const ir::Text& text, SourceRange where,
                               DiagnosticSink& diags, std::map<std::string, std::string>& env) {
  std::string out;
  for (const ir::TextPart& part : text.parts) {
    switch (part.kind) {
      case ir::TextPart::Kind::Literal: out += part.text; break;
      case ir::TextPart::Kind::Input: {
        std::string name = InputVarName(part.text);
        env[name] = "${{ " + GitHubInputExpr(p, part.text) + " }}";
        out += "${" + name + "}";
        break;
      }
      case ir::TextPart::Kind::Git: {
        auto f = FindGitField(part.text);
        if (!f) {
          ReportUnknownGit(part.text, where, diags);
          out += "${{ git." + part.text + " }}";
        } else if (!f->github_shell.empty()) {
          out += f->github_shell;  // the runner's own variables (GITHUB_SHA, ...)
        } else {
          std::string name = "PIPEC_GIT_" + EnvName(part.text);
          env[name] = "${{ " + std::string(f->github_expr) + " }}";
          out += "${" + name + "}";
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace pipec::emit
