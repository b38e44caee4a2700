// hardcoded-secret: credentials written into the pipeline as literals, wherever the IR keeps
// text (variables, env values, scripts, action inputs, raw vendor keys, trigger inputs).
// The finding names the kind of credential and its place, never the value.
#include <fmt/format.h>

#include <functional>
#include <unordered_set>
#include <nlohmann/json.hpp>

#include "lint/credentials.h"
#include "lint/rules.h"
#include "lint/script_map.h"

namespace pipec::lint {
namespace {

constexpr const char* kFix =
    "declare `secret NAME masked`, bind it in the job's `env { }`, and revoke this credential: "
    "it is in the repository's history";

// `where` (the place, for the message) is a callable returning it: formatted only for a
// finding, not for each of the thousands of texts scanned clean.
class LiteralScan {
 public:
  explicit LiteralScan(RuleContext& ctx) : ctx_(ctx) {}

  // A value whose name is known (variable, env entry, `with:` key).
  template <typename Where>
  void Named(std::string_view name, std::string_view value, const SourceRange& hint,
             const Where& where) {
    if (Text(value, hint, where)) return;
    if (!LooksLikeSecretAssignment(name, value)) return;
    Report(fmt::format("credential assigned to {}", name), ctx_.Locate(hint, value, 3), where());
  }

  // Free text: returns whether anything was reported.
  template <typename Where>
  bool Text(std::string_view text, const SourceRange& hint, const Where& where) {
    bool any = false;
    for (const CredentialMatch& m : FindCredentials(text)) {
      Report(m.kind, ctx_.Locate(hint, text.substr(m.offset, m.length), 3), where());
      any = true;
    }
    return any;
  }

  // `script` is RenderText(step.script).
  template <typename Where>
  void Script(const ir::Step& step, const std::string& script, const Where& where) {
    std::vector<CredentialMatch> found = FindCredentials(script);
    if (found.empty()) return;
    ScriptMap map(ctx_.sources(), step.range, script);
    for (const CredentialMatch& m : found) Report(m.kind, map.At(m.offset, m.length), where());
  }

  template <typename Where>
  void Json(const nlohmann::json& j, const std::string& key, const SourceRange& hint,
            const Where& where) {
    if (j.is_string()) {
      Named(key, j.get<std::string>(), hint, where);
    } else if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) Json(it.value(), it.key(), hint, where);
    } else if (j.is_array()) {
      for (const auto& e : j) Json(e, key, hint, where);
    }
  }

 private:
  void Report(const std::string& kind, const SourceRange& range, std::string_view where) {
    if (Diagnostic* d = ctx_.Report(DiagKind::HardcodedSecret, range,
                                    fmt::format("hard-coded {} in {}", kind, where)))
      d->Note({}, kFix);
  }

  RuleContext& ctx_;
};

// A `where` that is already a fixed text.
auto Fixed(std::string_view text) {
  return [text] { return std::string(text); };
}

}  // namespace

void CheckHardcodedSecrets(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  LiteralScan scan(ctx);
  for (const ir::Variable& v : p.variables) {
    auto where = [&] { return fmt::format("variable {}", v.name); };
    if (v.value.type.kind == ir::TypeKind::List) {
      for (const ir::Value& e : v.value.list) scan.Named(v.name, e.string_value, v.range, where);
    } else if (v.value.type.kind == ir::TypeKind::String || v.value.type.kind == ir::TypeKind::Path) {
      scan.Named(v.name, v.value.string_value, v.range, where);
    }
  }
  for (const ir::Trigger& t : p.triggers)
    for (const ir::Param& param : t.inputs)
      if (param.default_value)
        scan.Named(param.name, param.default_value->string_value, param.range,
                   [&] { return fmt::format("the default of input {}", param.name); });
  scan.Json(p.raw_gitlab, "", {}, Fixed("raw gitlab keys"));
  scan.Json(p.raw_github, "", {}, Fixed("raw github keys"));

  // Jobs expanded from one template or matrix share their text: scan each place once. Only
  // membership is asked, so a hash set (a tree of 20,000 places cost 1.5% of a large check).
  struct PlaceHash {
    size_t operator()(const std::pair<SourceRange, std::string>& p) const {
      const SourceRange& r = p.first;
      size_t h = std::hash<std::string>()(p.second);
      for (uint32_t v : {r.file, r.begin.line, r.begin.column, r.end.line, r.end.column})
        h = h * 1000003 ^ v;
      return h;
    }
  };
  std::unordered_set<std::pair<SourceRange, std::string>, PlaceHash> seen;
  seen.reserve(2 * p.jobs.size());  // a script and an image per job, most of them
  for (const ir::Job& j : p.jobs) {
    const SourceRange& body = j.body_range.valid() ? j.body_range : j.range;
    for (const ir::EnvVar& e : j.env) {
      if (!e.secret.empty()) continue;
      auto [it, fresh] = seen.insert({e.range, RenderText(e.value)});
      if (!fresh) continue;
      scan.Named(e.name, it->second, e.range,
                 [&] { return fmt::format("env {} of job {}", e.name, j.name); });
    }
    for (const ir::Step& s : j.steps) {
      if (s.kind == ir::Step::Kind::Run) {
        auto [it, fresh] = seen.insert({s.range, RenderText(s.script)});
        if (fresh)
          scan.Script(s, it->second, [&] { return fmt::format("the script of job {}", j.name); });
      }
      // Not structured bindings: the lambdas capture the names, which clang 14 (`make fuzz`)
      // refuses.
      for (const auto& with : s.with) {
        const std::string& k = with.first;
        if (seen.insert({s.range, k + "=" + with.second}).second)
          scan.Named(k, with.second, s.range,
                     [&] { return fmt::format("input {} of a step of job {}", k, j.name); });
      }
      for (const auto& env : s.env) {
        const std::string& k = env.first;
        std::string value = RenderText(env.second);
        if (seen.insert({s.range, k + "=" + value}).second)
          scan.Named(k, value, s.range,
                     [&] { return fmt::format("env {} of a step of job {}", k, j.name); });
      }
    }
    if (j.trigger)
      for (const auto& input : j.trigger->inputs) {
        const std::string& k = input.first;
        scan.Named(k, RenderText(input.second), j.trigger->range,
                   [&] { return fmt::format("input {} of the pipeline job {}", k, j.name); });
      }
    auto [it, fresh] = seen.insert({body, RenderText(j.image)});
    if (fresh)
      scan.Text(it->second, body, [&] { return fmt::format("the image of job {}", j.name); });
    if (!j.raw_gitlab.empty() && seen.insert({body, j.raw_gitlab.dump()}).second)
      scan.Json(j.raw_gitlab, "", body,
                [&] { return fmt::format("raw gitlab keys of job {}", j.name); });
    if (!j.raw_github.empty() && seen.insert({body, j.raw_github.dump()}).second)
      scan.Json(j.raw_github, "", body,
                [&] { return fmt::format("raw github keys of job {}", j.name); });
  }
}

}  // namespace pipec::lint
