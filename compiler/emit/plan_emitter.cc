#include "compiler/emit/plan_emitter.h"

#include <algorithm>

#include "compiler/emit/emit_util.h"
#include "compiler/emit/glob.h"
#include "compiler/emit/text_lowering.h"

namespace pipec::emit {
namespace {

plan::Operand LowerOperand(const ir::Operand& o) {
  plan::Operand out;
  switch (o.kind) {
    case ir::Operand::Kind::Literal:
      out.kind = plan::OperandKind::Literal;
      out.value = o.literal.ToString();
      break;
    case ir::Operand::Kind::Git:
      out.kind = plan::OperandKind::Git;
      out.value = o.name;
      break;
    case ir::Operand::Kind::Input:
      out.kind = plan::OperandKind::Input;
      out.value = o.name;
      break;
    case ir::Operand::Kind::Output:
      out.kind = plan::OperandKind::Output;
      out.value = o.name;
      out.job = o.job;
      break;
  }
  return out;
}

plan::ArtifactKind LowerOutputKind(ir::OutputKind k) {
  switch (k) {
    case ir::OutputKind::File: return plan::ArtifactKind::File;
    case ir::OutputKind::Dir: return plan::ArtifactKind::Dir;
    case ir::OutputKind::Junit: return plan::ArtifactKind::Junit;
    case ir::OutputKind::Dotenv: return plan::ArtifactKind::Dotenv;
    case ir::OutputKind::Codequality: return plan::ArtifactKind::Codequality;
    case ir::OutputKind::Coverage: return plan::ArtifactKind::Coverage;
    case ir::OutputKind::Bool: return plan::ArtifactKind::Bool;
    case ir::OutputKind::Int: return plan::ArtifactKind::Int;
    case ir::OutputKind::Float: return plan::ArtifactKind::Float;
    case ir::OutputKind::String: return plan::ArtifactKind::String;
  }
  return plan::ArtifactKind::File;
}

// Inputs are scalars (sema); a list or secret input would be a sema bug, read as a string.
plan::InputType LowerInputType(const ir::Type& t) {
  switch (t.kind) {
    case ir::TypeKind::Int: return plan::InputType::Int;
    case ir::TypeKind::Float: return plan::InputType::Float;
    case ir::TypeKind::Bool: return plan::InputType::Bool;
    case ir::TypeKind::Duration: return plan::InputType::Duration;
    case ir::TypeKind::Path: return plan::InputType::Path;
    case ir::TypeKind::String:
    case ir::TypeKind::List:
    case ir::TypeKind::Secret: return plan::InputType::String;
  }
  return plan::InputType::String;
}

plan::CondOp LowerOp(ir::Condition::Op op) {
  switch (op) {
    case ir::Condition::Op::True: return plan::CondOp::True;
    case ir::Condition::Op::And: return plan::CondOp::And;
    case ir::Condition::Op::Or: return plan::CondOp::Or;
    case ir::Condition::Op::Not: return plan::CondOp::Not;
    case ir::Condition::Op::TriggerIn: return plan::CondOp::TriggerIn;
    case ir::Condition::Op::Eq: return plan::CondOp::Eq;
    case ir::Condition::Op::Ne: return plan::CondOp::Ne;
    case ir::Condition::Op::Matches: return plan::CondOp::Matches;
    case ir::Condition::Op::Truthy: return plan::CondOp::Truthy;
    case ir::Condition::Op::Changed: return plan::CondOp::Changed;
  }
  return plan::CondOp::True;
}

plan::RunWhen LowerRunWhen(ir::RunWhen w) {
  switch (w) {
    case ir::RunWhen::OnSuccess: return plan::RunWhen::OnSuccess;
    case ir::RunWhen::OnFailure: return plan::RunWhen::OnFailure;
    case ir::RunWhen::Always: return plan::RunWhen::Always;
  }
  return plan::RunWhen::OnSuccess;
}

// The IR keeps a cache policy as GitLab's word; an unknown one (none today) reads as the default.
plan::CachePolicy LowerPolicy(const std::string& policy) {
  if (policy == "pull") return plan::CachePolicy::Pull;
  if (policy == "push") return plan::CachePolicy::Push;
  return plan::CachePolicy::PullPush;
}

plan::TriggerKind LowerTriggerKind(ir::TriggerKind k) {
  switch (k) {
    case ir::TriggerKind::Push: return plan::TriggerKind::Push;
    case ir::TriggerKind::MergeRequest: return plan::TriggerKind::MergeRequest;
    case ir::TriggerKind::Tag: return plan::TriggerKind::Tag;
    case ir::TriggerKind::Schedule: return plan::TriggerKind::Schedule;
    case ir::TriggerKind::Manual: return plan::TriggerKind::Manual;
    case ir::TriggerKind::Webhook: return plan::TriggerKind::Webhook;
  }
  return plan::TriggerKind::Push;
}

plan::Trigger LowerTrigger(const ir::Trigger& t) {
  plan::Trigger out;
  out.id = t.Id();
  out.kind = LowerTriggerKind(t.kind);
  out.branches = t.branches;
  out.targets = t.targets;
  out.tag_pattern = t.tag_pattern;
  out.cron = t.cron;
  out.timezone = t.timezone;
  out.branch = t.branch;
  return out;
}

void LowerInputs(const ir::Pipeline& p, plan::Plan& out) {
  // Manual and webhook triggers may declare the same input; the plan lists it once.
  for (const ir::Trigger& t : p.triggers)
    for (const ir::Param& param : t.inputs) {
      bool seen = false;
      for (const plan::Input& in : out.inputs) seen = seen || in.name == param.name;
      if (seen) continue;
      plan::Input in;
      in.name = param.name;
      in.type = LowerInputType(param.type);
      if (param.default_value) in.default_value = param.default_value->ToString();
      out.inputs.push_back(std::move(in));
    }
}

plan::Job LowerJob(const ir::Job& j, DiagnosticSink& diags) {
  plan::Job out;
  out.name = j.name;
  out.stage = j.stage;
  out.after_stages = j.after_stages;
  out.shell = j.shell.empty() ? "sh" : j.shell;
  out.image = LowerTextEnv(j.image, j.range, diags);
  for (const ir::Step& s : j.steps) {
    if (s.kind == ir::Step::Kind::Run) {
      std::vector<std::string>& into = s.phase == ir::Step::Phase::Setup      ? out.setup
                                       : s.phase == ir::Step::Phase::Teardown ? out.teardown
                                                                              : out.commands;
      into.push_back(LowerTextEnv(s.script, s.range, diags));
    } else {
      diags.Report(DiagKind::EmitUnsupported, s.range,
                   "step `uses: " + s.uses + "` is a GitHub action and cannot run locally; the plan "
                   "runs a command that fails with this message instead")
          .Note(j.range, "in job `" + j.name + "`");
      out.commands.push_back("echo 'pipec: the GitHub action " + s.uses +
                             " cannot run locally' >&2; exit 1");
    }
  }
  for (const ir::EnvVar& e : j.env) {
    if (!e.secret.empty())
      out.secret_env[e.name] = e.secret;
    else
      out.env[e.name] = LowerTextVariable(e.value, e.range, diags);
  }
  for (const ir::Need& n : j.needs) out.needs.push_back(n.job);
  // Optional only when every need on that job is (reading its data is a plain need).
  for (const ir::Need& n : j.needs)
    if (n.optional && n.Hard() &&
        std::none_of(j.needs.begin(), j.needs.end(),
                     [&](const ir::Need& m) { return m.job == n.job && m.Hard() && !m.optional; }) &&
        std::find(out.optional_needs.begin(), out.optional_needs.end(), n.job) == out.optional_needs.end())
      out.optional_needs.push_back(n.job);
  for (const ir::InputRef& in : j.inputs)
    out.inputs.push_back({in.name, in.job, in.output, LowerOutputKind(in.kind), in.path});
  for (const ir::Output& o : j.outputs)
    out.outputs.push_back({o.name, LowerOutputKind(o.kind), o.path});
  out.condition = LowerCondition(*j.when);
  out.triggers = j.active_triggers;
  out.run_when = LowerRunWhen(j.run_when);
  out.timeout_seconds = j.timeout_seconds;
  out.retry = j.retry;
  out.allow_failure = j.allow_failure;
  out.caches = j.caches;
  if (j.environment) {
    out.environment = j.environment->name;
    out.manual_approval = j.environment->manual_approval;
  }
  // A manual job waits for a person like an approval: asked on a terminal, or --approve.
  if (j.manual) out.manual_approval = true;
  if (j.trigger) {
    plan::ChildTrigger t;
    t.kind = j.trigger->kind == ir::TriggerJob::Kind::Pipeline ? plan::ChildKind::Pipeline : plan::ChildKind::Project;
    t.target = j.trigger->target;
    t.branch = j.trigger->branch;
    for (const auto& [k, v] : j.trigger->inputs) t.inputs[k] = LowerTextVariable(v, j.trigger->range, diags);
    out.trigger = std::move(t);
  }
  return out;
}

}  // namespace

plan::Condition LowerCondition(const ir::Condition& c) {
  plan::Condition out;
  out.op = LowerOp(c.op);
  for (const ir::Condition& a : c.args) out.args.push_back(LowerCondition(a));
  out.triggers = c.triggers;
  switch (c.op) {
    case ir::Condition::Op::Eq:
    case ir::Condition::Op::Ne:
    case ir::Condition::Op::Matches:
      out.left = LowerOperand(c.left);
      out.right = LowerOperand(c.right);
      break;
    case ir::Condition::Op::Truthy: out.left = LowerOperand(c.left); break;
    case ir::Condition::Op::Changed:
      for (const std::string& path : c.paths) out.paths.push_back(PortablePathGlob(path));
      break;
    default: break;
  }
  return out;
}

plan::Plan LowerToPlan(const ir::Pipeline& p, DiagnosticSink& diags) {
  plan::Plan out;
  out.pipeline = p.name;
  out.source = p.source_path;
  for (const ir::Trigger& t : p.triggers) out.triggers.push_back(LowerTrigger(t));
  LowerInputs(p, out);
  for (const ir::Secret& s : p.secrets) out.secrets.push_back({s.name, s.masked, s.file});
  for (const ir::Cache& c : p.caches)
    out.caches.push_back({c.name, c.key.empty() ? c.name : c.key, c.key_files, c.paths, LowerPolicy(c.policy)});
  for (const ir::Variable* v : RuntimeVariables(p)) out.variables[v->name] = EscapeDollars(v->value.ToString());
  out.stages = p.stages;
  for (const ir::Job& j : p.jobs) out.jobs.push_back(LowerJob(j, diags));
  return out;
}

EmittedFiles EmitPlanFiles(const plan::Plan& plan) { return {{"plan.json", plan::WritePlanJson(plan)}}; }

}  // namespace pipec::emit
