#include "compiler/ir/conditions.h"

#include <algorithm>

namespace pipec::ir {

int EvalUnderTrigger(const Condition& c, const std::string& id) {
  using Op = Condition::Op;
  switch (c.op) {
    case Op::True: return 1;
    case Op::TriggerIn:
      return std::find(c.triggers.begin(), c.triggers.end(), id) != c.triggers.end() ? 1 : 0;
    case Op::Not: {
      int v = EvalUnderTrigger(c.args.at(0), id);
      return v < 0 ? -1 : 1 - v;
    }
    case Op::And: {
      bool unknown = false;
      for (const auto& a : c.args) {
        int v = EvalUnderTrigger(a, id);
        if (v == 0) return 0;
        if (v < 0) unknown = true;
      }
      return unknown ? -1 : 1;
    }
    case Op::Or: {
      bool unknown = false;
      for (const auto& a : c.args) {
        int v = EvalUnderTrigger(a, id);
        if (v == 1) return 1;
        if (v < 0) unknown = true;
      }
      return unknown ? -1 : 0;
    }
    // Only pushes and merge requests have a diff; under every other trigger `changed` holds.
    case Op::Changed: return id == "push" || id == "merge_request" ? -1 : 1;
    default: return -1;
  }
}

bool MentionsTriggers(const Condition& c) {
  if (c.op == Condition::Op::TriggerIn) return true;
  for (const auto& a : c.args)
    if (MentionsTriggers(a)) return true;
  return false;
}

namespace {

std::string OperandText(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::Literal:
      return o.literal.type.kind == TypeKind::String ? QuotedPipeString(o.literal.ToString())
                                                         : o.literal.ToString();
    case Operand::Kind::Git: return "git." + o.name;
    case Operand::Kind::Input: return "inputs." + o.name;
    case Operand::Kind::Output: return o.job + "." + o.name;
  }
  return "";
}

}  // namespace

// Line breaks are escaped: a branch name spanning lines was written raw, a string Pipe cannot
// close (fuzz_import).
std::string QuotedPipeString(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '$' && s.substr(i, 3) == "${{") {
      out += "\\$";
    } else {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
  }
  return out + "\"";
}

std::string ConditionText(const Condition& c,
                          const std::function<std::string(const std::string& id)>& trigger_ref) {
  using Op = Condition::Op;
  switch (c.op) {
    case Op::True: return "true";
    case Op::And:
    case Op::Or: {
      std::string out;
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i) out += c.op == Op::And ? " and " : " or ";
        bool paren = c.args[i].op == Op::And || c.args[i].op == Op::Or;
        out += paren ? "(" + ConditionText(c.args[i], trigger_ref) + ")" : ConditionText(c.args[i], trigger_ref);
      }
      return out;
    }
    case Op::Not:
      return c.args.empty() ? "not true" : "not (" + ConditionText(c.args[0], trigger_ref) + ")";
    case Op::TriggerIn: {
      // Trigger ids are "schedule:NAME"; Pipe spells them `schedule.NAME`.
      std::vector<std::string> names;
      for (std::string id : c.triggers) {
        if (trigger_ref) {
          names.push_back(trigger_ref(id));
          continue;
        }
        std::replace(id.begin(), id.end(), ':', '.');
        names.push_back(id);
      }
      if (names.size() == 1) return "trigger is " + names[0];
      std::string out = "trigger in [";
      for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
      return out + "]";
    }
    case Op::Eq: return OperandText(c.left) + " == " + OperandText(c.right);
    case Op::Ne: return OperandText(c.left) + " != " + OperandText(c.right);
    case Op::Matches:
      return OperandText(c.left) + " matches " + QuotedPipeString(c.right.literal.ToString());
    case Op::Truthy: return OperandText(c.left);
    case Op::Changed: {
      std::string out = "changed [";
      for (size_t i = 0; i < c.paths.size(); ++i)
        out += (i ? ", " : "") + QuotedPipeString(c.paths[i]);
      return out + "]";
    }
  }
  return "";
}

}  // namespace pipec::ir
