#include "compiler/import/gitlab_conditions.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <nlohmann/json.hpp>

#include "compiler/import/gitlab_expr_token.h"
#include "compiler/ir/conditions.h"

namespace pipec::import {

namespace {

using Op = ir::Condition::Op;

ir::Condition MakeCondition(Op op, std::vector<ir::Condition> args = {}) {
  ir::Condition c;
  c.op = op;
  c.args = std::move(args);
  return c;
}

ir::Operand Git(std::string field) {
  ir::Operand o;
  o.kind = ir::Operand::Kind::Git;
  o.name = std::move(field);
  return o;
}

ir::Operand Literal(std::string text) {
  ir::Operand o;
  o.literal.type.kind = ir::TypeKind::String;
  o.literal.string_value = std::move(text);
  return o;
}

ir::Condition Compare(Op op, ir::Operand left, ir::Operand right) {
  ir::Condition c = MakeCondition(op);
  c.left = std::move(left);
  c.right = std::move(right);
  return c;
}

ir::Condition Not(ir::Condition c) { return MakeCondition(Op::Not, {std::move(c)}); }

// The predefined variables that are `git.` fields on every target (emit/git_refs.cc).
std::optional<std::string> GitFieldOf(std::string_view var) {
  static const std::pair<std::string_view, std::string_view> kFields[] = {
      {"CI_COMMIT_BRANCH", "branch"},    {"CI_COMMIT_TAG", "tag"},
      {"CI_COMMIT_REF_NAME", "ref"},     {"CI_DEFAULT_BRANCH", "default_branch"},
      {"CI_COMMIT_SHA", "sha"},          {"CI_COMMIT_SHORT_SHA", "short_sha"},
      {"CI_PIPELINE_ID", "pipeline_id"}};
  for (const auto& [v, f] : kFields)
    if (v == var) return std::string(f);
  return std::nullopt;
}

// `/^release\/.*$/` as the glob `release/*` (Pipe's `matches`: `*` crosses `/` as `.*` does);
// nullopt for anything else a regex can say.
std::optional<std::string> RegexToGlob(const std::string& re) {
  std::string glob;
  size_t i = 0, end = re.size();
  bool anchored_start = end > 0 && re[0] == '^';
  if (anchored_start) ++i;
  bool anchored_end = end > i && re[end - 1] == '$' && (end < 2 || re[end - 2] != '\\');
  if (anchored_end) --end;
  if (!anchored_start) glob += '*';
  for (; i < end; ++i) {
    char c = re[i];
    if (c == '.' && i + 1 < end && re[i + 1] == '*') {
      glob += '*';
      ++i;
    } else if (c == '\\' && i + 1 < end) {
      char e = re[++i];
      if (std::isalnum(static_cast<unsigned char>(e))) return std::nullopt;  // \d, \w, ...
      if (e == '*' || e == '?' || e == '[' || e == '\\') glob += '\\';
      glob += e;
    } else if (std::string_view("^$.|?+*()[]{}").find(c) != std::string_view::npos) {
      return std::nullopt;
    } else {
      glob += c;
    }
  }
  if (!anchored_end && (glob.empty() || glob.back() != '*')) glob += '*';
  if (glob.find("${{") != std::string::npos) return std::nullopt;
  return glob;
}

// n-ary And / Or that leave a single term alone (And of none is True).
ir::Condition AllOf(std::vector<ir::Condition> terms) {
  if (terms.empty()) return MakeCondition(Op::True);
  return terms.size() == 1 ? std::move(terms[0]) : MakeCondition(Op::And, std::move(terms));
}
ir::Condition AnyOf(std::vector<ir::Condition> alternatives) {
  return alternatives.size() == 1 ? std::move(alternatives[0]) : MakeCondition(Op::Or, std::move(alternatives));
}

// The declared triggers a CI_PIPELINE_SOURCE value stands for (a tag is a push to GitLab), as
// one `trigger in [...]`; nullopt with the reason when Pipe has no such trigger.
std::optional<ir::Condition> SourceCondition(const std::string& value, const std::vector<ir::Trigger>& triggers,
                                             std::string* why) {
  std::set<ir::TriggerKind> kinds;
  if (value == "push") kinds = {ir::TriggerKind::Push, ir::TriggerKind::Tag};
  else if (value == "merge_request_event") kinds = {ir::TriggerKind::MergeRequest};
  else if (value == "schedule") kinds = {ir::TriggerKind::Schedule};
  else if (value == "web") kinds = {ir::TriggerKind::Manual};
  else {
    *why = "it tests the pipeline source \"" + value + "\", which Pipe has no trigger for";
    return std::nullopt;
  }
  ir::Condition c = MakeCondition(Op::TriggerIn);
  for (const ir::Trigger& t : triggers)
    if (kinds.count(t.kind) && std::find(c.triggers.begin(), c.triggers.end(), t.Id()) == c.triggers.end())
      c.triggers.push_back(t.Id());
  if (c.triggers.empty()) {
    *why = "it tests the pipeline source \"" + value + "\", and the Pipe file declares no such trigger";
    return std::nullopt;
  }
  return c;
}

using Token = GitLabExprToken;

// GitLab's `rules:if` grammar (`||` over `&&` over comparisons, parentheses), the same as
// rule_eval.cc reads, but building a Pipe condition; any part Pipe cannot say fails it.
class RuleExpr {
 public:
  RuleExpr(std::string_view s, const std::vector<ir::Trigger>& triggers) : s_(s), triggers_(triggers) {}

  std::optional<ir::Condition> Parse(std::string* why) {
    std::optional<ir::Condition> c = Or();
    Skip();
    if (c && pos_ != s_.size()) c.reset();
    if (!c) *why = why_.empty() ? "its `if:` is not an expression pipec reads" : why_;
    return c;
  }

 private:
  std::optional<ir::Condition> Fail(std::string why) {
    if (why_.empty()) why_ = std::move(why);
    return std::nullopt;
  }
  void Skip() { SkipSpaces(s_, pos_); }
  bool Eat(std::string_view tok) { return EatToken(s_, pos_, tok); }

  std::optional<ir::Condition> Or() {
    if (++depth_ > 64) return Fail("its `if:` nests too deeply");
    std::optional<ir::Condition> c = And();
    std::vector<ir::Condition> args;
    while (c && Eat("||")) {
      args.push_back(std::move(*c));
      c = And();
    }
    --depth_;
    if (!c) return std::nullopt;
    if (args.empty()) return c;
    args.push_back(std::move(*c));
    return MakeCondition(Op::Or, std::move(args));
  }
  std::optional<ir::Condition> And() {
    std::optional<ir::Condition> c = Term();
    std::vector<ir::Condition> args;
    while (c && Eat("&&")) {
      args.push_back(std::move(*c));
      c = Term();
    }
    if (!c) return std::nullopt;
    if (args.empty()) return c;
    args.push_back(std::move(*c));
    return MakeCondition(Op::And, std::move(args));
  }
  std::optional<ir::Condition> Term() {
    if (Eat("(")) {
      std::optional<ir::Condition> c = Or();
      if (!c || !Eat(")")) return Fail("its `if:` is not an expression pipec reads");
      return c;
    }
    std::optional<Token> left = Operand();
    if (!left) return Fail("its `if:` is not an expression pipec reads");
    for (std::string_view op : {"==", "!=", "=~", "!~"}) {
      if (!Eat(op)) continue;
      std::optional<Token> right = Operand();
      if (!right) return Fail("its `if:` is not an expression pipec reads");
      return Comparison(*left, op, *right);
    }
    return Truth(*left);
  }
  std::optional<Token> Operand() {
    Skip();
    return ReadGitLabOperand(s_, pos_);
  }

  std::optional<ir::Condition> Source(const std::string& value) {
    std::string why;
    std::optional<ir::Condition> c = SourceCondition(value, triggers_, &why);
    return c ? c : Fail(std::move(why));
  }

  std::optional<ir::Condition> MergeRequest() {
    ir::Condition c = MakeCondition(Op::TriggerIn);
    for (const ir::Trigger& t : triggers_)
      if (t.kind == ir::TriggerKind::MergeRequest) c.triggers.push_back(t.Id());
    if (c.triggers.empty()) return Fail("it tests merge requests, and the Pipe file declares no merge_request trigger");
    return c;
  }

  std::optional<ir::Condition> Comparison(Token l, std::string_view op, Token r) {
    if (l.kind != Token::Kind::Var && r.kind == Token::Kind::Var) std::swap(l, r);
    if (l.kind != Token::Kind::Var) return Fail("its `if:` compares two literals");
    bool negate = op == "!=" || op == "!~";
    std::optional<ir::Condition> c;
    if (r.kind == Token::Kind::Null) {
      if (op != "==" && op != "!=") return Fail("its `if:` matches null");
      c = Truth(l);  // `!= null`: set
      if (c) negate = !negate;  // `== null`: unset
    } else if (l.text == "CI_PIPELINE_SOURCE") {
      if (r.kind != Token::Kind::String || (op != "==" && op != "!="))
        return Fail("it tests the pipeline source with a pattern");
      c = Source(r.text);
    } else if (std::optional<std::string> field = GitFieldOf(l.text)) {
      if (r.kind == Token::Kind::Var) {
        std::optional<std::string> other = GitFieldOf(r.text);
        if (!other || (op != "==" && op != "!=")) return Fail("it compares $" + l.text + " with $" + r.text);
        c = Compare(Op::Eq, Git(*field), Git(*other));
      } else if (r.kind == Token::Kind::String) {
        if (op != "==" && op != "!=") return Fail("it matches $" + l.text + " with a string");
        if (r.text.find("${{") != std::string::npos) return Fail("a value holds `${{`");
        c = Compare(Op::Eq, Git(*field), Literal(r.text));
      } else {
        if (op != "=~" && op != "!~") return Fail("it compares $" + l.text + " with a regex");
        std::optional<std::string> glob = r.flags.empty() ? RegexToGlob(r.text) : std::nullopt;
        if (!glob) return Fail("its regex /" + r.text + "/" + r.flags + " is not a simple glob");
        c = Compare(Op::Matches, Git(*field), Literal(*glob));
      }
    } else {
      return Fail("it tests $" + l.text + ", which Pipe cannot read in a condition");
    }
    if (!c) return std::nullopt;
    return negate ? Not(std::move(*c)) : *c;
  }

  std::optional<ir::Condition> Truth(const Token& t) {
    if (t.kind != Token::Kind::Var) return Fail("its `if:` tests a literal");
    if (t.text == "CI_MERGE_REQUEST_IID" || t.text == "CI_MERGE_REQUEST_ID") return MergeRequest();
    std::optional<std::string> field = GitFieldOf(t.text);
    if (!field) return Fail("it tests $" + t.text + ", which Pipe cannot read in a condition");
    // A set predefined variable is never empty; Pipe reads an unset one as "".
    return Compare(Op::Ne, Git(*field), Literal(""));
  }

  std::string_view s_;
  const std::vector<ir::Trigger>& triggers_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::string why_;
};

void Flatten(const nlohmann::json& n, std::vector<const nlohmann::json*>& out) {
  if (n.is_array())
    for (const nlohmann::json& x : n) Flatten(x, out);
  else
    out.push_back(&n);
}

// A `changes:` list (or `{paths: [...]}`) as the `changed [...]` term.
std::optional<ir::Condition> ChangedOf(const nlohmann::json& value, std::string* why) {
  const nlohmann::json* paths = &value;
  if (value.is_object()) {
    if (value.size() != 1 || !value.contains("paths")) {
      *why = "a `changes:` has `compare_to:`";
      return std::nullopt;
    }
    paths = &value["paths"];
  }
  ir::Condition c = MakeCondition(Op::Changed);
  if (paths->is_array())
    for (const nlohmann::json& p : *paths) {
      std::optional<std::string> glob = p.is_string() ? GitLabChangesGlobToPipe(p.get<std::string>()) : std::nullopt;
      if (!glob) {
        *why = "a `changes:` path is not a plain glob (braces, variables or a leading `/`)";
        return std::nullopt;
      }
      c.paths.push_back(*glob);
    }
  if (c.paths.empty()) {
    *why = "a `changes:` lists no paths";
    return std::nullopt;
  }
  return c;
}

// What sema will make of `out` must be what GitLab does: the same triggers. When the condition
// alone would leave the job in other triggers, `trigger in [...]` is ANDed to it (after the
// `changed` term, which must stay first).
std::optional<ir::Condition> UnderTheSameTriggers(ir::Condition out, const std::vector<ir::Trigger>& triggers,
                                                  const std::vector<std::string>& active, std::string* why) {
  std::vector<std::string> declared;
  for (const ir::Trigger& t : triggers) declared.push_back(t.Id());
  std::sort(declared.begin(), declared.end());
  declared.erase(std::unique(declared.begin(), declared.end()), declared.end());
  std::vector<std::string> wanted;
  for (const std::string& id : active)
    if (std::binary_search(declared.begin(), declared.end(), id)) wanted.push_back(id);
  if (wanted.empty()) {
    *why = "the job runs under none of the pipeline's triggers";
    return std::nullopt;
  }
  std::vector<std::string> sema_view;
  if (ir::MentionsTriggers(out)) {
    for (const std::string& id : declared)
      if (ir::EvalUnderTrigger(out, id) != 0) sema_view.push_back(id);
  }
  if (sema_view != wanted && !(sema_view.empty() && wanted == declared)) {
    ir::Condition only = MakeCondition(Op::TriggerIn);
    only.triggers = wanted;
    if (out.IsTrue()) return only;
    std::vector<ir::Condition> terms;
    if (out.op == Op::And && ir::ChangedTerm(out)) {
      terms = std::move(out.args);
    } else {
      terms.push_back(std::move(out));
    }
    auto at = std::find_if(terms.begin(), terms.end(), [](const ir::Condition& c) { return c.op == Op::Changed; });
    terms.insert(at == terms.end() ? terms.begin() : at + 1, std::move(only));
    out = MakeCondition(Op::And, std::move(terms));
  }
  return out;
}

// Pipeline sources GitLab's `only`/`except` refs name (singular or plural, `_event` dropped),
// with the value of $CI_PIPELINE_SOURCE each stands for ("" = Pipe has no trigger for it).
std::optional<std::string> SourceOfRefKeyword(const std::string& ref) {
  static const std::pair<std::string_view, std::string_view> kSources[] = {
      {"push", "push"},        {"pushes", "push"},
      {"web", "web"},          {"webs", "web"},
      {"schedule", "schedule"}, {"schedules", "schedule"},
      {"merge_request", "merge_request_event"}, {"merge_requests", "merge_request_event"},
      {"api", ""}, {"apis", ""}, {"trigger", ""}, {"triggers", ""}, {"pipeline", ""},
      {"pipelines", ""}, {"parent_pipeline", ""}, {"parent_pipelines", ""}, {"external", ""},
      {"externals", ""}, {"external_pull_request", ""}, {"external_pull_requests", ""},
      {"chat", ""}, {"chats", ""}, {"webide", ""}, {"webides", ""}};
  for (const auto& [name, source] : kSources)
    if (name == ref) return std::string(source);
  return std::nullopt;
}

// `only:refs` / `except:refs` (or the array form): any pattern matches (GitLab's
// Policy::Refs). `tags`/`branches` are the pipeline's kind, a source name (`schedules`,
// `merge_requests`, ...) its source, anything else a branch or tag name or /regex/, which
// GitLab matches only in branch and tag pipelines, against the ref's name.
std::optional<ir::Condition> RefsCondition(const nlohmann::json& refs, const std::vector<ir::Trigger>& triggers,
                                           std::string* why) {
  // Whether a declared trigger can start a tag pipeline (a schedule, a person and an API
  // call can name a tag; Pipe's `on push` is branch pushes).
  bool tag_pipelines = std::any_of(triggers.begin(), triggers.end(), [](const ir::Trigger& t) {
    return t.kind != ir::TriggerKind::Push && t.kind != ir::TriggerKind::MergeRequest;
  });
  std::vector<const nlohmann::json*> list;
  if (refs.is_array())
    for (const nlohmann::json& r : refs) list.push_back(&r);
  else
    list.push_back(&refs);
  std::vector<ir::Condition> any;
  for (const nlohmann::json* r : list) {
    if (!r->is_string()) {
      *why = "a ref is not a string";
      return std::nullopt;
    }
    std::string ref = r->get<std::string>();
    if (ref.find('@') != std::string::npos) {
      *why = "a ref names a project (`" + ref + "`)";
      return std::nullopt;
    }
    if (ref == "branches" || ref == "tags") {
      any.push_back(Compare(Op::Ne, Git(ref == "tags" ? "tag" : "branch"), Literal("")));
      continue;
    }
    if (std::optional<std::string> source = SourceOfRefKeyword(ref)) {
      if (source->empty()) {
        *why = "it names the pipeline source `" + ref + "`, which Pipe has no trigger for";
        return std::nullopt;
      }
      std::optional<ir::Condition> c = SourceCondition(*source, triggers, why);
      if (!c) return std::nullopt;
      any.push_back(std::move(*c));
      continue;
    }
    Op op = Op::Eq;
    std::string value = ref;
    if (ref.size() >= 2 && ref.front() == '/') {
      std::optional<std::string> glob = ref.back() == '/' ? RegexToGlob(ref.substr(1, ref.size() - 2)) : std::nullopt;
      if (!glob) {
        *why = "its regex " + ref + " is not a simple glob";
        return std::nullopt;
      }
      op = Op::Matches;
      value = *glob;
    }
    if (value.find("${{") != std::string::npos) {
      *why = "a ref holds `${{`";
      return std::nullopt;
    }
    std::vector<ir::Condition> named;
    named.push_back(Compare(op, Git("branch"), Literal(value)));
    if (tag_pipelines) named.push_back(Compare(op, Git("tag"), Literal(value)));
    any.push_back(AnyOf(std::move(named)));
  }
  if (any.empty()) {
    *why = "its refs list is empty";
    return std::nullopt;
  }
  return AnyOf(std::move(any));
}

// One `only:` or `except:` value: the array form is refs; the hash form ANDs its keys (refs,
// variables: any expression holds, changes). `changed` comes back separately (only `only` may
// have it, and it must end up first in the job's condition).
std::optional<ir::Condition> PolicyCondition(const nlohmann::json& policy, const std::vector<ir::Trigger>& triggers,
                                             std::optional<ir::Condition>* changed, std::string* why) {
  if (!policy.is_object()) return RefsCondition(policy, triggers, why);
  std::vector<ir::Condition> all;
  for (const auto& [key, value] : policy.items()) {
    if (key == "refs") {
      std::optional<ir::Condition> c = RefsCondition(value, triggers, why);
      if (!c) return std::nullopt;
      all.push_back(std::move(*c));
    } else if (key == "variables" && value.is_array() && !value.empty()) {
      std::vector<ir::Condition> any;
      for (const nlohmann::json& e : value) {
        std::optional<ir::Condition> c =
            e.is_string() ? RuleExpr(e.get<std::string>(), triggers).Parse(why) : std::nullopt;
        if (!c) {
          if (!e.is_string()) *why = "a `variables:` entry is not an expression";
          return std::nullopt;
        }
        any.push_back(std::move(*c));
      }
      all.push_back(AnyOf(std::move(any)));
    } else if (key == "changes" && changed) {
      *changed = ChangedOf(value, why);
      if (!*changed) return std::nullopt;
    } else {
      *why = "it has `" + key + ":`" + (key == "changes" ? " in `except:`" : "");
      return std::nullopt;
    }
  }
  return AllOf(std::move(all));
}

}  // namespace

std::optional<std::string> GitLabChangesGlobToPipe(const std::string& glob) {
  if (glob.empty() || glob[0] == '/' || glob.find_first_of("{}$") != std::string::npos) return std::nullopt;
  if (glob.find("..") != std::string::npos) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < glob.size();) {
    if (glob.compare(i, 2, "**") == 0) {
      size_t end = i;
      while (end < glob.size() && glob[end] == '*') ++end;
      bool dirs = end < glob.size() && glob[end] == '/' && (i == 0 || glob[i - 1] == '/');
      out += dirs ? "**/" : "*";  // Ruby: `**` is special only as a whole `**/` segment
      i = dirs ? end + 1 : end;
      continue;
    }
    out += glob[i++];
  }
  return out;
}

std::optional<ir::Condition> GitLabRulesToCondition(const nlohmann::json& rules,
                                                    const std::vector<ir::Trigger>& triggers,
                                                    const std::vector<std::string>& active,
                                                    std::string* why) {
  std::vector<const nlohmann::json*> list;
  Flatten(rules, list);
  std::vector<ir::Condition> alternatives, excluded;
  bool has_changes = false;
  for (const nlohmann::json* rule : list) {
    if (!rule->is_object()) {
      *why = "a rule is not a mapping";
      return std::nullopt;
    }
    ir::Condition cond = MakeCondition(Op::True);
    std::vector<ir::Condition> terms;
    bool never = false;
    for (const auto& [key, value] : rule->items()) {
      if (key == "if" && value.is_string()) {
        std::optional<ir::Condition> c = RuleExpr(value.get<std::string>(), triggers).Parse(why);
        if (!c) return std::nullopt;
        terms.push_back(std::move(*c));
      } else if (key == "changes") {
        std::optional<ir::Condition> c = ChangedOf(value, why);
        if (!c) return std::nullopt;
        terms.insert(terms.begin(), std::move(*c));
        has_changes = true;
      } else if (key == "when" && value.is_string() &&
                 (value == "on_success" || value == "never")) {
        never = value == "never";
      } else {
        *why = "a rule has `" + key + (key == "when" && value.is_string() ? ": " + value.get<std::string>() : "") + "`";
        return std::nullopt;
      }
    }
    if (terms.size() == 1) cond = std::move(terms[0]);
    if (terms.size() > 1) cond = MakeCondition(Op::And, std::move(terms));
    if (never) {
      if (ir::CountChanged(cond) > 0) {
        *why = "a `when: never` rule tests `changes:`";
        return std::nullopt;
      }
      bool always = cond.IsTrue();
      excluded.push_back(std::move(cond));
      if (always) break;  // `- when: never` alone: later rules are never reached
      continue;
    }
    // This rule adds the job when it holds and no `never` rule before it does.
    std::vector<ir::Condition> all;
    for (const ir::Condition& e : excluded) all.push_back(Not(e));
    bool unconditional = cond.IsTrue();
    if (!unconditional) all.push_back(std::move(cond));
    alternatives.push_back(AllOf(std::move(all)));
    if (unconditional) break;  // later rules are never reached
  }
  if (alternatives.empty()) {
    *why = "no rule adds the job";
    return std::nullopt;
  }
  if (has_changes && alternatives.size() > 1) {
    *why = "`changes:` is one rule among several (Pipe's `changed` is a term of the whole condition)";
    return std::nullopt;
  }
  ir::Condition out = AnyOf(std::move(alternatives));
  if (has_changes) {
    // The one adding rule is `changes` AND its if, after `not` the never rules: lift the
    // changed term to the top, where Pipe allows it.
    std::vector<ir::Condition> terms;
    ir::Condition changed;
    std::function<void(ir::Condition&)> take = [&](ir::Condition& c) {
      if (c.op == Op::And) {
        for (ir::Condition& a : c.args) take(a);
      } else if (c.op == Op::Changed) {
        changed = std::move(c);
      } else {
        terms.push_back(std::move(c));
      }
    };
    take(out);
    terms.insert(terms.begin(), std::move(changed));
    out = AllOf(std::move(terms));
  }
  if (out.IsTrue()) {
    *why = "the rules add the job always";  // nothing to say in `when`
    return std::nullopt;
  }
  return UnderTheSameTriggers(std::move(out), triggers, active, why);
}

std::optional<ir::Condition> GitLabOnlyExceptToCondition(const nlohmann::json* only, const nlohmann::json* except,
                                                         const std::vector<ir::Trigger>& triggers,
                                                         const std::vector<std::string>& active,
                                                         std::string* why) {
  std::vector<ir::Condition> terms;
  std::optional<ir::Condition> changed;
  // Without `only:` GitLab's default (`[branches, tags]`, or every pipeline under
  // `workflow:rules`) is what `active` holds already: UnderTheSameTriggers says it.
  if (only && !only->is_null()) {
    std::optional<ir::Condition> c = PolicyCondition(*only, triggers, &changed, why);
    if (!c) return std::nullopt;
    if (!c->IsTrue()) terms.push_back(std::move(*c));
  }
  if (except && !except->is_null()) {
    std::optional<ir::Condition> c = PolicyCondition(*except, triggers, nullptr, why);
    if (!c) return std::nullopt;
    if (c->IsTrue()) {
      *why = "its `except:` leaves the job out of every pipeline";
      return std::nullopt;
    }
    terms.push_back(Not(std::move(*c)));
  }
  if (changed) terms.insert(terms.begin(), std::move(*changed));
  ir::Condition out = AllOf(std::move(terms));
  std::optional<ir::Condition> c = UnderTheSameTriggers(std::move(out), triggers, active, why);
  if (c && c->IsTrue()) {
    *why = "the job is in every pipeline";  // nothing to say in `when`
    return std::nullopt;
  }
  return c;
}

}  // namespace pipec::import
