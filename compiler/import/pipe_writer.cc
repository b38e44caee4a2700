#include "compiler/import/pipe_writer.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

namespace pipec::import {

std::string PipeName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  while (out.find("__") != std::string::npos) out.replace(out.find("__"), 2, "_");
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])) || out[0] == '-') out = "j_" + out;
  return out;
}

std::string PipeString(std::string_view text) {
  if (text.find('\n') != std::string_view::npos && text.find("\"\"\"") == std::string_view::npos) {
    std::string body(text);
    while (!body.empty() && body.back() == '\n') body.pop_back();
    std::string out = "\"\"\"\n";
    size_t start = 0;
    while (start <= body.size()) {
      size_t end = body.find('\n', start);
      if (end == std::string::npos) end = body.size();
      out += "    " + body.substr(start, end - start) + "\n";
      start = end + 1;
    }
    return out + "  \"\"\"";
  }
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    out += c;
  }
  return out + "\"";
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
    for (const auto& [k, v] : j.items()) out += pad + "  " + PipeString(k) + ": " + RawValue(v, indent + 1) + ",\n";
    return out + pad + "}";
  }
  if (j.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + RawValue(j[i], indent);
    return out + "]";
  }
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0)) return std::to_string(j.get<int64_t>());
  if (j.is_number_float() && j.get<double>() >= 0) {
    std::string s = j.dump();
    if (s.find_first_not_of("0123456789.") == std::string::npos && s.find('.') != std::string::npos) return s;
    return PipeString(s);
  }
  if (j.is_string()) return PipeString(j.get<std::string>());
  return PipeString(j.dump());
}

std::string OutKind(ir::OutputKind k) {
  switch (k) {
    case ir::OutputKind::Dir: return "dir";
    case ir::OutputKind::Junit: return "junit";
    case ir::OutputKind::Dotenv: return "dotenv";
    case ir::OutputKind::Codequality: return "codequality";
    case ir::OutputKind::Coverage: return "coverage";
    default: return "file";
  }
}

std::string StepText(const ir::Step& s) {
  std::string out;
  for (const ir::TextPart& part : s.script.parts) out += part.text;
  return out;
}

class Writer {
 public:
  Writer(const ir::Pipeline& p, const PipeWriteOptions& o) : p_(p), o_(o) {}

  std::string Run() {
    bool gitlab = p_.origin == ir::Origin::GitLab;
    raw_kw_ = gitlab ? "gitlab" : "github";
    // Names: unique Pipe names for vendor job names (GitLab allows "build:linux", spaces...).
    std::set<std::string> used;
    for (const ir::Job& j : p_.jobs) by_name_[j.name] = &j;
    for (const ir::Job& j : p_.jobs) {
      std::string n = PipeName(j.name);
      while (used.contains(n)) n += "_";
      used.insert(n);
      names_[j.name] = n;
    }
    std::string body;
    Triggers(body);
    Stages(body);
    Globals(body);
    for (const ir::Job& j : p_.jobs) Job(j, body);
    std::string head = fmt::format("# Imported from {} by `pipec import`.\n", o_.source_name);
    if (!raw_notes_.empty()) {
      head += fmt::format("# Kept verbatim in `raw {} {{ }}` (Pipe has no construct for them):\n", raw_kw_);
      for (const std::string& n : raw_notes_) head += "#   " + n + "\n";
    }
    for (const std::string& n : notes_) head += "# " + n + "\n";
    std::string name = PipeName(p_.name);
    return head + fmt::format("pipeline {} version 1\n\n", name) + body;
  }

 private:
  void Triggers(std::string& out) {
    for (const ir::Trigger& t : p_.triggers) {
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
        case ir::TriggerKind::Tag: out += "on tag " + PipeString(t.tag_pattern.empty() ? "*" : t.tag_pattern) + "\n"; break;
        case ir::TriggerKind::Schedule:
          if (t.cron.empty()) {
            notes_.push_back(fmt::format("schedule {}: GitLab keeps schedules in the project settings; add `on schedule NAME cron \"...\"`", t.name));
            break;
          }
          out += fmt::format("on schedule {} cron {}\n", PipeName(t.name), PipeString(t.cron));
          break;
        case ir::TriggerKind::Manual: out += "on manual\n"; break;
        case ir::TriggerKind::Webhook: out += fmt::format("on webhook {}\n", PipeName(t.name)); break;
      }
    }
    out += "\n";
  }

  void Stages(std::string& out) {
    std::vector<std::string> stages;
    for (const std::string& s : p_.stages)
      if (s != ".pre" && s != ".post") stages.push_back(PipeName(s));
    if (!stages.empty()) {
      out += "stages ";
      for (size_t i = 0; i < stages.size(); ++i) out += (i ? ", " : "") + stages[i];
      out += "\n\n";
    }
  }

  void Globals(std::string& out) {
    for (const ir::Secret& s : p_.secrets) {
      out += "secret " + PipeName(s.name);
      if (s.masked) out += " masked";
      if (s.protected_) out += " protected";
      out += "  # " + s.origin + "\n";
    }
    if (!p_.secrets.empty()) out += "\n";
    if (!p_.variables.empty()) {
      // GitLab's global variables are environment variables of every job.
      out += "default {\n  env {\n";
      for (const ir::Variable& v : p_.variables) out += fmt::format("    {} = {},\n", PipeName(v.name), PipeString(v.value.string_value));
      out += "  }\n}\n\n";
    }
    if (!p_.raw_gitlab.empty() || !p_.raw_github.empty()) {
      const nlohmann::json& raw = p_.origin == ir::Origin::GitLab ? p_.raw_gitlab : p_.raw_github;
      std::vector<std::string> keys;
      for (const auto& [k, v] : raw.items()) keys.push_back(k);
      raw_notes_.push_back("top level: " + Join(keys));
      out += fmt::format("raw {} {}\n\n", raw_kw_, RawValue(raw, 0));
    }
  }

  static std::string Join(const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out;
  }

  void Job(const ir::Job& j, std::string& out) {
    if (j.hidden) return;
    const std::string& name = names_[j.name];
    out += fmt::format("job {} {{\n", name);
    if (name != j.name) out += fmt::format("  # {} in the original\n", j.name);
    if (!j.stage.empty()) out += "  stage " + PipeName(j.stage) + "\n";
    // Artifact needs whose producer declares files become data edges (`in`); the rest `needs`.
    std::vector<std::string> needs;
    std::string ins;
    for (const ir::Need& n : j.needs) {
      const ir::Job* prod = by_name_.contains(n.job) ? by_name_[n.job] : nullptr;
      bool data = false;
      if (prod && n.artifacts)
        for (const ir::Output& o : prod->outputs)
          if (!ir::IsValueOutput(o.kind) && !ir::IsReportOutput(o.kind)) {
            ins += fmt::format("  in {}_{} = {}.{}\n", names_[n.job], OutName(o), names_[n.job], OutName(o));
            data = true;
          }
      if (!data) needs.push_back(names_[n.job]);
    }
    for (const ir::InputRef& in : j.inputs)
      if (!in.job.empty()) ins += fmt::format("  in {} = {}.{}\n", PipeName(in.name), names_[in.job], PipeName(in.output));
    if (!needs.empty()) out += "  needs " + Join(needs) + "\n";
    out += ins;
    if (j.run_when == ir::RunWhen::Always) out += "  when always\n";
    if (j.run_when == ir::RunWhen::OnFailure) out += "  when on_failure\n";
    if (!j.image.parts.empty()) out += "  image " + PipeString(Text(j.image)) + "\n";
    if (!j.services.empty()) out += "  services " + StringList(j.services) + "\n";
    if (!j.runner.empty()) out += "  runner " + StringList(j.runner) + "\n";
    if (!j.env.empty()) {
      out += "  env {\n";
      std::set<std::string> seen;
      for (const ir::EnvVar& e : j.env) {
        if (!seen.insert(e.name).second) continue;
        if (!e.secret.empty()) out += fmt::format("    {} = {},\n", PipeName(e.name), PipeName(e.secret));
        else out += fmt::format("    {} = {},\n", PipeName(e.name), PipeString(Text(e.value)));
      }
      out += "  }\n";
    }
    nlohmann::json raw = p_.origin == ir::Origin::GitLab ? j.raw_gitlab : j.raw_github;
    raw.erase("extends");
    bool uses_steps = std::any_of(j.steps.begin(), j.steps.end(), [](const ir::Step& s) { return s.kind == ir::Step::Kind::Uses; });
    if (uses_steps) {
      // Steps that call actions have no Pipe form: the whole step list stays raw, in order.
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
          st["run"] = StepText(s);
        }
        steps.push_back(st);
      }
      raw["steps"] = steps;
    } else {
      bool expr = std::any_of(j.steps.begin(), j.steps.end(), [](const ir::Step& s) { return StepText(s).find("${{") != std::string::npos; });
      if (expr && p_.origin == ir::Origin::GitHub)
        notes_.push_back(fmt::format("job {}: its scripts use GitHub expressions `${{{{ }}}}`, which Pipe reads as its own interpolation: review them", name));
      for (const ir::Step& s : j.steps) {
        if (s.name == "after_script" && p_.origin == ir::Origin::GitLab) {
          raw["after_script"].push_back(StepText(s));
          continue;
        }
        out += "  run " + PipeString(StepText(s)) + "\n";
      }
    }
    for (const ir::Output& o : j.outputs) {
      if (ir::IsValueOutput(o.kind)) {
        raw["outputs"][o.name] = o.path;
        continue;
      }
      out += fmt::format("  out {}: {} {}", OutName(o), OutKind(o.kind), PipeString(o.path));
      if (o.expire_seconds) out += " expire " + Duration(*o.expire_seconds);
      out += "\n";
    }
    if (j.environment) {
      out += "  environment " + PipeName(j.environment->name);
      if (!j.environment->url.empty()) out += " { url " + PipeString(j.environment->url) + " }";
      out += "\n";
    }
    if (j.timeout_seconds) out += "  timeout " + Duration(*j.timeout_seconds) + "\n";
    if (j.retry > 0) out += fmt::format("  retry {}\n", j.retry);
    if (j.allow_failure) out += "  allow_failure\n";
    if (j.trigger) {
      if (j.trigger->kind == ir::TriggerJob::Kind::Project) {
        out += "  trigger project " + PipeString(j.trigger->target);
        if (!j.trigger->branch.empty()) out += " branch " + PipeString(j.trigger->branch);
        out += "\n";
      } else {
        out += "  trigger pipeline " + PipeString(j.trigger->target) + "\n";
      }
      raw.erase("trigger");
      raw.erase("uses");
    }
    if (!raw.empty()) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : raw.items()) keys.push_back(k);
      raw_notes_.push_back(fmt::format("job {}: {}", name, Join(keys)));
      out += fmt::format("  raw {} {}\n", raw_kw_, RawValue(raw, 1));
    }
    out += "}\n\n";
  }

  std::string OutName(const ir::Output& o) {
    std::string n = PipeName(o.name);
    return n;
  }

  static std::string Text(const ir::Text& t) {
    std::string out;
    for (const ir::TextPart& p : t.parts) out += p.text;
    return out;
  }

  const ir::Pipeline& p_;
  const PipeWriteOptions& o_;
  std::string raw_kw_;
  std::map<std::string, std::string> names_;
  std::map<std::string, const ir::Job*> by_name_;
  std::vector<std::string> raw_notes_;
  std::vector<std::string> notes_;
};

}  // namespace

std::string WritePipe(const ir::Pipeline& p, const PipeWriteOptions& opts) {
  Writer w(p, opts);
  return w.Run();
}

}  // namespace pipec::import
