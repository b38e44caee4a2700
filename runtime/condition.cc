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
  if (o.kind == "literal") return o.value;
  if (o.kind == "git") {
    auto it = ctx.git.find(o.value);
    return it == ctx.git.end() ? "" : it->second;
  }
  if (o.kind == "input") {
    auto it = ctx.inputs.find(o.value);
    return it == ctx.inputs.end() ? "" : it->second;
  }
  if (o.kind == "output" && ctx.output) return ctx.output(o.job, o.value).value_or("");
  return "";
}

bool Equal(const std::string& a, const std::string& b) {
  if (a == b) return true;
  // 1 == 1.0 for int/float outputs compared with literals.
  auto x = AsNumber(a), y = AsNumber(b);
  return x && y && *x == *y;
}

std::string DescribeOperand(const plan::Operand& o) {
  if (o.kind == "literal") return fmt::format("\"{}\"", o.value);
  if (o.kind == "git") return "git." + o.value;
  if (o.kind == "input") return "inputs." + o.value;
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
  if (c.op == "true") return true;
  if (c.op == "and") {
    for (const auto& a : c.args)
      if (!EvaluateCondition(a, ctx)) return false;
    return true;
  }
  if (c.op == "or") {
    for (const auto& a : c.args)
      if (EvaluateCondition(a, ctx)) return true;
    return false;
  }
  if (c.op == "not") return !c.args.empty() && !EvaluateCondition(c.args[0], ctx);
  if (c.op == "trigger_in") {
    for (const std::string& t : c.triggers)
      if (TriggerMatches(t, ctx.trigger)) return true;
    return false;
  }
  if (c.op == "eq") return Equal(Resolve(c.left, ctx), Resolve(c.right, ctx));
  if (c.op == "ne") return !Equal(Resolve(c.left, ctx), Resolve(c.right, ctx));
  if (c.op == "matches") return fnmatch(Resolve(c.right, ctx).c_str(), Resolve(c.left, ctx).c_str(), 0) == 0;
  if (c.op == "truthy") return IsTruthy(Resolve(c.left, ctx));
  return false;  // the reader rejects unknown ops; never run a job on a condition we cannot read
}

bool ReadsOutputs(const plan::Condition& c) {
  if (c.left.kind == "output" || c.right.kind == "output") return true;
  for (const auto& a : c.args)
    if (ReadsOutputs(a)) return true;
  return false;
}

std::string DescribeCondition(const plan::Condition& c) {
  auto nested = [](const plan::Condition& a) {
    std::string s = DescribeCondition(a);
    return (a.op == "and" || a.op == "or") ? "(" + s + ")" : s;
  };
  if (c.op == "true") return "true";
  if (c.op == "and" || c.op == "or") {
    std::string s;
    for (const auto& a : c.args) s += (s.empty() ? "" : " " + c.op + " ") + nested(a);
    return s;
  }
  if (c.op == "not") return "not " + (c.args.empty() ? std::string("?") : nested(c.args[0]));
  if (c.op == "trigger_in") return fmt::format("trigger in [{}]", fmt::join(c.triggers, ", "));
  if (c.op == "eq") return DescribeOperand(c.left) + " == " + DescribeOperand(c.right);
  if (c.op == "ne") return DescribeOperand(c.left) + " != " + DescribeOperand(c.right);
  if (c.op == "matches") return DescribeOperand(c.left) + " matches " + DescribeOperand(c.right);
  if (c.op == "truthy") return DescribeOperand(c.left);
  return c.op;
}

}  // namespace pipec::runtime
