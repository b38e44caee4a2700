#include "compiler/import/rule_eval.h"

#include "compiler/import/gitlab_expr_token.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/support/regex.h"

namespace pipec::import {

using yaml::Node;
using K = ir::TriggerKind;

Tri TriAnd(Tri a, Tri b) {
  if (a == Tri::False || b == Tri::False) return Tri::False;
  if (a == Tri::True && b == Tri::True) return Tri::True;
  return Tri::Unknown;
}

Tri TriOr(Tri a, Tri b) {
  if (a == Tri::True || b == Tri::True) return Tri::True;
  if (a == Tri::False && b == Tri::False) return Tri::False;
  return Tri::Unknown;
}

Tri TriNot(Tri a) {
  if (a == Tri::Unknown) return a;
  return a == Tri::True ? Tri::False : Tri::True;
}

namespace {

Tri Of(bool b) { return b ? Tri::True : Tri::False; }

// A value in a condition: absent (null / an unset variable), present with a value we cannot
// know, or a known string.
struct Val {
  enum class State { Unset, SetUnknown, Unknown, Known } state = State::Unknown;
  std::string text;
  bool regex = false;  // a /pattern/flags literal
  std::string flags;
  // A value not known itself but known to name one side of a fork pull request ("base" or
  // "fork"): values of different sides differ (`head.repo.full_name != github.repository`).
  std::string side;
  static Val Unset() { return {State::Unset, "", false, "", ""}; }
  static Val Set() { return {State::SetUnknown, "", false, "", ""}; }
  static Val Unknown() { return {State::Unknown, "", false, "", ""}; }
  static Val Known(std::string s) { return {State::Known, std::move(s), false, "", ""}; }
};

// ---- GitLab: the variables a pipeline of each kind defines ----

Val GitLabVar(std::string_view name, const TriggerContext& ctx) {
  const bool mr = ctx.kind == K::MergeRequest, tag = ctx.kind == K::Tag;
  if (name == "CI_PIPELINE_SOURCE") {
    switch (ctx.kind) {
      case K::Push:
      case K::Tag:
        return Val::Known("push");
      case K::MergeRequest:
        return Val::Known("merge_request_event");
      case K::Schedule:
        return Val::Known("schedule");
      case K::Manual:
        return Val::Known("web");
      case K::Webhook:
        return Val::Unknown();
    }
  }
  if (name == "CI_COMMIT_BRANCH") return mr || tag ? Val::Unset() : Val::Set();
  if (name == "CI_COMMIT_TAG" || name == "CI_COMMIT_TAG_MESSAGE")
    return tag ? Val::Set() : Val::Unset();
  if (name.starts_with("CI_MERGE_REQUEST_")) {
    if (!mr) return Val::Unset();
    static constexpr std::string_view kAlways[] = {
        "IID",        "ID",           "SOURCE_BRANCH_NAME", "TARGET_BRANCH_NAME",
        "PROJECT_ID", "PROJECT_PATH", "REF_PATH",           "TITLE",
        "EVENT_TYPE"};
    std::string_view rest = name.substr(17);
    for (std::string_view a : kAlways)
      if (rest == a) return Val::Set();
    return Val::Unknown();
  }
  if (name == "CI_COMMIT_REF_NAME" || name == "CI_COMMIT_REF_SLUG" || name == "CI_COMMIT_SHA" ||
      name == "CI_COMMIT_SHORT_SHA" || name == "CI_DEFAULT_BRANCH" || name == "CI_PROJECT_PATH" ||
      name == "CI_PROJECT_NAME" || name == "CI_PROJECT_NAMESPACE" || name == "CI_PROJECT_ID" ||
      name == "CI_SERVER_HOST" || name == "CI_PIPELINE_ID" || name == "CI" || name == "GITLAB_CI")
    return Val::Set();
  if (auto it = ctx.known_vars.find(std::string(name)); it != ctx.known_vars.end())
    return it->second.find('$') == std::string::npos ? Val::Known(it->second) : Val::Unknown();
  if (ctx.unset_undeclared && !name.starts_with("CI_") && !name.starts_with("GITLAB_") &&
      ctx.unset_undeclared(name))
    return Val::Unset();
  return Val::Unknown();
}

Tri Truthy(const Val& v) {
  switch (v.state) {
    case Val::State::Unset:
      return Tri::False;
    case Val::State::SetUnknown:
      return Tri::True;  // GitLab sets these non-empty
    case Val::State::Unknown:
      return Tri::Unknown;
    case Val::State::Known:
      return Of(!v.text.empty());
  }
  return Tri::Unknown;
}

Tri Equal(const Val& a, const Val& b, bool fold_case) {
  using S = Val::State;
  if (!a.side.empty() && !b.side.empty() && a.side != b.side) return Tri::False;
  if (a.state == S::Unknown || b.state == S::Unknown) return Tri::Unknown;
  if (a.state == S::Unset || b.state == S::Unset) return Of(a.state == b.state);
  if (a.state == S::SetUnknown || b.state == S::SetUnknown) return Tri::Unknown;
  if (!fold_case) return Of(a.text == b.text);
  return Of(
      std::equal(a.text.begin(), a.text.end(), b.text.begin(), b.text.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
      }));
}

// A file's rules repeat a few patterns over many jobs, and each rule is evaluated once per
// trigger context: each distinct pattern is compiled once (RE2 construction was 4% of linting
// omnibus-gitlab's dev-gitlab-org.yml). Per thread, at most kMaxCachedPatterns at a time (the
// cache starts over when full), so hostile input cannot grow it without bound.
constexpr size_t kMaxCachedPatterns = 256;

const RE2& CompiledPattern(const std::string& text) {
  static thread_local std::unordered_map<std::string, std::unique_ptr<const RE2>> cache;
  if (auto it = cache.find(text); it != cache.end()) return *it->second;
  if (cache.size() >= kMaxCachedPatterns) cache.clear();
  RE2::Options options;
  options.set_log_errors(false);
  return *cache.emplace(text, std::make_unique<const RE2>(text, options)).first->second;
}

Tri Matches(const Val& subject, const Val& pattern) {
  using S = Val::State;
  if (subject.state == S::Unset) return Tri::False;
  if (subject.state != S::Known || pattern.state != S::Known || !pattern.regex) return Tri::Unknown;
  // As GitLab (Gitlab::UntrustedRegexp::RubySyntax): RE2, the flags put in front as `(?flags)`.
  // A pattern RE2 refuses (or one over its memory budget) fails the pipeline on GitLab; here
  // the value stays unknown.
  const std::string text = pattern.flags.empty() ? pattern.text : "(?" + pattern.flags + ")" + pattern.text;
  const RE2& re = CompiledPattern(text);
  if (!re.ok()) return Tri::Unknown;
  return Of(RE2::PartialMatch(subject.text, re));
}

// What both vendors' expression languages share: `||` over `&&` over terms, spaces between
// tokens. Any syntax error makes the whole expression Unknown.
class ExprParser {
 public:
  ExprParser(std::string_view s, const TriggerContext& ctx) : s_(s), ctx_(ctx) {}
  virtual ~ExprParser() = default;

  std::optional<Tri> Parse() {
    std::optional<Tri> t = Or();
    Skip();
    if (!t || pos_ != s_.size()) return std::nullopt;
    return t;
  }

 protected:
  virtual std::optional<Tri> Term() = 0;

  void Skip() { SkipSpaces(s_, pos_); }
  bool Eat(std::string_view tok) { return EatToken(s_, pos_, tok); }
  std::optional<Tri> Or() {
    std::optional<Tri> t = And();
    while (t && Eat("||")) {
      std::optional<Tri> r = And();
      if (!r) return std::nullopt;
      t = TriOr(*t, *r);
    }
    return t;
  }
  std::optional<Tri> And() {
    Nest nest(*this);
    if (!nest.ok) return std::nullopt;
    std::optional<Tri> t = Term();
    while (t && Eat("&&")) {
      std::optional<Tri> r = Term();
      if (!r) return std::nullopt;
      t = TriAnd(*t, *r);
    }
    return t;
  }

  // Nesting (parentheses, `!`, calls) is bounded so that a hostile expression cannot exhaust
  // the stack: a deeper one is unreadable (Unknown).
  static constexpr size_t kMaxDepth = 100;
  struct Nest {
    explicit Nest(ExprParser& p) : parser(p), ok(++p.depth_ <= kMaxDepth && !p.too_deep_) {
      if (!ok) p.too_deep_ = true;  // and no backtracking retries after it
    }
    ~Nest() { --parser.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    ExprParser& parser;
    bool ok;
  };
  size_t depth_ = 0;
  bool too_deep_ = false;

  std::string_view s_;
  size_t pos_ = 0;
  const TriggerContext& ctx_;
};

// GitLab's `rules:if` syntax: `$VAR`, "string", /regex/flags, null; == != =~ !~; parentheses.
class GitLabExpr : public ExprParser {
 public:
  using ExprParser::ExprParser;

 private:
  std::optional<Tri> Term() override { return Compare(); }
  std::optional<Tri> Compare() {
    if (Eat("(")) {
      std::optional<Tri> t = Or();
      if (!t || !Eat(")")) return std::nullopt;
      return t;
    }
    std::optional<Val> left = Operand();
    if (!left) return std::nullopt;
    for (std::string_view op : {"==", "!=", "=~", "!~"}) {
      if (!Eat(op)) continue;
      std::optional<Val> right = Operand();
      if (!right) return std::nullopt;
      if (op == "==") return Equal(*left, *right, false);
      if (op == "!=") return TriNot(Equal(*left, *right, false));
      if (op == "=~") return Matches(*left, *right);
      return TriNot(Matches(*left, *right));
    }
    return Truthy(*left);
  }
  std::optional<Val> Operand() {
    Skip();
    std::optional<GitLabExprToken> t = ReadGitLabOperand(s_, pos_);
    if (!t) return std::nullopt;
    switch (t->kind) {
      case GitLabExprToken::Kind::Var: return GitLabVar(t->text, ctx_);
      case GitLabExprToken::Kind::String: return Val::Known(t->text);
      case GitLabExprToken::Kind::Null: return Val::Unset();
      case GitLabExprToken::Kind::Regex: {
        Val v = Val::Known(t->text);
        v.regex = true;
        v.flags = t->flags;
        return v;
      }
    }
    return std::nullopt;
  }
};

// ---- GitLab rules and only/except ----

Tri RuleWhen(const Node& rule) {
  const Node* when = rule.Get("when");
  return when && when->IsScalar() && when->scalar == "never" ? Tri::False : Tri::True;
}

Tri RuleCondition(const Node& rule, const TriggerContext& ctx) {
  Tri c = Tri::True;
  if (const Node* i = rule.Get("if"))
    c = i->IsScalar() ? EvalGitLabIf(i->scalar, ctx) : Tri::Unknown;
  // changes/exists depend on the commit and the tree: unknown here. GitLab treats `changes`
  // as always true in tag and schedule pipelines, but the rule still may not apply.
  if (rule.Has("changes") || rule.Has("exists")) c = TriAnd(c, Tri::Unknown);
  return c;
}

void FlattenRules(const Node& n, std::vector<const Node*>& out) {
  if (n.IsSeq())
    for (const yaml::NodePtr& r : n.items) FlattenRules(*r, out);
  else if (n.IsMap())
    out.push_back(&n);
}

// One `only:`/`except:` refs entry against the pipeline kind.
Tri RefMatches(std::string_view ref, const TriggerContext& ctx) {
  const K k = ctx.kind;
  if (ref == "branches") return Of(k == K::Push || k == K::Schedule || k == K::Manual);
  if (ref == "tags") return Of(k == K::Tag);
  if (ref == "merge_requests") return Of(k == K::MergeRequest);
  if (ref == "schedules") return Of(k == K::Schedule);
  if (ref == "web") return Of(k == K::Manual);
  if (ref == "pushes") return Of(k == K::Push || k == K::Tag);
  if (ref == "api" || ref == "triggers" || ref == "pipelines" || ref == "external" ||
      ref == "chat" || ref == "external_pull_requests")
    return k == K::Webhook ? Tri::Unknown : Tri::False;
  // A branch or tag name, or a /regex/: merge request pipelines match only `merge_requests`.
  if (k == K::MergeRequest) return Tri::False;
  return Tri::Unknown;
}

// `only:`/`except:` in array form or hash form (refs, variables, changes, kubernetes): all
// given parts must match.
Tri OnlyExceptMatches(const Node& n, const TriggerContext& ctx) {
  auto refs = [&](const Node& list) {
    Tri any = Tri::False;
    if (list.IsScalar()) return RefMatches(list.scalar, ctx);
    for (const yaml::NodePtr& r : list.items)
      if (r->IsScalar()) any = TriOr(any, RefMatches(r->scalar, ctx));
    return any;
  };
  if (!n.IsMap()) return refs(n);
  Tri all = Tri::True;
  if (const Node* r = n.Get("refs")) all = TriAnd(all, refs(*r));
  if (const Node* v = n.Get("variables")) {
    Tri any = Tri::False;
    if (v->IsSeq())
      for (const yaml::NodePtr& e : v->items)
        any = TriOr(any, e->IsScalar() ? EvalGitLabIf(e->scalar, ctx) : Tri::Unknown);
    all = TriAnd(all, any);
  }
  if (n.Has("changes") || n.Has("kubernetes")) all = TriAnd(all, Tri::Unknown);
  return all;
}

// ---- GitHub expressions ----

// GitHub's `if:` syntax: contexts (`github.event_name`), 'strings', numbers, true/false/null,
// function calls; ! == != < > <= >=; parentheses.
class GitHubExpr : public ExprParser {
 public:
  using ExprParser::ExprParser;

 private:
  std::optional<Tri> Term() override { return Unary(); }
  std::optional<Tri> Unary() {
    Nest nest(*this);
    if (!nest.ok) return std::nullopt;
    Skip();
    if (s_.substr(pos_, 2) != "!=" && Eat("!")) {
      std::optional<Tri> t = Unary();
      return t ? std::optional<Tri>(TriNot(*t)) : std::nullopt;
    }
    if (Eat("(")) {
      std::optional<Tri> t = Or();
      if (!t || !Eat(")")) return std::nullopt;
      return Comparison(t);
    }
    return Comparison(std::nullopt);
  }
  // `grouped` is a parenthesised condition already read (compared as a boolean).
  std::optional<Tri> Comparison(std::optional<Tri> grouped) {
    std::optional<Val> left;
    if (grouped) {
      if (*grouped == Tri::Unknown)
        left = Val::Unknown();
      else
        left = Val::Known(*grouped == Tri::True ? "true" : "false");
    } else {
      left = Primary();
    }
    if (!left) return std::nullopt;
    for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (!Eat(op)) continue;
      std::optional<Val> right = Primary();
      if (!right) return std::nullopt;
      if (op == "==") return Equal(*left, *right, true);
      if (op == "!=") return TriNot(Equal(*left, *right, true));
      return Tri::Unknown;  // ordering comparisons: numbers we do not know
    }
    if (grouped) return grouped;
    return GhTruthy(*left);
  }
  static Tri GhTruthy(const Val& v) {
    if (v.state == Val::State::Known)
      return Of(!v.text.empty() && v.text != "false" && v.text != "0");
    return Truthy(v);
  }
  std::optional<Val> Primary() {
    Skip();
    if (pos_ >= s_.size()) return std::nullopt;
    char c = s_[pos_];
    if (c == '\'') {
      std::string text;
      size_t i = pos_ + 1;
      for (; i < s_.size(); ++i) {
        if (s_[i] == '\'') {
          if (i + 1 < s_.size() && s_[i + 1] == '\'') {  // '' is a quote
            text += '\'';
            ++i;
            continue;
          }
          break;
        }
        text += s_[i];
      }
      if (i >= s_.size()) return std::nullopt;
      pos_ = i + 1;
      return Val::Known(text);
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      size_t start = pos_++;
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.'))
        ++pos_;
      return Val::Known(std::string(s_.substr(start, pos_ - start)));
    }
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
    // identifier path: a.b.c, a['x'], a.*.b, or a function call
    std::string path;
    while (pos_ < s_.size()) {
      char d = s_[pos_];
      if (std::isalnum(static_cast<unsigned char>(d)) || d == '_' || d == '-' || d == '.' ||
          d == '*') {
        path += d;
        ++pos_;
      } else if (d == '[') {
        size_t end = s_.find(']', pos_);
        if (end == std::string_view::npos) return std::nullopt;
        std::string_view inner = s_.substr(pos_ + 1, end - pos_ - 1);
        if (inner.size() >= 2 && inner.front() == '\'' && inner.back() == '\'')
          path += "." + std::string(inner.substr(1, inner.size() - 2));
        else
          path += ".*";
        pos_ = end + 1;
      } else {
        break;
      }
    }
    Skip();
    if (pos_ < s_.size() && s_[pos_] == '(') return Call(path);
    if (path == "true" || path == "false") return Val::Known(path);
    if (path == "null") return Val::Unset();
    return Context(path);
  }
  std::optional<Val> Call(const std::string& fn) {
    Nest nest(*this);
    if (!nest.ok) return std::nullopt;
    ++pos_;  // (
    std::vector<Val> args;
    Skip();
    if (!Eat(")")) {
      while (true) {
        std::optional<Tri> t;
        size_t save = pos_;
        std::optional<Val> a = Primary();
        Skip();
        bool ends = pos_ < s_.size() && (s_[pos_] == ',' || s_[pos_] == ')');
        if (!a || !ends) {  // a nested condition as an argument
          if (too_deep_) return std::nullopt;
          pos_ = save;
          t = Or();
          if (!t) return std::nullopt;
          a = *t == Tri::Unknown ? Val::Unknown() : Val::Known(*t == Tri::True ? "true" : "false");
        }
        args.push_back(*a);
        if (Eat(")")) break;
        if (!Eat(",")) return std::nullopt;
      }
    }
    std::string f = Lower(fn);
    auto known = [&](size_t i) { return i < args.size() && args[i].state == Val::State::Known; };
    if ((f == "startswith" || f == "endswith" || f == "contains") && args.size() == 2) {
      if (args[0].state == Val::State::Unset) return Val::Known("false");
      if (!known(0) || !known(1)) return Val::Unknown();
      std::string a = Lower(args[0].text), b = Lower(args[1].text);
      bool r = f == "startswith" ? a.starts_with(b)
               : f == "endswith"
                   ? a.size() >= b.size() && a.compare(a.size() - b.size(), b.size(), b) == 0
                   : a.find(b) != std::string::npos;
      return Val::Known(r ? "true" : "false");
    }
    // success()/always()/failure()/cancelled(), format(), fromJSON(), hashFiles(), ...:
    // outcomes of the run, not of the trigger.
    return Val::Unknown();
  }
  static std::string Lower(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }
  Val Context(const std::string& raw) {
    std::string path = Lower(raw);
    const K k = ctx_.kind;
    if (path == "github.event_name") {
      if (!ctx_.github_event.empty()) return Val::Known(ctx_.github_event);
      return Val::Unknown();
    }
    if (path == "github.ref_type") {
      if (k == K::Tag) return Val::Known("tag");
      if (k == K::Push || k == K::MergeRequest) return Val::Known("branch");
      return Val::Unknown();
    }
    if (path == "github.ref") return Val::Set();
    if (ctx_.fork && k == K::MergeRequest) {
      auto side = [](std::string_view which) {
        Val v = Val::Set();
        v.side = std::string(which);
        return v;
      };
      // A fork's pull request: its head repository (and owner) is not the workflow's one.
      if (path == "github.repository" || path == "github.event.pull_request.base.repo.full_name" ||
          path == "github.event.repository.full_name")
        return side("base-repo");
      if (path == "github.event.pull_request.head.repo.full_name") return side("head-repo");
      if (path == "github.repository_owner" || path == "github.event.pull_request.base.repo.owner.login" ||
          path == "github.event.repository.owner.login")
        return side("base-owner");
      if (path == "github.event.pull_request.head.repo.owner.login") return side("head-owner");
      if (path == "github.event.pull_request.head.repo.fork") return Val::Known("true");
    }
    if (path == "github.head_ref" || path == "github.base_ref")
      return k == K::MergeRequest ? Val::Set() : Val::Known("");
    if (path.starts_with("github.event.pull_request"))
      return k == K::MergeRequest ? Val::Unknown() : Val::Unset();
    if (path.starts_with("github.event.schedule"))
      return k == K::Schedule ? Val::Set() : Val::Unset();
    if (path.starts_with("github.event.inputs") || path.starts_with("inputs."))
      return k == K::Manual || k == K::Webhook ? Val::Unknown() : Val::Unset();
    return Val::Unknown();
  }
};

// `startsWith(github.ref, 'refs/tags/')`: the trigger fixes the ref's prefix though not its
// value, so those tests are decided before parsing; other uses of github.ref stay unknown.
std::string DecideRefPrefixTests(std::string_view expr, const TriggerContext& ctx) {
  std::string_view known = ctx.kind == K::Tag            ? "refs/tags/"
                           : ctx.kind == K::MergeRequest ? "refs/pull/"
                           : ctx.kind == K::Push         ? "refs/heads/"
                                                         : "";
  std::string out(expr);
  if (known.empty()) return out;
  for (std::string_view prefix : {"refs/tags/", "refs/heads/", "refs/pull/"}) {
    std::string_view verdict = prefix == known ? "true" : "false";
    for (std::string call : {"startsWith(github.ref, '", "startsWith(github.ref,'"}) {
      call += std::string(prefix) + "')";
      for (size_t at = out.find(call); at != std::string::npos;
           at = out.find(call, at + verdict.size()))
        out.replace(at, call.size(), verdict);
    }
  }
  return out;
}

}  // namespace

Tri EvalGitLabIf(std::string_view expr, const TriggerContext& ctx) {
  std::optional<Tri> t = GitLabExpr(expr, ctx).Parse();
  return t ? *t : Tri::Unknown;
}

Tri EvalGitLabRules(const Node& rules, const TriggerContext& ctx) {
  std::vector<const Node*> list;
  FlattenRules(rules, list);
  // From the last rule back: rule i decides when its condition holds, otherwise rule i+1
  // does; an unknown condition gives a known result only when both outcomes agree.
  Tri result = Tri::False;  // no rule matched: the job is not added
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    Tri cond = RuleCondition(**it, ctx), when = RuleWhen(**it);
    if (cond == Tri::True)
      result = when;
    else if (cond == Tri::Unknown)
      result = when == result ? result : Tri::Unknown;
  }
  return result;
}

std::vector<std::map<std::string, std::string>> GitLabWorkflowVariables(const Node& rules,
                                                                        const TriggerContext& ctx) {
  std::vector<const Node*> list;
  FlattenRules(rules, list);
  std::vector<std::map<std::string, std::string>> out;
  for (const Node* rule : list) {
    Tri cond = RuleCondition(*rule, ctx);
    if (cond == Tri::False) continue;
    if (RuleWhen(*rule) == Tri::True) {
      std::map<std::string, std::string>& vars = out.emplace_back();
      if (const Node* v = rule->Get("variables"); v && v->IsMap())
        for (const auto& [k, x] : v->entries) vars[k->scalar] = x->IsScalar() ? x->scalar : "$";
    }
    if (cond == Tri::True) break;
  }
  return out;
}

Tri EvalGitLabOnlyExcept(const Node* only, const Node* except, const TriggerContext& ctx,
                         bool workflow_rules) {
  Tri runs = Tri::True;
  if (only && !only->IsNull())
    runs = OnlyExceptMatches(*only, ctx);
  else if (!workflow_rules)  // GitLab's default: only: [branches, tags]
    runs = TriOr(RefMatches("branches", ctx), RefMatches("tags", ctx));
  if (except && !except->IsNull()) runs = TriAnd(runs, TriNot(OnlyExceptMatches(*except, ctx)));
  return runs;
}

Tri EvalGitHubIf(std::string_view expr, const TriggerContext& ctx) {
  std::string_view e = expr;
  while (!e.empty() && std::isspace(static_cast<unsigned char>(e.front()))) e.remove_prefix(1);
  while (!e.empty() && std::isspace(static_cast<unsigned char>(e.back()))) e.remove_suffix(1);
  if (e.starts_with("${{") && e.size() >= 5 && e.substr(e.size() - 2) == "}}" &&
      e.find("${{", 3) == std::string_view::npos)
    e = e.substr(3, e.size() - 5);
  else if (e.find("${{") != std::string_view::npos)
    return Tri::Unknown;  // text with embedded expressions: a non-empty string, always true
  std::string rewritten = DecideRefPrefixTests(e, ctx);
  std::optional<Tri> t = GitHubExpr(rewritten, ctx).Parse();
  return t ? *t : Tri::Unknown;
}

}  // namespace pipec::import
