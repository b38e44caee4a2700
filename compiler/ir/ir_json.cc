#include "compiler/ir/ir_json.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pipec::ir {
namespace {

using J = nlohmann::ordered_json;

std::string Loc(const SourceRange& r, const SourceManager& sm) {
  if (!r.valid()) return "";
  return fmt::format("{}:{}:{}-{}:{}", sm.Path(r.file), r.begin.line, r.begin.column, r.end.line,
                     r.end.column);
}

J ValueJson(const Value& v) {
  switch (v.type.kind) {
    case TypeKind::Int:
    case TypeKind::Duration: return v.int_value;
    case TypeKind::Bool: return v.int_value != 0;
    case TypeKind::Float: return v.float_value;
    case TypeKind::List: {
      J a = J::array();
      for (const Value& x : v.list) a.push_back(ValueJson(x));
      return a;
    }
    default: return v.string_value;
  }
}

J TextJson(const Text& t) {
  if (t.IsLiteral()) return t.LiteralText();
  J a = J::array();
  for (const TextPart& p : t.parts) {
    switch (p.kind) {
      case TextPart::Kind::Literal: a.push_back(p.text); break;
      case TextPart::Kind::Git: a.push_back(J{{"git", p.text}}); break;
      case TextPart::Kind::Input: a.push_back(J{{"input", p.text}}); break;
    }
  }
  return a;
}

J OperandJson(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::Literal: return J{{"literal", ValueJson(o.literal)}};
    case Operand::Kind::Git: return J{{"git", o.name}};
    case Operand::Kind::Input: return J{{"input", o.name}};
    case Operand::Kind::Output: return J{{"output", o.job + "." + o.name}};
  }
  return nullptr;
}

J CondJson(const Condition& c) {
  switch (c.op) {
    case Condition::Op::True: return true;
    case Condition::Op::And:
    case Condition::Op::Or: {
      J a = J::array();
      for (const Condition& x : c.args) a.push_back(CondJson(x));
      return J{{c.op == Condition::Op::And ? "and" : "or", a}};
    }
    case Condition::Op::Not: return J{{"not", CondJson(c.args.at(0))}};
    case Condition::Op::TriggerIn: return J{{"trigger_in", c.triggers}};
    case Condition::Op::Eq: return J{{"eq", J::array({OperandJson(c.left), OperandJson(c.right)})}};
    case Condition::Op::Ne: return J{{"ne", J::array({OperandJson(c.left), OperandJson(c.right)})}};
    case Condition::Op::Matches:
      return J{{"matches", J::array({OperandJson(c.left), OperandJson(c.right)})}};
    case Condition::Op::Truthy: return J{{"truthy", OperandJson(c.left)}};
    case Condition::Op::Changed: return J{{"changed", c.paths}};
  }
  return nullptr;
}

std::string_view NeedOrigin(Need::Origin o) {
  switch (o) {
    case Need::Origin::Explicit: return "needs";
    case Need::Origin::Data: return "data";
    case Need::Origin::StageArtifacts: return "stage_artifacts";
    case Need::Origin::Import: return "import";
  }
  return "needs";
}

std::string_view RunWhenName(RunWhen w) {
  switch (w) {
    case RunWhen::OnSuccess: return "on_success";
    case RunWhen::OnFailure: return "on_failure";
    case RunWhen::Always: return "always";
  }
  return "on_success";
}

std::string_view OriginName(Origin o) {
  switch (o) {
    case Origin::Pipe: return "pipe";
    case Origin::GitLab: return "gitlab";
    case Origin::GitHub: return "github";
  }
  return "pipe";
}

}  // namespace

J ToJson(const Pipeline& p, const SourceManager& sm) {
  J out;
  out["pipeline"] = p.name;
  out["origin"] = OriginName(p.origin);
  out["source"] = p.source_path;
  J triggers = J::array();
  for (const Trigger& t : p.triggers) {
    J j;
    j["id"] = t.Id();
    if (!t.branches.empty()) j["branches"] = t.branches;
    if (!t.paths.empty()) j["paths"] = t.paths;
    if (!t.targets.empty()) j["targets"] = t.targets;
    if (!t.tag_pattern.empty()) j["tag"] = t.tag_pattern;
    if (!t.cron.empty()) j["cron"] = t.cron;
    if (!t.timezone.empty()) j["timezone"] = t.timezone;
    if (!t.branch.empty()) j["branch"] = t.branch;
    if (!t.inputs.empty()) {
      J in = J::array();
      for (const Param& prm : t.inputs) {
        J pj{{"name", prm.name}, {"type", TypeName(prm.type)}};
        if (prm.default_value) pj["default"] = ValueJson(*prm.default_value);
        in.push_back(pj);
      }
      j["inputs"] = in;
    }
    j["at"] = Loc(t.range, sm);
    triggers.push_back(j);
  }
  out["triggers"] = triggers;
  J vars = J::array();
  for (const Variable& v : p.variables)
    vars.push_back({{"name", v.name}, {"type", TypeName(v.value.type)}, {"value", ValueJson(v.value)},
                    {"at", Loc(v.range, sm)}});
  out["variables"] = vars;
  J secrets = J::array();
  for (const Secret& s : p.secrets)
    secrets.push_back({{"name", s.name}, {"masked", s.masked}, {"protected", s.protected_},
                       {"file", s.file}, {"environment", s.environment}, {"origin", s.origin},
                       {"at", Loc(s.range, sm)}});
  out["secrets"] = secrets;
  J caches = J::array();
  for (const Cache& c : p.caches)
    caches.push_back({{"name", c.name}, {"key", c.key}, {"key_files", c.key_files},
                      {"paths", c.paths}, {"policy", c.policy}, {"at", Loc(c.range, sm)}});
  out["caches"] = caches;
  out["stages"] = p.stages;
  if (!p.includes.empty()) {
    J includes = J::array();
    for (const Include& inc : p.includes)
      includes.push_back({{"kind", IncludeKindName(inc.kind)}, {"location", inc.location},
                          {"ref", inc.ref}, {"integrity", inc.integrity}, {"at", Loc(inc.range, sm)}});
    out["includes"] = includes;
  }
  if (!p.built_images.empty()) out["built_images"] = p.built_images;
  J jobs = J::array();
  for (const Job& job : p.jobs) {
    J j;
    j["name"] = job.name;
    if (job.base_name != job.name) j["base_name"] = job.base_name;
    if (!job.matrix.empty()) j["matrix"] = job.matrix;
    if (!job.stage.empty()) j["stage"] = job.stage;
    if (job.after_stages) j["after_stages"] = true;
    J needs = J::array();
    for (const Need& n : job.needs) {
      J nj{{"job", n.job}, {"artifacts", n.artifacts}, {"origin", NeedOrigin(n.origin)}};
      if (n.optional) nj["optional"] = true;
      if (n.artifacts_written) nj["artifacts_written"] = true;
      needs.push_back(nj);
    }
    j["needs"] = needs;
    if (job.dependencies) {
      J deps = J::array();
      for (const Dependency& d : *job.dependencies) deps.push_back(d.job);
      j["dependencies"] = deps;
    }
    if (!job.inputs.empty()) {
      J in = J::array();
      for (const InputRef& i : job.inputs)
        in.push_back({{"name", i.name}, {"from", i.job + "." + i.output},
                      {"kind", OutputKindName(i.kind)}, {"path", i.path}});
      j["inputs"] = in;
    }
    if (!job.outputs.empty()) {
      J outs = J::array();
      for (const Output& o : job.outputs) {
        J oj{{"name", o.name}, {"kind", OutputKindName(o.kind)}, {"path", o.path}};
        if (o.expire_seconds) oj["expire_seconds"] = *o.expire_seconds;
        if (o.publish) oj["publish"] = true;
        outs.push_back(oj);
      }
      j["outputs"] = outs;
    }
    J steps = J::array();
    for (const Step& s : job.steps) {
      if (s.kind == Step::Kind::Run) {
        J sj{{"run", TextJson(s.script)}};
        if (!s.shell.empty()) sj["shell"] = s.shell;
        if (s.phase == Step::Phase::Setup) sj["phase"] = "setup";
        if (s.phase == Step::Phase::Teardown) sj["phase"] = "teardown";
        steps.push_back(sj);
      } else {
        J sj{{"uses", s.uses}};
        if (!s.with.empty()) sj["with"] = s.with;
        steps.push_back(sj);
      }
    }
    j["steps"] = steps;
    j["shell"] = job.shell;
    if (!job.image.parts.empty()) j["image"] = TextJson(job.image);
    if (!job.services.empty()) j["services"] = job.services;
    if (!job.runner.empty()) j["runner"] = job.runner;
    if (!job.env.empty()) {
      J env = J::object();
      for (const EnvVar& e : job.env)
        env[e.name] = e.secret.empty() ? TextJson(e.value) : J{{"secret", e.secret}};
      j["env"] = env;
    }
    if (!job.when->IsTrue()) j["when"] = CondJson(*job.when);
    if (job.run_when != RunWhen::OnSuccess) j["run_when"] = RunWhenName(job.run_when);
    if (job.manual) j["manual"] = true;
    if (job.timeout_seconds) j["timeout_seconds"] = *job.timeout_seconds;
    if (job.retry) j["retry"] = job.retry;
    if (job.allow_failure) j["allow_failure"] = true;
    if (job.environment) {
      J e{{"name", job.environment->name}};
      if (!job.environment->url.empty()) e["url"] = job.environment->url;
      if (job.environment->manual_approval) e["approval"] = "manual";
      j["environment"] = e;
    }
    if (!job.caches.empty()) j["caches"] = job.caches;
    if (job.trigger) {
      J t{{"kind", job.trigger->kind == TriggerJob::Kind::Pipeline ? "pipeline" : "project"},
          {"target", job.trigger->target}};
      if (!job.trigger->branch.empty()) t["branch"] = job.trigger->branch;
      if (!job.trigger->inputs.empty()) {
        J in = J::object();
        for (const auto& [k, v] : job.trigger->inputs) in[k] = TextJson(v);
        t["inputs"] = in;
      }
      j["trigger"] = t;
    }
    if (!job.raw_gitlab.empty()) j["raw_gitlab"] = J::parse(job.raw_gitlab.dump());
    if (!job.raw_github.empty()) j["raw_github"] = J::parse(job.raw_github.dump());
    j["active_triggers"] = job.active_triggers;
    j["at"] = Loc(job.range, sm);
    jobs.push_back(j);
  }
  out["jobs"] = jobs;
  return out;
}

std::string DumpJson(const Pipeline& p, const SourceManager& sm) { return ToJson(p, sm).dump(2) + "\n"; }

}  // namespace pipec::ir
