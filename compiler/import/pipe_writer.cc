#include "compiler/import/pipe_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <nlohmann/json.hpp>

#include "compiler/import/gitlab_conditions.h"
#include "compiler/import/gitlab_values.h"
#include "compiler/ir/conditions.h"
#include "compiler/support/regex.h"
#include "compiler/syntax/limits.h"

namespace pipec::import {

std::string PipeName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    char put = ok ? c : '_';
    if (put == '_' && !out.empty() && out.back() == '_') continue;  // runs of `_` become one
    out += put;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])) || out[0] == '-')
    out = "j_" + out;
  if (out == "and" || out == "or" || out == "not" || out == "true" || out == "false")
    out += "_";  // reserved
  return out;
}

namespace {

// How many `and`/`or` operators and how deep a nesting of them and `not`s the condition has as
// Pipe text (n-ary And/Or are written `a and b and c`).
void CountCondition(const ir::Condition& c, size_t depth, size_t& ops, size_t& max_depth) {
  using Op = ir::Condition::Op;
  if (c.op != Op::And && c.op != Op::Or && c.op != Op::Not) return;
  max_depth = std::max(max_depth, depth + 1);
  if (c.op != Op::Not && !c.args.empty()) ops += c.args.size() - 1;
  for (const ir::Condition& a : c.args) CountCondition(a, depth + 1, ops, max_depth);
}

// Why the condition cannot be written as Pipe (its parser refuses more than kMaxNesting
// operators or levels: a GitLab `only:` of 300 branches); nullopt when it can.
std::optional<std::string> OverPipeLimits(const ir::Condition& c) {
  size_t ops = 0, depth = 0;
  CountCondition(c, 0, ops, depth);
  const auto limit = static_cast<size_t>(syntax::kMaxNesting);
  if (ops > limit)
    return fmt::format("it would be a condition of {} `and`/`or` operators; Pipe reads at most {}",
                       ops, limit);
  if (depth > limit)
    return fmt::format("it would nest {} levels deep; Pipe reads at most {}", depth, limit);
  return std::nullopt;
}


// Text from the YAML (names, paths, keys) inside a `#` comment: a line break would end the
// comment and turn the rest into Pipe (`a\rb:` as a job key made `# a` and a stray `b`).
std::string CommentText(std::string_view text) {
  std::string out;
  for (char c : text)
    out += c == '\r' ? std::string("\\r") : c == '\n' ? std::string("\\n") : std::string(1, c);
  return out;
}

}  // namespace

std::string PipeString(std::string_view text) {
  // `${{` of the vendor's own expressions must stay literal: only "..." strings can escape it.
  bool vendor_expr = text.find("${{") != std::string_view::npos;
  // (A `"""` block drops carriage returns: text with one is written with `\r` escapes.)
  if (text.find('\n') != std::string_view::npos && text.find("\"\"\"") == std::string_view::npos &&
      text.find('\r') == std::string_view::npos && !vendor_expr) {
    std::string body(text);
    size_t trailing = 0;  // kept as empty lines before the closing quotes
    while (!body.empty() && body.back() == '\n') {
      body.pop_back();
      ++trailing;
    }
    std::string out = "\"\"\"\n";
    size_t start = 0;
    while (start <= body.size()) {
      size_t end = body.find('\n', start);
      if (end == std::string::npos) end = body.size();
      out += "    " + body.substr(start, end - start) + "\n";
      start = end + 1;
    }
    return out + std::string(trailing, '\n') + "  \"\"\"";
  }
  return ir::QuotedPipeString(text);
}

namespace {

std::string Duration(int64_t seconds) {
  if (seconds <= 0) return "0s";
  if (seconds % (7 * 86400) == 0) return fmt::format("{}w", seconds / (7 * 86400));
  if (seconds % 86400 == 0) return fmt::format("{}d", seconds / 86400);
  if (seconds % 3600 == 0) return fmt::format("{}h", seconds / 3600);
  if (seconds % 60 == 0) return fmt::format("{}m", seconds / 60);
  return fmt::format("{}s", seconds);
}

std::string StringList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + PipeString(v[i]);
  return out + "]";
}

// JSON as a raw block value: objects, arrays, strings, non-negative numbers, booleans.
// Pipe has no null or negative literal: those become strings.
std::string RawValue(const nlohmann::json& j, int indent) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  if (j.is_object()) {
    if (j.empty()) return "{}";
    std::string out = "{\n";
    for (const auto& [k, v] : j.items())
      out += pad + "  " + PipeString(k) + ": " + RawValue(v, indent + 1) + ",\n";
    return out + pad + "}";
  }
  if (j.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + RawValue(j[i], indent);
    return out + "]";
  }
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0))
    return std::to_string(j.get<int64_t>());
  if (j.is_number_float() && j.get<double>() >= 0) {
    std::string s = j.dump();
    if (s.find_first_not_of("0123456789.") == std::string::npos && s.find('.') != std::string::npos)
      return s;
    return PipeString(s);
  }
  if (j.is_string()) return PipeString(j.get<std::string>());
  return PipeString(j.dump());
}

std::string OutKind(ir::OutputKind k) {
  switch (k) {
    case ir::OutputKind::Dir:
      return "dir";
    case ir::OutputKind::Junit:
      return "junit";
    case ir::OutputKind::Dotenv:
      return "dotenv";
    case ir::OutputKind::Codequality:
      return "codequality";
    case ir::OutputKind::Coverage:
      return "coverage";
    default:
      return "file";
  }
}

std::string StepText(const ir::Step& s) {
  std::string out;
  for (const ir::TextPart& part : s.script.parts) out += part.text;
  return out;
}

// The items of one job, template or `default` block as Pipe lines, grouped the way Pipe combines
// layers (docs/language.md, Templates): single-valued items (the highest layer wins), `run`
// (the highest layer with any replaces the rest), `env` and `raw` (by key), `needs` (accumulate),
// `in` and `out` (accumulate; the same name replaces).
struct Body {
  std::vector<std::string> comments;          // shown first, not compared
  std::map<std::string, std::string> single;  // item -> its line: "stage" -> "stage build"
  std::vector<std::string> needs;             // Pipe job names
  std::vector<std::pair<std::string, std::string>> ins;   // local name -> line
  std::vector<std::pair<std::string, std::string>> env;   // name -> value as written
  std::vector<std::string> runs;                          // lines
  std::vector<std::pair<std::string, std::string>> outs;  // output name -> line
  nlohmann::json raw = nlohmann::json::object();
  bool allow_failure = false;
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs Sorted(Pairs v) {
  std::sort(v.begin(), v.end());
  return v;
}

bool SameItems(const Body& a, const Body& b) {
  std::vector<std::string> na = a.needs, nb = b.needs;
  std::sort(na.begin(), na.end());
  std::sort(nb.begin(), nb.end());
  return a.single == b.single && na == nb && Sorted(a.ins) == Sorted(b.ins) &&
         Sorted(a.env) == Sorted(b.env) && a.runs == b.runs && Sorted(a.outs) == Sorted(b.outs) &&
         a.raw == b.raw && a.allow_failure == b.allow_failure;
}

// by-name lists: `over` replaces entries of the same name, adds the others
void MergeNamed(Pairs& into, const Pairs& over) {
  for (const auto& kv : over) {
    const auto& k = kv.first;  // not a structured binding: the lambda captures it (clang 14)
    const auto& v = kv.second;
    auto it = std::find_if(into.begin(), into.end(), [&](const auto& e) { return e.first == k; });
    if (it != into.end())
      it->second = v;
    else
      into.emplace_back(k, v);
  }
}

// `over` written on top of `base`, as Pipe combines a template with what uses it.
Body Merge(const Body& base, const Body& over) {
  Body out = base;
  out.comments = over.comments;
  for (const auto& [k, v] : over.single) out.single[k] = v;
  out.needs.insert(out.needs.end(), over.needs.begin(), over.needs.end());
  MergeNamed(out.ins, over.ins);
  MergeNamed(out.env, over.env);
  if (!over.runs.empty()) out.runs = over.runs;
  MergeNamed(out.outs, over.outs);
  for (const auto& [k, v] : over.raw.items()) out.raw[k] = v;
  out.allow_failure = base.allow_failure || over.allow_failure;
  return out;
}

// What to write on top of `base` so that Pipe gives `target`; nullopt (and why) when Pipe
// cannot remove what `base` has and `target` lacks.
std::optional<Body> Diff(const Body& target, const Body& base, std::string& why) {
  Body d;
  d.comments = target.comments;
  for (const auto& [k, v] : base.single)
    if (!target.single.contains(k)) {
      why = fmt::format("it has no `{}`", k);
      return std::nullopt;
    }
  for (const auto& [k, v] : target.single)
    if (!base.single.contains(k) || base.single.at(k) != v) d.single[k] = v;
  std::vector<std::string> rest = target.needs;
  for (const std::string& n : base.needs) {
    auto it = std::find(rest.begin(), rest.end(), n);
    if (it == rest.end()) {
      why = fmt::format("it does not need {} (GitLab replaces `needs` lists)", n);
      return std::nullopt;
    }
    rest.erase(it);
  }
  d.needs = rest;
  auto named = [&](const Pairs& t, const Pairs& b, Pairs& into, std::string_view what) {
    for (const auto& kv : b) {
      const auto& k = kv.first;  // not a structured binding: the lambda captures it (clang 14)
      const auto& v = kv.second;
      if (std::none_of(t.begin(), t.end(), [&](const auto& e) { return e.first == k; })) {
        why = fmt::format(
            "it lacks {} `{}` of the template (GitLab replaces lists; Pipe adds to them)", what,
            what == "an env value" ? k : v);
        return false;
      }
    }
    for (const auto& e : t)
      if (std::find(b.begin(), b.end(), e) == b.end()) into.push_back(e);
    return true;
  };
  if (!named(target.ins, base.ins, d.ins, "the input") ||
      !named(target.env, base.env, d.env, "an env value") ||
      !named(target.outs, base.outs, d.outs, "the output"))
    return std::nullopt;
  if (target.runs != base.runs) {
    if (target.runs.empty()) {
      why = "it runs no script";
      return std::nullopt;
    }
    d.runs = target.runs;
  }
  for (const auto& [k, v] : base.raw.items())
    if (!target.raw.contains(k)) {
      why = fmt::format("it has no `{}`", k);
      return std::nullopt;
    }
  for (const auto& [k, v] : target.raw.items())
    if (!base.raw.contains(k) || base.raw[k] != v) d.raw[k] = v;
  if (base.allow_failure && !target.allow_failure) {
    why = "it does not allow failure";
    return std::nullopt;
  }
  d.allow_failure = target.allow_failure && !base.allow_failure;
  if (!SameItems(Merge(base, d), target)) {  // the rules above are exact; this keeps them honest
    why = "the merge differs";
    return std::nullopt;
  }
  return d;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string CleanPath(std::string p) {
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p.empty() ? "." : p;
}

// Whether Pipe can say a GitHub job's steps: `run`s (a display name is dropped), a first
// `actions/checkout` (the emitter writes one), and the upload/download-artifact steps the reader
// made outputs and inputs of (static names, no other `with:`).
bool PlainGitHubSteps(const ir::Job& j) {
  auto only = [](const ir::Step& s, std::initializer_list<std::string_view> keys) {
    return std::all_of(s.with.begin(), s.with.end(), [&](const auto& kv) {
      return std::find(keys.begin(), keys.end(), kv.first) != keys.end();
    });
  };
  auto with = [](const ir::Step& s, const std::string& k, std::string dflt) {
    auto it = s.with.find(k);
    return it == s.with.end() ? dflt : it->second;
  };
  if (j.raw_github.contains("steps")) return false;  // kept verbatim by the reader (parallel steps)
  for (size_t i = 0; i < j.steps.size(); ++i) {
    const ir::Step& s = j.steps[i];
    if (!s.id.empty() || !s.condition.empty() || !s.env.empty() || !s.shell.empty()) return false;
    if (s.kind == ir::Step::Kind::Run) continue;
    std::string action = Lower(s.uses.substr(0, s.uses.find('@')));
    if (action == "actions/checkout" && i == 0 && s.with.empty()) continue;
    std::string name = with(s, "name", "artifact");
    if (name.find("${{") != std::string::npos) return false;
    if (action == "actions/upload-artifact" && only(s, {"name", "path", "retention-days"}) &&
        std::any_of(j.outputs.begin(), j.outputs.end(), [&](const ir::Output& o) {
          return o.name == name && !ir::IsValueOutput(o.kind) &&
                 o.path.find("${{") == std::string::npos;
        }))
      continue;
    if (action == "actions/download-artifact" && only(s, {"name", "path"}) &&
        std::any_of(j.inputs.begin(), j.inputs.end(),
                    [&](const ir::InputRef& in) { return in.output == name && !in.job.empty(); }))
      continue;
    return false;
  }
  return true;
}

// How much a block writes (to pick the template that leaves a job the least to say).
size_t Size(const Body& b) {
  return b.single.size() + b.needs.size() + b.ins.size() + b.env.size() + b.runs.size() +
         b.outs.size() + b.raw.size() + (b.allow_failure ? 1 : 0);
}

class Writer {
 public:
  Writer(const ir::Pipeline& p, const PipeWriteOptions& o) : p_(p), o_(o) {}

  std::string Run() {
    bool gitlab = p_.origin == ir::Origin::GitLab;
    gitlab_ = gitlab;
    if (gitlab) PlanValueSecrets();
    raw_kw_ = gitlab ? "gitlab" : "github";
    // Names: unique Pipe names for vendor job names (GitLab allows "build:linux", spaces...).
    std::set<std::string> used;
    for (const ir::Job& j : p_.jobs) by_name_[j.name] = &j;
    PlanPlainJobs();
    for (const ir::Job& j : p_.jobs) {
      std::string n = PipeName(j.name);
      while (used.contains(n)) n += "_";
      used.insert(n);
      names_[j.name] = n;
    }
    std::string body;
    Triggers(body);
    Stages(body);
    PlanDefaults();
    Globals(body);
    PlanTemplates();
    // Jobs first decide which templates they use; the templates are written before them (and
    // rendered first, so the header lists raw keys in file order).
    std::vector<Written> jobs;
    for (const ir::Job& j : p_.jobs)
      if (!j.hidden) jobs.push_back(Job(j));
    body += WrittenTemplates();
    for (const Written& w : jobs) body += w.open + Render(w.body, w.what) + "}\n\n";
    std::string head = fmt::format("# Imported from {} by `pipec import`.\n", CommentText(o_.source_name));
    if (!raw_notes_.empty()) {
      head += fmt::format("# Kept verbatim in `raw {} {{ }}` (Pipe has no construct for them):\n",
                          raw_kw_);
      for (const std::string& n : raw_notes_) head += "#   " + CommentText(n) + "\n";
    }
    if (!expanded_notes_.empty()) {
      head +=
          "# Written in full, not as a use of a template (Pipe's template rules cannot say how "
          "GitLab merges them):\n";
      for (const std::string& n : expanded_notes_) head += "#   " + CommentText(n) + "\n";
    }
    for (const std::string& n : notes_) head += "# " + CommentText(n) + "\n";
    std::string name = PipeName(p_.name);
    return head + fmt::format("pipeline {} version 1\n\n", name) + body;
  }

 private:
  struct Planned {
    const ImportTemplate* source = nullptr;
    std::string name;            // Pipe name
    std::optional<size_t> base;  // index into planned_
    Body own;                    // what the template writes
    Body expanded;               // with its bases
    bool written = false;
  };

  void Triggers(std::string& all) {
    std::set<std::string> written;  // GitHub pull_request and pull_request_target are one trigger
    for (const ir::Trigger& t : p_.triggers) {
      std::string out;
      switch (t.kind) {
        case ir::TriggerKind::Push:
          out += "on push";
          if (!t.branches.empty()) out += " branches " + StringList(t.branches);
          if (!t.paths.empty()) out += " paths " + StringList(t.paths);
          out += "\n";
          break;
        case ir::TriggerKind::MergeRequest:
          out += "on merge_request";
          if (!t.targets.empty()) out += " targets " + StringList(t.targets);
          out += "\n";
          break;
        case ir::TriggerKind::Tag:
          out += "on tag " + PipeString(t.tag_pattern.empty() ? "*" : t.tag_pattern) + "\n";
          break;
        case ir::TriggerKind::Schedule:
          if (t.cron.empty()) {
            // GitLab keeps schedules in the project settings: this one stands for all of them.
            out += fmt::format("on schedule {}\n", PipeName(t.name));
            break;
          }
          out += fmt::format("on schedule {} cron {}\n", PipeName(t.name), PipeString(t.cron));
          break;
        case ir::TriggerKind::Manual:
          out += "on manual\n";
          break;
        case ir::TriggerKind::Webhook:
          out += fmt::format("on webhook {}\n", PipeName(t.name));
          break;
      }
      if (!out.empty() && written.insert(out).second) all += out;
    }
    all += "\n";
  }

  void Stages(std::string& out) {
    // GitLab's `.pre` and `.post` are always first and last; Pipe has no such names, so they are
    // written (as `_pre` / `_post`, in place) only when a job uses them.
    std::set<std::string> used;
    for (const ir::Job& j : p_.jobs)
      if (!j.hidden) used.insert(j.stage);
    std::vector<std::string> stages;
    for (const std::string& s : p_.stages)
      if ((s != ".pre" && s != ".post") || used.contains(s)) stages.push_back(PipeName(s));
    if (!stages.empty()) {
      out += "stages ";
      for (size_t i = 0; i < stages.size(); ++i) out += (i ? ", " : "") + stages[i];
      out += "\n\n";
    }
  }

  // GitLab `default:` keys Pipe's `default` can hold, kept only where every job has them (a job
  // with `inherit: default: false` lacks them, and Pipe's `default` cannot be opted out of).
  void PlanDefaults() {
    if (p_.origin == ir::Origin::GitHub) {
      // The workflow's `env:` (every job has it, the reader copies it in) goes to `default`.
      bool first = true;
      for (const ir::Job& j : p_.jobs) {
        Pairs env;
        for (const ir::EnvVar& e : j.env)
          if (e.secret.empty()) env.emplace_back(PipeName(e.name), PipeString(Text(e.value)));
        if (first) defaults_.env = env;
        std::erase_if(defaults_.env, [&](const auto& e) {
          return std::find(env.begin(), env.end(), e) == env.end();
        });
        first = false;
      }
      return;
    }
    if (!o_.templates || !o_.templates->defaults) return;
    Body all = Make(*o_.templates->defaults, "default");
    for (const char* k : {"image", "services", "runner", "timeout", "retry"})
      if (all.single.contains(k)) defaults_.single[k] = all.single[k];
    for (const auto& [k, v] : all.raw.items())
      if (k != "after_script" && k != "outputs") defaults_.raw[k] = v;
    for (const ir::Job& j : p_.jobs) {
      if (j.hidden) continue;
      Body b = Make(j, "");
      std::erase_if(defaults_.single, [&](const auto& e) { return !b.single.contains(e.first); });
      for (auto it = defaults_.raw.begin(); it != defaults_.raw.end();)
        it = b.raw.contains(it.key()) ? std::next(it) : defaults_.raw.erase(it);
    }
  }

  void Globals(std::string& out) {
    for (const ir::Secret& s : p_.secrets) {
      out += "secret " + PipeName(s.name);
      if (s.masked) out += " masked";
      if (s.protected_) out += " protected";
      out += "  # " + CommentText(s.origin) + "\n";
    }
    for (const auto& [name, origin] : value_secrets_)
      out += "secret " + PipeName(name) + "  # " + CommentText(origin) + "\n";
    if (!p_.secrets.empty() || !value_secrets_.empty()) out += "\n";
    bool github = p_.origin == ir::Origin::GitHub;
    if (!p_.variables.empty() || !defaults_.single.empty() || !defaults_.raw.empty() || github) {
      // GitLab's global variables are environment variables of every job.
      Body d = defaults_;
      for (const ir::Variable& v : p_.variables) {
        if (!gitlab_) {
          d.env.emplace_back(PipeName(v.name), PipeString(v.value.string_value));
          continue;
        }
        LoweredValue lv = LowerGitLabValue(v.name, v.value.string_value, defined_vars_);
        if (lv.kind == LoweredValue::Kind::Export) continue;  // top-level raw `variables:`, below
        d.env.emplace_back(PipeName(v.name), lv.kind == LoweredValue::Kind::Secret ? PipeName(lv.text) : lv.text);
      }
      if (!defaults_.single.empty() || !defaults_.raw.empty())
        d.comments.push_back("# from GitLab `default:`");
      if (github) d.single["shell"] = "shell \"bash\"";  // what GitHub runs `run:` steps with
      out += "default {\n" + Render(d, "default") + "}\n\n";
    }
    nlohmann::json global_raw = gitlab_ ? p_.raw_gitlab : p_.raw_github;
    if (gitlab_)
      for (const ir::Variable& v : p_.variables)
        if (LowerGitLabValue(v.name, v.value.string_value, defined_vars_).kind == LoweredValue::Kind::Export)
          global_raw["variables"][v.name] = v.value.string_value;  // GitLab expands it for every job
    if (!gitlab_ && o_.github_on_from_triggers) global_raw.erase("on");
    if (!global_raw.empty()) {
      nlohmann::json raw = global_raw;
      // Pipe has no null: an event without settings (`pull_request:`) is the same as `{}`.
      if (raw.contains("on") && raw["on"].is_object())
        for (auto& [k, v] : raw["on"].items())
          if (v.is_null()) v = nlohmann::json::object();
      std::vector<std::string> keys;
      for (const auto& [k, v] : raw.items()) keys.push_back(k);
      raw_notes_.push_back("top level: " + Join(keys));
      out += fmt::format("raw {} {}\n\n", raw_kw_, RawValue(raw, 0));
    }
  }

  // Each template on the first of its bases Pipe can build it on, else on none.
  void PlanTemplates() {
    if (!o_.templates) return;
    std::set<std::string> taken;
    for (const ImportTemplate& t : o_.templates->templates) {
      Planned pl;
      pl.source = &t;
      pl.name = PipeName(t.job.base_name);
      while (taken.contains(pl.name)) pl.name += "_";
      taken.insert(pl.name);
      Body target = Make(t.job, "template " + pl.name);
      target.comments.clear();
      std::string why;
      for (const std::string& b : t.bases) {
        auto it = planned_index_.find(b);
        if (it == planned_index_.end() || Size(planned_[it->second].expanded) == 0) continue;
        std::string reason;
        std::optional<Body> d = Diff(target, planned_[it->second].expanded, reason);
        if (!d && why.empty()) why = fmt::format("not built on {}: {}", Shown(b), reason);
        if (d && (!pl.base || Size(*d) < Size(pl.own))) {
          pl.base = it->second;
          pl.own = *d;
        }
      }
      if (!pl.base) {
        pl.own = target;
        if (!why.empty())
          expanded_notes_.push_back(fmt::format("template {} ({}): {}", pl.name, t.origin, why));
      }
      pl.expanded = target;
      planned_index_[t.key] = planned_.size();
      planned_.push_back(std::move(pl));
    }
    // A hidden job nothing extends or merges is GitLab's way of switching a job off: it stays,
    // as a template no job uses. (Templates of used ones are written when a job uses them.)
    std::set<std::string> has_users;
    for (const auto& [job, bases] : o_.templates->job_bases)
      has_users.insert(bases.begin(), bases.end());
    for (const ImportTemplate& t : o_.templates->templates)
      has_users.insert(t.bases.begin(), t.bases.end());
    for (size_t i = 0; i < planned_.size(); ++i) {
      const std::string& key = planned_[i].source->key;
      bool hidden = !key.empty() && key[0] == '.' && key.find('\x1e') == std::string::npos;
      if (hidden && !has_users.contains(key) && Size(planned_[i].expanded) > 0) MarkWritten(i);
    }
  }

  void MarkWritten(size_t i) {
    for (std::optional<size_t> at = i; at && !planned_[*at].written; at = planned_[*at].base)
      planned_[*at].written = true;
  }

  static std::string Shown(const std::string& key) {
    std::string out = key;
    std::replace(out.begin(), out.end(), '\x1e', '+');
    return out;
  }

  std::string WrittenTemplates() {
    std::string out;
    for (const Planned& pl : planned_) {
      if (!pl.written) continue;
      out += fmt::format("# From {}.\n", CommentText(pl.source->origin));
      out += fmt::format("template {}()", pl.name);
      if (pl.base) out += fmt::format(" : {}()", planned_[*pl.base].name);
      out += " {\n" + Render(pl.own, "template " + pl.name) + "}\n\n";
    }
    return out;
  }

  static std::string Join(const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out;
  }

  struct Written {
    std::string open;  // "job x : t() {\n"
    std::string what;  // "job x", for the notes
    Body body;
  };

  Written Job(const ir::Job& j) {
    const std::string& name = names_[j.name];
    Body target = Make(j, "job " + name);
    // On a template when Pipe's rules give the same job; else in full (on `default` only).
    std::string why;
    if (o_.templates) {
      auto bases = o_.templates->job_bases.find(j.base_name.empty() ? j.name : j.base_name);
      if (bases != o_.templates->job_bases.end()) {
        std::optional<size_t> best;
        Body own;
        for (const std::string& b : bases->second) {
          auto it = planned_index_.find(b);
          if (it == planned_index_.end() || Size(planned_[it->second].expanded) == 0) continue;
          std::string reason;
          std::optional<Body> d =
              Diff(target, Merge(defaults_, planned_[it->second].expanded), reason);
          if (!d && why.empty()) why = fmt::format("on {}: {}", Shown(b), reason);
          if (d && (!best || Size(*d) < Size(own))) {
            best = it->second;
            own = *d;
          }
        }
        if (best) {
          MarkWritten(*best);
          return {fmt::format("job {} : {}() {{\n", name, planned_[*best].name), "job " + name,
                  own};
        }
        if (!why.empty()) expanded_notes_.push_back(fmt::format("job {} ({})", name, why));
      }
    }
    std::string ignored;  // `defaults_` holds only what every job has
    std::optional<Body> d = Diff(target, defaults_, ignored);
    std::string open = fmt::format("job {} {{\n", name);
    bool actions_only = p_.origin == ir::Origin::GitHub && !j.trigger && !j.steps.empty() &&
                        std::none_of(j.steps.begin(), j.steps.end(), [](const ir::Step& st) {
                          return st.kind == ir::Step::Kind::Run;
                        });
    if (actions_only)  // it runs its actions on GitHub; Pipe has no script to give it
      open = "# pipec: ignore[empty-script] its steps only call GitHub actions\n" + open;
    return {open, "job " + name, d ? *d : target};
  }

  // `when trigger in [...]` for a job whose vendor conditions (kept raw: GitLab rules/only/
  // except, GitHub `if:`) certainly leave out some of the pipeline's triggers, so that `pipec
  // check` and the other vendor's emitter know it too. The raw conditions still decide on
  // their own vendor (the emitters write no trigger conditions beside them).
  // The pipeline's triggers the Pipe file declares.
  std::vector<ir::Trigger> WrittenTriggers() const { return p_.triggers; }

  // `schedule.nightly` for the trigger id `schedule:nightly`.
  static std::string TriggerRef(const std::string& id) {
    size_t colon = id.find(':');
    return colon == std::string::npos ? id : id.substr(0, colon) + "." + PipeName(id.substr(colon + 1));
  }

  std::string TriggerWhen(const ir::Job& j) {
    bool raw_condition = p_.origin == ir::Origin::GitLab
                             ? j.raw_gitlab.contains("rules") || j.raw_gitlab.contains("only") ||
                                   j.raw_gitlab.contains("except")
                             : j.raw_github.contains("if");
    // A GitLab job without rules is still not in every pipeline: GitLab's default is
    // `only: [branches, tags]` (no merge request pipelines) unless `workflow:rules` exist.
    bool gitlab_default = p_.origin == ir::Origin::GitLab && !raw_condition;
    if ((!raw_condition && !gitlab_default) || j.active_triggers.empty()) return "";
    std::vector<std::string> refs;
    std::set<std::string> seen;
    bool left_out = false;
    for (const ir::Trigger& t : p_.triggers) {
      std::string id = t.Id();
      if (!seen.insert(id).second) continue;
      if (!std::binary_search(j.active_triggers.begin(), j.active_triggers.end(), id)) {
        left_out = true;
        continue;
      }
      refs.push_back(TriggerRef(id));
    }
    if (!left_out || refs.empty()) return "";
    if (refs.size() == 1) return "when trigger is " + refs[0];
    std::string list;
    for (const std::string& r : refs) list += (list.empty() ? "" : ", ") + r;
    return "when trigger in [" + list + "]";
  }

  // The job's items; `what` names it in the notes ("" = no notes).
  Body Make(const ir::Job& j, const std::string& what) {
    Body b;
    std::string name = names_.contains(j.name) ? names_[j.name] : PipeName(j.name);
    if (!what.empty() && what.rfind("job ", 0) == 0 && name != j.name)
      b.comments.push_back(fmt::format("# {} in the original", CommentText(j.name)));
    if (!j.stage.empty()) b.single["stage"] = "stage " + PipeName(j.stage);
    // Artifact needs whose producer declares files become data edges (`in`); the rest `needs`.
    for (const ir::Need& n : j.needs) {
      const ir::Job* prod = by_name_.contains(n.job) ? by_name_[n.job] : nullptr;
      bool data = false;
      if (prod && n.artifacts)
        for (const ir::Output& o : prod->outputs)
          if (!ir::IsValueOutput(o.kind) && !ir::IsReportOutput(o.kind)) {
            std::string local = fmt::format("{}_{}", Named(n.job), PipeName(o.name));
            b.ins.emplace_back(local,
                               fmt::format("in {} = {}.{}", local, Named(n.job), PipeName(o.name)));
            data = true;
          }
      if (!data) b.needs.push_back((n.optional ? "optional " : "") + Named(n.job));
    }
    for (const ir::InputRef& in : j.inputs)
      if (!in.job.empty()) {
        std::string line =
            fmt::format("in {} = {}.{}", PipeName(in.name), Named(in.job), PipeName(in.output));
        if (std::string at = RestoredAt(in); !at.empty()) line += " at " + PipeString(at);
        b.ins.emplace_back(PipeName(in.name), line);
        std::erase(b.needs, Named(in.job));  // `in` implies the need
      }
    if (j.run_when == ir::RunWhen::Always) b.single["when"] = "when always";
    if (j.run_when == ir::RunWhen::OnFailure) b.single["when"] = "when on_failure";
    if (std::string w = TriggerWhen(j); !w.empty()) b.single["when_trigger"] = w;
    if (!j.image.parts.empty()) b.single["image"] = "image " + PipeString(Text(j.image));
    if (!j.services.empty()) b.single["services"] = "services " + StringList(j.services);
    if (!j.runner.empty()) b.single["runner"] = "runner " + StringList(j.runner);
    std::set<std::string> seen;
    std::vector<std::string> exports;  // GitLab values Pipe's `env` cannot carry
    for (const ir::EnvVar& e : j.env) {
      if (!seen.insert(e.name).second) continue;
      if (!e.secret.empty()) {
        b.env.emplace_back(PipeName(e.name), PipeName(e.secret));
        continue;
      }
      if (p_.origin != ir::Origin::GitLab) {
        b.env.emplace_back(PipeName(e.name), PipeString(Text(e.value)));
        continue;
      }
      LoweredValue v = LowerGitLabValue(e.name, Text(e.value), defined_vars_);
      if (v.kind == LoweredValue::Kind::Export)
        exports.push_back("export " + e.name + "=" + v.text);
      else
        b.env.emplace_back(PipeName(e.name), v.kind == LoweredValue::Kind::Secret ? PipeName(v.text) : v.text);
    }
    nlohmann::json raw = p_.origin == ir::Origin::GitLab ? j.raw_gitlab : j.raw_github;
    raw.erase("extends");
    bool github = p_.origin == ir::Origin::GitHub;
    if (!github && raw.contains("rules") && !raw.contains("only") && !raw.contains("except")) {
      // GitLab rules Pipe can say exactly become `when`; the others stay verbatim.
      std::string why;
      std::optional<ir::Condition> c =
          GitLabRulesToCondition(raw["rules"], WrittenTriggers(), j.active_triggers, &why);
      if (c) {
        if (std::optional<std::string> over = OverPipeLimits(*c)) {
          why = *over;
          c.reset();
        }
      }
      if (c) {
        b.single["when_trigger"] =
            "when " + ir::ConditionText(*c, [&](const std::string& id) { return TriggerRef(id); });
        raw.erase("rules");
      } else if (!what.empty()) {
        notes_.push_back(fmt::format("{}: rules kept verbatim: {}", what, why));
      }
    } else if (!github && !raw.contains("rules") && (raw.contains("only") || raw.contains("except"))) {
      // The older `only:`/`except:` the same way.
      std::string why;
      const nlohmann::json* only = raw.contains("only") ? &raw["only"] : nullptr;
      const nlohmann::json* except = raw.contains("except") ? &raw["except"] : nullptr;
      std::optional<ir::Condition> c =
          GitLabOnlyExceptToCondition(only, except, WrittenTriggers(), j.active_triggers, &why);
      if (c) {
        if (std::optional<std::string> over = OverPipeLimits(*c)) {
          why = *over;
          c.reset();
        }
      }
      if (c) {
        b.single["when_trigger"] =
            "when " + ir::ConditionText(*c, [&](const std::string& id) { return TriggerRef(id); });
        raw.erase("only");
        raw.erase("except");
      } else if (!what.empty()) {
        notes_.push_back(fmt::format("{}: only/except kept verbatim: {}", what, why));
      }
    }
    if (github && !plain_.contains(j.name)) {
      // Steps Pipe cannot say (actions, step ids, conditions, env): the whole step list stays
      // raw, in order, for GitHub; the `run`s below are the job's scripts for other targets.
      nlohmann::json steps = nlohmann::json::array();
      for (const ir::Step& s : j.steps) {
        nlohmann::json st = nlohmann::json::object();
        if (!s.name.empty()) st["name"] = s.name;
        if (!s.id.empty()) st["id"] = s.id;
        if (!s.condition.empty()) st["if"] = s.condition;
        if (s.kind == ir::Step::Kind::Uses) {
          st["uses"] = s.uses;
          if (!s.with.empty()) st["with"] = s.with;
        } else {
          if (!s.shell.empty()) st["shell"] = s.shell;
          st["run"] = StepText(s);
        }
        for (const auto& [k, v] : s.env) {
          std::string value = Text(v);
          for (const ir::EnvVar& e : j.env)
            if (e.name == k && !e.secret.empty()) value = "${{ secrets." + e.secret + " }}";
          st["env"][k] = value;
        }
        steps.push_back(st);
      }
      if (!raw.contains("steps")) raw["steps"] = steps;  // else as written (parallel steps)
      if (!what.empty())
        notes_.push_back(
            fmt::format("{}: calls actions or uses step ids, conditions or env: its steps are kept "
                        "verbatim for GitHub; its `run`s are its scripts for other targets",
                        what));
    }
    // (Only for a job whose steps Pipe says: the emitter folds a matrix back into one job with
    // strategy.matrix then; a job with verbatim steps would be expanded into one job per cell.)
    std::set<std::string> matrix_keys;
    if (github && plain_.contains(j.name)) matrix_keys = MatrixFromStrategy(raw, b);
    for (const char* k : {"runner", "image", "services"})
      if (auto it = b.single.find(k); it != b.single.end()) it->second = WithMatrixReads(it->second, matrix_keys);
    for (auto& [k, v] : b.env) v = WithMatrixReads(v, matrix_keys);
    for (const ir::Step& s : j.steps) {
      if (s.kind == ir::Step::Kind::Uses) continue;
      if (s.name == "after_script" && p_.origin == ir::Origin::GitLab) {
        raw["after_script"].push_back(StepText(s));
        continue;
      }
      b.runs.push_back("run " + WithMatrixReads(PipeString(StepText(s)), matrix_keys));
    }
    // GitLab expands references in variables when the job starts; the job's shell does here.
    // A trigger job runs no script: its variables (passed on to the pipeline it starts) stay
    // GitLab's, all of them, since a raw `variables` replaces the generated one.
    if (j.trigger && !exports.empty()) {
      b.env.clear();
      for (const ir::EnvVar& e : j.env)
        raw["variables"][e.name] = e.secret.empty() ? Text(e.value) : "$" + e.secret;
      exports.clear();
    }
    for (size_t i = 0; i < exports.size(); ++i)
      b.runs.insert(b.runs.begin() + static_cast<std::ptrdiff_t>(i), "run " + PipeString(exports[i]));
    for (const ir::Output& o : j.outputs) {
      if (ir::IsValueOutput(o.kind)) {
        raw["outputs"][o.name] = o.path;
        continue;
      }
      std::string line =
          fmt::format("out {}: {} {}", PipeName(o.name), OutKind(o.kind), PipeString(o.path));
      if (o.expire_seconds) line += " expire " + Duration(*o.expire_seconds);
      if (o.publish) line += " publish";
      b.outs.emplace_back(PipeName(o.name), line);
    }
    if (j.environment) {
      std::string line = "environment " + PipeName(j.environment->name);
      if (!j.environment->url.empty()) line += " { url " + PipeString(j.environment->url) + " }";
      b.single["environment"] = line;
    }
    if (j.timeout_seconds) b.single["timeout"] = "timeout " + Duration(*j.timeout_seconds);
    if (j.retry > 0) b.single["retry"] = fmt::format("retry {}", j.retry);
    b.allow_failure = j.allow_failure;
    if (j.trigger) {
      std::string line;
      if (j.trigger->kind == ir::TriggerJob::Kind::Project) {
        line = "trigger project " + PipeString(j.trigger->target);
        if (!j.trigger->branch.empty()) line += " branch " + PipeString(j.trigger->branch);
      } else {
        line = "trigger pipeline " + PipeString(j.trigger->target);
      }
      b.single["trigger"] = line;
      raw.erase("trigger");
      raw.erase("uses");
    }
    b.raw = raw;
    return b;
  }

  // A GitHub `strategy:` that is only a `matrix:` of scalar lists (no include/exclude, no
  // expressions, keys that are Pipe names) becomes Pipe's `matrix { k: [..] }`, which the GitHub
  // emitter folds back into strategy.matrix; anything else stays raw. Returns the keys.
  static std::set<std::string> MatrixFromStrategy(nlohmann::json& raw, Body& b) {
    if (!raw.contains("strategy")) return {};
    const nlohmann::json& st = raw["strategy"];
    if (!st.is_object() || st.size() != 1 || !st.contains("matrix") || !st["matrix"].is_object() || st["matrix"].empty())
      return {};
    std::set<std::string> keys;
    std::vector<std::string> parts;
    for (const auto& [k, v] : st["matrix"].items()) {
      if (k == "include" || k == "exclude" || PipeName(k) != k || !v.is_array() || v.empty()) return {};
      std::vector<std::string> values;
      for (const auto& x : v) {
        std::string text;
        if (x.is_string()) text = x.get<std::string>();
        else if (x.is_number() || x.is_boolean()) text = x.dump();
        else return {};
        if (text.find("${{") != std::string::npos) return {};
        values.push_back(PipeString(text));
      }
      keys.insert(k);
      parts.push_back(fmt::format("{}: [{}]", k, fmt::join(values, ", ")));
    }
    b.single["matrix"] = fmt::format("matrix {{ {} }}", fmt::join(parts, ", "));
    raw.erase("strategy");
    return keys;
  }

  // A written Pipe string with the matrix reads (`\${{ matrix.k }}`, escaped by PipeString as
  // a vendor expression) turned back into Pipe interpolations of the job's matrix.
  static std::string WithMatrixReads(std::string text, const std::set<std::string>& keys) {
    if (keys.empty()) return text;
    static const std::unique_ptr<const RE2> kRead =
        support::FixedRegex(R"(\\\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\})");
    std::string out;
    size_t last = 0;
    support::ForEachMatch(*kRead, text, [&](const support::RegexGroups& m) {
      size_t at = support::OffsetIn(text, m[0]);
      out.append(text, last, at - last);
      const std::string key(m[1]);
      out += keys.contains(key) ? "${{ matrix." + key + " }}" : std::string(m[0]);
      last = at + m[0].size();
    });
    return out + text.substr(last);
  }

  // The block's lines (indented by two); `what` names it in the raw-keys note.
  std::string Render(const Body& b, const std::string& what) {
    std::string out;
    auto line = [&](const std::string& l) { out += "  " + l + "\n"; };
    auto single = [&](const char* k) {
      if (auto it = b.single.find(k); it != b.single.end()) line(it->second);
    };
    for (const std::string& c : b.comments) line(c);
    single("stage");
    if (!b.needs.empty()) line("needs " + Join(b.needs));
    for (const auto& [k, v] : b.ins) line(v);
    for (const char* k : {"when_trigger", "when", "matrix", "image", "services", "runner", "shell"})
      single(k);
    if (!b.env.empty()) {
      out += "  env {\n";
      for (const auto& [k, v] : b.env) out += fmt::format("    {} = {},\n", k, v);
      out += "  }\n";
    }
    for (const std::string& r : b.runs) line(r);
    for (const auto& [k, v] : b.outs) line(v);
    for (const char* k : {"environment", "timeout", "retry"}) single(k);
    if (b.allow_failure) line("allow_failure");
    single("trigger");
    if (!b.raw.empty()) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : b.raw.items()) keys.push_back(k);
      raw_notes_.push_back(fmt::format("{}: {}", what, Join(keys)));
      out += fmt::format("  raw {} {}\n", raw_kw_, RawValue(b.raw, 1));
    }
    return out;
  }

  // GitHub jobs whose steps Pipe can say. An artifact's upload and download must both be
  // written by the emitter (its artifact names) or both kept verbatim: a job is plain only when
  // every job it shares an artifact with is.
  void PlanPlainJobs() {
    if (p_.origin != ir::Origin::GitHub) return;
    std::map<std::string, std::string> parent;
    std::function<std::string(const std::string&)> root = [&](const std::string& n) -> std::string {
      auto it = parent.find(n);
      if (it == parent.end() || it->second == n) return n;
      return it->second = root(it->second);
    };
    for (const ir::Job& j : p_.jobs)
      for (const ir::InputRef& in : j.inputs)
        if (!in.job.empty()) parent[root(j.name)] = root(in.job);
    std::set<std::string> bad;
    for (const ir::Job& j : p_.jobs)
      if (!PlainGitHubSteps(j)) bad.insert(root(j.name));
    for (const ir::Job& j : p_.jobs)
      if (!bad.contains(root(j.name))) plain_.insert(j.name);
  }

  // Where an input is restored when that is not the producer's path ("" = the producer's path).
  // GitHub downloads into a directory: a file lands there under its own name.
  std::string RestoredAt(const ir::InputRef& in) {
    const ir::Job* prod = by_name_.contains(in.job) ? by_name_[in.job] : nullptr;
    if (!prod || in.path.empty()) return "";
    for (const ir::Output& o : prod->outputs) {
      if (o.name != in.output) continue;
      std::string at = in.path;
      if (p_.origin == ir::Origin::GitHub && o.kind != ir::OutputKind::Dir) {
        size_t slash = o.path.find_last_of('/');
        std::string base = slash == std::string::npos ? o.path : o.path.substr(slash + 1);
        at = CleanPath(in.path) == "." ? base : CleanPath(in.path) + "/" + base;
      }
      return CleanPath(at) == CleanPath(o.path) ? "" : at;
    }
    return "";
  }

  std::string Named(const std::string& job) {
    return names_.contains(job) ? names_[job] : PipeName(job);
  }

  static std::string Text(const ir::Text& t) {
    std::string out;
    for (const ir::TextPart& p : t.parts) out += p.text;
    return out;
  }

  // GitLab variables whose value is one reference to a credential-like CI/CD setting: that
  // setting becomes a `secret` (LowerGitLabValue), declared once.
  void PlanValueSecrets() {
    for (const ir::Variable& v : p_.variables) defined_vars_.insert(v.name);
    for (const ir::Job& j : p_.jobs)
      for (const ir::EnvVar& e : j.env) defined_vars_.insert(e.name);
    std::set<std::string> declared;
    for (const ir::Secret& s : p_.secrets) declared.insert(s.name);
    auto note = [&](const std::string& var, const std::string& value) {
      LoweredValue lv = LowerGitLabValue(var, value, defined_vars_);
      if (lv.kind == LoweredValue::Kind::Secret && !declared.contains(lv.text) && !value_secrets_.contains(lv.text))
        value_secrets_[lv.text] = "the value of " + var + ", a CI/CD setting named like a credential";
    };
    for (const ir::Variable& v : p_.variables) note(v.name, v.value.string_value);
    for (const ir::Job& j : p_.jobs)
      for (const ir::EnvVar& e : j.env)
        if (e.secret.empty()) note(e.name, Text(e.value));
  }

  const ir::Pipeline& p_;
  const PipeWriteOptions& o_;
  bool gitlab_ = false;
  std::set<std::string> defined_vars_;                  // variables the file defines
  std::map<std::string, std::string> value_secrets_;   // secret -> why (PlanValueSecrets)
  std::string raw_kw_;
  std::map<std::string, std::string> names_;
  std::map<std::string, const ir::Job*> by_name_;
  Body defaults_;
  std::set<std::string> plain_;  // GitHub jobs written without raw steps
  std::vector<Planned> planned_;
  std::map<std::string, size_t> planned_index_;  // ImportTemplate::key -> planned_
  std::vector<std::string> raw_notes_;
  std::vector<std::string> expanded_notes_;
  std::vector<std::string> notes_;
};

}  // namespace

std::string WritePipe(const ir::Pipeline& p, const PipeWriteOptions& opts) {
  Writer w(p, opts);
  return w.Run();
}

}  // namespace pipec::import
