#include "runtime/condition.h"

#include <fnmatch.h>

#include <cstdlib>

#include <fmt/format.h>

namespace pipec::runtime {

namespace {

std::optional<double> AsNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

std::string Resolve(const plan::Operand& o, const EvalContext& ctx) {
  if (o.kind == plan::OperandKind::Literal) return o.value;
  if (o.kind == plan::OperandKind::Git) {
    auto it = ctx.git.find(o.value);
    return it == ctx.git.end() ? "" : it->second;
  }
  if (o.kind == plan::OperandKind::Input) {
    auto it = ctx.inputs.find(o.value);
    return it == ctx.inputs.end() ? "" : it->second;
  }
  if (o.kind == plan::OperandKind::Output && ctx.output) return ctx.output(o.job, o.value).value_or("");
  return "";
}

bool Equal(const std::string& a, const std::string& b) {
  if (a == b) return true;
  // 1 == 1.0 for int/float outputs compared with literals.
  auto x = AsNumber(a), y = AsNumber(b);
  return x && y && *x == *y;
}

std::string DescribeOperand(const plan::Operand& o) {
  if (o.kind == plan::OperandKind::Literal) return fmt::format("\"{}\"", o.value);
  if (o.kind == plan::OperandKind::Git) return "git." + o.value;
  if (o.kind == plan::OperandKind::Input) return "inputs." + o.value;
  return o.job + "." + o.value;
}

}  // namespace

bool IsTruthy(const std::string& value) {
  if (value.empty() || value == "false" || value == "False" || value == "FALSE") return false;
  if (auto n = AsNumber(value)) return *n != 0;
  return true;
}

bool TriggerMatches(const std::string& listed, const std::string& trigger) {
  if (listed == trigger) return true;
  return trigger.size() > listed.size() && trigger.compare(0, listed.size(), listed) == 0 &&
         trigger[listed.size()] == ':';
}

bool EvaluateCondition(const plan::Condition& c, const EvalContext& ctx) {
  if (c.op == plan::CondOp::True) return true;
  if (c.op == plan::CondOp::And) {
    for (const auto& a : c.args)
      if (!EvaluateCondition(a, ctx)) return false;
    return true;
  }
  if (c.op == plan::CondOp::Or) {
    for (const auto& a : c.args)
      if (EvaluateCondition(a, ctx)) return true;
    return false;
  }
  if (c.op == plan::CondOp::Not) return !c.args.empty() && !EvaluateCondition(c.args[0], ctx);
  if (c.op == plan::CondOp::TriggerIn) {
    for (const std::string& t : c.triggers)
      if (TriggerMatches(t, ctx.trigger)) return true;
    return false;
  }
  if (c.op == plan::CondOp::Eq) return Equal(Resolve(c.left, ctx), Resolve(c.right, ctx));
  if (c.op == plan::CondOp::Ne) return !Equal(Resolve(c.left, ctx), Resolve(c.right, ctx));
  if (c.op == plan::CondOp::Matches) return fnmatch(Resolve(c.right, ctx).c_str(), Resolve(c.left, ctx).c_str(), 0) == 0;
  if (c.op == plan::CondOp::Truthy) return IsTruthy(Resolve(c.left, ctx));
  if (c.op == plan::CondOp::Changed) return !ctx.changed || ctx.changed(c.paths);
  return false;  // the reader rejects unknown ops; never run a job on a condition we cannot read
}

bool ReadsOutputs(const plan::Condition& c) {
  if (c.left.kind == plan::OperandKind::Output || c.right.kind == plan::OperandKind::Output) return true;
  for (const auto& a : c.args)
    if (ReadsOutputs(a)) return true;
  return false;
}

std::string DescribeCondition(const plan::Condition& c) {
  auto nested = [](const plan::Condition& a) {
    std::string s = DescribeCondition(a);
    return (a.op == plan::CondOp::And || a.op == plan::CondOp::Or) ? "(" + s + ")" : s;
  };
  if (c.op == plan::CondOp::True) return "true";
  if (c.op == plan::CondOp::And || c.op == plan::CondOp::Or) {
    std::string s;
    for (const auto& a : c.args) s += (s.empty() ? std::string() : fmt::format(" {} ", plan::Name(c.op))) + nested(a);
    return s;
  }
  if (c.op == plan::CondOp::Not) return "not " + (c.args.empty() ? std::string("?") : nested(c.args[0]));
  if (c.op == plan::CondOp::TriggerIn) return fmt::format("trigger in [{}]", fmt::join(c.triggers, ", "));
  if (c.op == plan::CondOp::Eq) return DescribeOperand(c.left) + " == " + DescribeOperand(c.right);
  if (c.op == plan::CondOp::Ne) return DescribeOperand(c.left) + " != " + DescribeOperand(c.right);
  if (c.op == plan::CondOp::Matches) return DescribeOperand(c.left) + " matches " + DescribeOperand(c.right);
  if (c.op == plan::CondOp::Truthy) return DescribeOperand(c.left);
  if (c.op == plan::CondOp::Changed) {
    std::vector<std::string> quoted;
    for (const std::string& p : c.paths) quoted.push_back(fmt::format("\"{}\"", p));
    return fmt::format("changed [{}]", fmt::join(quoted, ", "));
  }
  return std::string(plan::Name(c.op));
}

}  // namespace pipec::runtime
