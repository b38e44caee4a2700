// Pipeline-level declarations: header, triggers, secrets, stages, raw blocks, caches.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <nlohmann/json.hpp>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

void Analyzer::CheckHeader() {
  const ast::File& f = *main_->ast;
  if (!f.header) {
    Report(DiagKind::MissingHeader, {f.file, {1, 1}, {1, 2}},
           "a pipeline file starts with `pipeline NAME version 1`")
        .Fix({f.file, {1, 1}, {1, 1}}, "pipeline NAME version 1\n");
    out_.name = "pipeline";
  } else {
    out_.name = f.header->name.text;
    if (f.header->version != 1)
      Report(DiagKind::UnsupportedVersion, f.header->range,
             fmt::format("pipeline version {} is not supported; this pipec knows version 1",
                         f.header->version));
  }
  out_.source_path = std::string(sm_.Path(f.file));
  out_.origin = ir::Origin::Pipe;
}

void Analyzer::CollectPipelineDecls() {
  const ast::File& f = *main_->ast;
  // Triggers.
  std::map<std::string, SourceRange> seen;
  for (const ast::TriggerDecl& t : f.triggers) {
    ir::Trigger tr;
    tr.range = t.range;
    using K = ast::TriggerDecl::Kind;
    switch (t.kind) {
      case K::Push:
        tr.kind = ir::TriggerKind::Push;
        break;
      case K::MergeRequest:
        tr.kind = ir::TriggerKind::MergeRequest;
        break;
      case K::Tag:
        tr.kind = ir::TriggerKind::Tag;
        break;
      case K::Schedule:
        tr.kind = ir::TriggerKind::Schedule;
        break;
      case K::Manual:
        tr.kind = ir::TriggerKind::Manual;
        break;
      case K::Webhook:
        tr.kind = ir::TriggerKind::Webhook;
        break;
    }
    tr.name = t.name.text;
    for (const auto& s : t.branches) tr.branches.push_back(PlainString(s, "a branch pattern"));
    for (const auto& s : t.paths) {
      tr.paths.push_back(PlainString(s, "a path pattern"));
      CheckChangedPath(tr.paths.back(), s.range, Env{main_, {}, "", {}}, "a path pattern");
    }
    for (const auto& s : t.targets) tr.targets.push_back(PlainString(s, "a branch pattern"));
    if (t.kind == K::Tag) tr.tag_pattern = PlainString(t.tag, "a tag pattern");
    if (t.kind == K::Schedule) {
      // Without `cron`: the schedules kept in the vendor's settings (GitLab's Pipeline
      // schedules), every one of them, so the pipeline's only schedule trigger.
      if (t.has_cron) {
        tr.cron = PlainString(t.cron, "a cron expression");
        CheckCron(tr.cron, t.cron.range);
      } else if (t.has_tz) {
        Report(DiagKind::InvalidValue, t.tz.range, "a time zone is for a `cron`; a schedule without one keeps its time in the CI settings");
      } else if (std::count_if(f.triggers.begin(), f.triggers.end(), [](const ast::TriggerDecl& o) {
                   return o.kind == ast::TriggerDecl::Kind::Schedule;
                 }) > 1) {
        Report(DiagKind::InvalidValue, t.range,
               fmt::format("schedule `{}` has no `cron`, so it stands for every schedule set up in the CI "
                           "settings; it must be the pipeline's only schedule (give each a `cron`)",
                           t.name.text));
      }
      if (t.has_tz) tr.timezone = PlainString(t.tz, "a time zone");
      if (t.has_branch) tr.branch = PlainString(t.branch, "a branch");
    }
    for (const ast::Param& p : t.inputs) {
      ir::Param ip;
      ip.name = p.name.text;
      ip.type = TypeOf(p.type);
      ip.range = p.range;
      if (ip.type.kind == TypeKind::Secret || ip.type.kind == TypeKind::List)
        Report(DiagKind::TypeMismatch, p.type.range,
               fmt::format("a pipeline input cannot be of type {}; use string, int, float, bool, "
                           "duration or path",
                           ir::TypeName(ip.type)));
      if (p.default_value) {
        Env env{main_, {}, "", {}};
        ip.default_value = EvalTyped(*p.default_value, ip.type, env, "the default of this input");
      }
      if (auto it = inputs_.find(ip.name); it != inputs_.end()) {
        if (!(it->second.type == ip.type))
          Report(DiagKind::TypeMismatch, p.range,
                 fmt::format("input `{}` is {} here but {} at {}", ip.name, ir::TypeName(ip.type),
                             ir::TypeName(it->second.type), Loc(it->second.range)));
      } else {
        inputs_[ip.name] = ip;
      }
      tr.inputs.push_back(std::move(ip));
    }
    std::string id = tr.Id();
    if (auto it = seen.find(id); it != seen.end()) {
      Duplicate("trigger", id, t.range, it->second);
      continue;
    }
    seen[id] = t.range;
    out_.triggers.push_back(std::move(tr));
  }
  // Secrets.
  for (const ast::SecretDecl& s : f.secrets) {
    if (auto it = secrets_.find(s.name.text); it != secrets_.end()) {
      Duplicate("secret", s.name.text, s.name.range, it->second.decl->name.range);
      continue;
    }
    if (!IsEnvName(s.name.text))
      Report(DiagKind::InvalidValue, s.name.range,
             fmt::format("secret name `{}` is not a valid environment variable name", s.name.text));
    secrets_[s.name.text] = SecretSym{&s, false};
    ir::Secret sec;
    sec.name = s.name.text;
    sec.masked = s.masked;
    sec.protected_ = s.protected_;
    sec.file = s.file;
    if (s.environment) sec.environment = s.environment->text;
    sec.range = s.name.range;
    out_.secrets.push_back(sec);
  }
  // Stages: declared order, else order of first use.
  if (f.stages.size() > 1) Duplicate("stages", "stages", f.stages[1].range, f.stages[0].range);
  if (!f.stages.empty()) {
    for (const ast::Ident& s : f.stages[0].stages) {
      if (std::find(out_.stages.begin(), out_.stages.end(), s.text) != out_.stages.end()) {
        Report(DiagKind::DuplicateDefinition, s.range,
               fmt::format("stage `{}` is listed twice", s.text));
        continue;
      }
      out_.stages.push_back(s.text);
      stage_ranges_[s.text] = s.range;
    }
    declared_stages_ = true;
  }
  if (f.defaults.size() > 1)
    Duplicate("default block", "default", f.defaults[1].range, f.defaults[0].range);
  for (const auto& r : f.raws) {
    nlohmann::json& into = r.vendor == "gitlab" ? out_.raw_gitlab : out_.raw_github;
    for (auto& [k, v] : r.value.get().items()) into[k] = nlohmann::json::parse(v.dump());
  }
}

namespace {

// One cron field as the old pattern accepted it, by hand (no std::regex recursion):
//   (\*|N(-N)?)(/N)?(,(\*|N(-N)?)(/N)?)*   or   AAA(-AAA)?   (names: JAN, MON-FRI)
bool CronFieldOk(std::string_view f) {
  auto alpha3 = [&](size_t at) {
    return at + 3 <= f.size() && std::all_of(f.begin() + at, f.begin() + at + 3, [](char c) {
             return std::isalpha(static_cast<unsigned char>(c));
           });
  };
  if (alpha3(0) && (f.size() == 3 || (f.size() == 7 && f[3] == '-' && alpha3(4)))) return true;
  size_t i = 0;
  auto number = [&]() {
    size_t start = i;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i;
    return i > start;
  };
  while (true) {
    if (i < f.size() && f[i] == '*') {
      ++i;
    } else {
      if (!number()) return false;
      if (i < f.size() && f[i] == '-') {
        ++i;
        if (!number()) return false;
      }
    }
    if (i < f.size() && f[i] == '/') {
      ++i;
      if (!number()) return false;
    }
    if (i == f.size()) return true;
    if (f[i] != ',') return false;
    ++i;
  }
}

}  // namespace

void Analyzer::CheckCron(const std::string& cron, SourceRange r) {
  std::vector<std::string> fields;
  size_t i = 0;
  while (i < cron.size()) {
    while (i < cron.size() && cron[i] == ' ') ++i;
    size_t j = i;
    while (j < cron.size() && cron[j] != ' ') ++j;
    if (j > i) fields.push_back(cron.substr(i, j - i));
    i = j;
  }
  bool ok = fields.size() == 5;
  for (const auto& f : fields)
    if (!CronFieldOk(f)) ok = false;
  if (!ok)
    Report(DiagKind::InvalidValue, r,
           fmt::format("`{}` is not a cron expression (five fields: minute hour day month weekday)",
                       cron));
}

bool Analyzer::IsEnvName(const std::string& n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::string Analyzer::PlainString(const ast::StringLit& s, std::string_view what) {
  if (s.HasInterpolation())
    Report(DiagKind::InvalidValue, s.range,
           fmt::format("{} cannot contain `${{{{ }}}}` interpolation", what));
  return s.Flat();
}

std::string Analyzer::CacheName(const CacheSym& sym) {
  std::string name =
      sym.module == main_ ? sym.decl->name.text : sym.module->name + "." + sym.decl->name.text;
  if (!lowered_caches_.count(name)) {
    lowered_caches_.insert(name);
    ir::Cache c;
    c.name = name;
    Env env{sym.module, {}, "", {}};
    for (const auto& f : sym.decl->key_files)
      c.key_files.push_back(PlainString(f, "a cache key file"));
    if (sym.decl->key) {
      ir::Text t = LowerText(*sym.decl->key, env, nullptr, "a cache key");
      c.key = t.LiteralText();
    }
    for (const auto& p : sym.decl->paths) {
      c.paths.push_back(PlainString(p, "a cache path"));
      CheckRelativePath(c.paths.back(), p.range, env, "a cache path");
    }
    if (sym.decl->policy) {
      c.policy = sym.decl->policy->text;
      if (c.policy != "pull-push" && c.policy != "pull" && c.policy != "push")
        Report(DiagKind::InvalidValue, sym.decl->policy->range,
               fmt::format("unknown cache policy `{}`; use pull-push, pull or push", c.policy));
    }
    if (c.paths.empty())
      Report(DiagKind::InvalidValue, sym.decl->name.range,
             fmt::format("cache `{}` has no `paths`", sym.decl->name.text));
    c.range = sym.decl->name.range;
    out_.caches.push_back(c);
  }
  return name;
}

}  // namespace pipec::sema
