#include "compiler/emit/github_expr.h"

#include <algorithm>
#include <optional>

#include "compiler/emit/cron_utc.h"
#include "compiler/emit/glob.h"
#include "compiler/emit/text_lowering.h"

namespace pipec::emit {
namespace {

bool IsCompound(const std::string& e) {
  return e.find(" && ") != std::string::npos || e.find(" || ") != std::string::npos;
}
std::string Paren(const std::string& e) { return IsCompound(e) ? "(" + e + ")" : e; }

std::string Join(const std::vector<std::string>& parts, const char* op, const char* empty) {
  if (parts.empty()) return empty;
  if (parts.size() == 1) return parts[0];
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? op : "") + Paren(parts[i]);
  return out;
}

std::string Operand(const GitHubExprContext& ctx, const ir::Operand& o) {
  switch (o.kind) {
    case ir::Operand::Kind::Literal: return GitHubString(o.literal.ToString());
    case ir::Operand::Kind::Git: {
      std::string e = GitHubGitExpr(o.name, o.range, ctx.diags);
      return e.empty() ? "''" : Paren(e);
    }
    case ir::Operand::Kind::Input: return "(" + GitHubInputExpr(ctx.pipeline, o.name) + ")";
    case ir::Operand::Kind::Output: return "needs." + ctx.job_ids.Of(o.job) + ".outputs." + o.name;
  }
  return "''";
}

// `git.branch == "main"` as GitHub writes it: `github.ref == 'refs/heads/main'`. Equivalent
// because git.branch is empty wherever github.ref is no branch ref (pull requests run on
// refs/pull/N/merge, tags on refs/tags/...), and a non-empty literal never equals empty.
std::optional<std::string> PlainRefTest(const ir::Condition& c) {
  const ir::Operand* git = &c.left;
  const ir::Operand* lit = &c.right;
  if (git->kind != ir::Operand::Kind::Git) std::swap(git, lit);
  if (git->kind != ir::Operand::Kind::Git || lit->kind != ir::Operand::Kind::Literal) return std::nullopt;
  if (lit->literal.type.kind != ir::TypeKind::String || lit->literal.string_value.empty()) return std::nullopt;
  const char* prefix = git->name == "branch" ? "refs/heads/" : git->name == "tag" ? "refs/tags/" : nullptr;
  if (!prefix) return std::nullopt;
  return std::string("github.ref ") + (c.op == ir::Condition::Op::Eq ? "==" : "!=") + " " +
         GitHubString(prefix + lit->literal.string_value);
}

}  // namespace

std::string GitHubTriggerExpr(const GitHubExprContext& ctx, const ir::Trigger& t) {
  switch (t.kind) {
    case ir::TriggerKind::Push: return "github.event_name == 'push' && github.ref_type == 'branch'";
    case ir::TriggerKind::MergeRequest: return "github.event_name == 'pull_request'";
    case ir::TriggerKind::Tag: return "github.event_name == 'push' && github.ref_type == 'tag'";
    case ir::TriggerKind::Schedule: {
      int schedules = 0;
      for (const ir::Trigger& other : ctx.pipeline.triggers)
        schedules += other.kind == ir::TriggerKind::Schedule;
      if (schedules == 1) return "github.event_name == 'schedule'";
      return "github.event_name == 'schedule' && github.event.schedule == " +
             GitHubString(ScheduleInUtc(t.cron, t.timezone).cron);
    }
    case ir::TriggerKind::Manual:
      // A called (child) workflow sees its caller's event; being called is its manual start.
      return ctx.as_child ? "true" : "github.event_name == 'workflow_dispatch'";
    case ir::TriggerKind::Webhook:
      return "github.event_name == 'repository_dispatch' && github.event.action == " + GitHubString(t.name);
  }
  return "false";
}

std::string GitHubTriggersExpr(const GitHubExprContext& ctx, const std::vector<std::string>& ids) {
  std::vector<std::string> parts;
  for (const ir::Trigger& t : ctx.pipeline.triggers)
    if (std::find(ids.begin(), ids.end(), t.Id()) != ids.end()) {
      std::string e = GitHubTriggerExpr(ctx, t);
      if (e == "true") return "true";
      parts.push_back(e);
    }
  return Join(parts, " || ", "false");
}

std::string GitHubConditionExpr(const GitHubExprContext& ctx, const ir::Condition& c) {
  using Op = ir::Condition::Op;
  switch (c.op) {
    case Op::True: return "true";
    case Op::And:
    case Op::Or: {
      std::vector<std::string> parts;
      for (const ir::Condition& a : c.args) parts.push_back(GitHubConditionExpr(ctx, a));
      return Join(parts, c.op == Op::And ? " && " : " || ", c.op == Op::And ? "true" : "false");
    }
    case Op::Not:
      return c.args.empty() ? "false" : "!(" + GitHubConditionExpr(ctx, c.args[0]) + ")";
    case Op::TriggerIn: return GitHubTriggersExpr(ctx, c.triggers);
    case Op::Eq:
    case Op::Ne:
      if (std::optional<std::string> plain = PlainRefTest(c)) return *plain;
      return Operand(ctx, c.left) + (c.op == Op::Eq ? " == " : " != ") + Operand(ctx, c.right);
    case Op::Matches: {
      std::string glob = c.right.literal.ToString();
      GitHubGlobMatch m = GlobToGitHubExpr(glob, Operand(ctx, c.left));
      if (!m.exact)
        ctx.diags.Report(DiagKind::EmitGlobApproximated, c.range,
                         "GitHub expressions have no pattern matching; `matches \"" + glob +
                             "\"` is checked as `" + m.expr + "`, which also accepts other values");
      return m.expr;
    }
    case Op::Changed: {
      if (!ctx.changed_outputs) return "true";
      auto it = ctx.changed_outputs->find(c.paths);
      if (it == ctx.changed_outputs->end()) return "true";
      return "needs." + ctx.changes_job + ".outputs." + it->second + " == 'true'";
    }
    case Op::Truthy:
      if (c.left.kind == ir::Operand::Kind::Git) return Operand(ctx, c.left) + " != ''";
      if (c.left.kind == ir::Operand::Kind::Literal) return c.left.literal.ToString() == "true" ? "true" : "false";
      return Operand(ctx, c.left) + " == 'true'";
  }
  return "true";
}

}  // namespace pipec::emit
