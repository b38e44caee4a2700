#include "compiler/emit/test_pipeline.h"
#include <nlohmann/json.hpp>

namespace pipec::emit::testing {

ir::Text Lit(std::string s) { return ir::Text::Of(std::move(s)); }

ir::Text Interp(std::string before, ir::TextPart::Kind kind, std::string ref, std::string after) {
  ir::Text t;
  if (!before.empty()) t.parts.push_back({ir::TextPart::Kind::Literal, std::move(before)});
  t.parts.push_back({kind, std::move(ref)});
  if (!after.empty()) t.parts.push_back({ir::TextPart::Kind::Literal, std::move(after)});
  return t;
}

ir::Value Str(std::string s) {
  ir::Value v;
  v.type.kind = ir::TypeKind::String;
  v.string_value = std::move(s);
  return v;
}

ir::Value Bool(bool b) {
  ir::Value v;
  v.type.kind = ir::TypeKind::Bool;
  v.int_value = b;
  return v;
}

ir::Condition TriggerIs(std::vector<std::string> ids) {
  ir::Condition c;
  c.op = ir::Condition::Op::TriggerIn;
  c.triggers = std::move(ids);
  return c;
}

ir::Condition OutputTrue(std::string job, std::string output) {
  ir::Condition c;
  c.op = ir::Condition::Op::Truthy;
  c.left.kind = ir::Operand::Kind::Output;
  c.left.job = std::move(job);
  c.left.name = std::move(output);
  return c;
}

ir::Condition GitEq(std::string field, std::string value) {
  ir::Condition c;
  c.op = ir::Condition::Op::Eq;
  c.left.kind = ir::Operand::Kind::Git;
  c.left.name = std::move(field);
  c.right.kind = ir::Operand::Kind::Literal;
  c.right.literal = Str(std::move(value));
  return c;
}

ir::Condition Or(ir::Condition a, ir::Condition b) {
  ir::Condition c;
  c.op = ir::Condition::Op::Or;
  c.args = {std::move(a), std::move(b)};
  return c;
}

ir::Condition Not(ir::Condition a) {
  ir::Condition c;
  c.op = ir::Condition::Op::Not;
  c.args = {std::move(a)};
  return c;
}

ir::Job RunJob(std::string name, std::string script) {
  ir::Job j;
  j.name = name;
  j.base_name = std::move(name);
  ir::Step s;
  s.script = Lit(std::move(script));
  j.steps.push_back(std::move(s));
  j.image = Lit("python:3.9");
  return j;
}

ir::Pipeline HatPipeline() {
  ir::Pipeline p;
  p.name = "hat";
  p.source_path = "hat.pipe";
  ir::Trigger push;
  push.kind = ir::TriggerKind::Push;
  push.branches = {"master"};
  ir::Trigger mr;
  mr.kind = ir::TriggerKind::MergeRequest;
  ir::Trigger daily;
  daily.kind = ir::TriggerKind::Schedule;
  daily.name = "daily";
  daily.cron = "0 3 * * *";
  ir::Trigger manual;
  manual.kind = ir::TriggerKind::Manual;
  ir::Param force;
  force.name = "force_update";
  force.type.kind = ir::TypeKind::Bool;
  force.default_value = Bool(false);
  manual.inputs.push_back(force);
  p.triggers = {push, mr, daily, manual};
  std::vector<std::string> all = {"manual", "merge_request", "push", "schedule:daily"};
  p.stages = {"test", "build", "train"};

  ir::Secret key;
  key.name = "KAGGLE_KEY";
  key.masked = key.protected_ = true;
  p.secrets.push_back(key);

  ir::Job test = RunJob("test_pipeline", "pytest tests/pipeline");
  test.stage = "test";
  test.after_stages = true;  // no needs: GitLab's stage order (as sema sets it)
  test.active_triggers = all;
  ir::Output junit;
  junit.name = "report";
  junit.kind = ir::OutputKind::Junit;
  junit.path = "reports/unit.xml";
  test.outputs.push_back(junit);

  ir::Job train = RunJob("train", "python -m pipeline.train --model-out model.pkl");
  train.stage = "train";
  train.after_stages = true;
  train.when = TriggerIs({"schedule:daily", "manual"});
  train.active_triggers = {"manual", "schedule:daily"};
  ir::EnvVar env;
  env.name = "KAGGLE_KEY";
  env.secret = "KAGGLE_KEY";
  train.env.push_back(env);
  ir::Output model;
  model.name = "model";
  model.kind = ir::OutputKind::File;
  model.path = "model.pkl";
  model.expire_seconds = 30 * 86400;
  train.outputs.push_back(model);
  ir::Output metrics = model;
  metrics.name = "metrics";
  metrics.path = "metrics.json";
  metrics.expire_seconds.reset();
  train.outputs.push_back(metrics);

  ir::Job qualify = RunJob("qualify", "python -m pipeline.qualify metrics.json > qualified.txt");
  qualify.stage = "train";
  qualify.active_triggers = train.active_triggers;
  qualify.when = *train.when;
  qualify.needs.push_back({"train", true, false, ir::Need::Origin::Data, {}});
  qualify.inputs.push_back({"metrics", "train", "metrics", ir::OutputKind::File, "metrics.json", {}});
  ir::Output qualified;
  qualified.name = "qualified";
  qualified.kind = ir::OutputKind::Bool;
  qualified.path = "qualified.txt";
  qualify.outputs.push_back(qualified);

  ir::Job update = RunJob("update_model", "");
  update.steps[0].script = Interp("cp model.pkl api/model.pkl && echo ", ir::TextPart::Kind::Git, "sha", "");
  update.stage = "train";
  update.active_triggers = train.active_triggers;
  ir::Condition force_cond;
  force_cond.op = ir::Condition::Op::Truthy;
  force_cond.left.kind = ir::Operand::Kind::Input;
  force_cond.left.name = "force_update";
  update.when = Or(OutputTrue("qualify", "qualified"), force_cond);
  update.needs.push_back({"train", true, false, ir::Need::Origin::Data, {}});
  update.needs.push_back({"qualify", false, false, ir::Need::Origin::Data, {}});
  update.inputs.push_back({"model", "train", "model", ir::OutputKind::File, "model.pkl", {}});

  ir::Job deploy = RunJob("deploy_api", "heroku container:release web --app hat-staging");
  deploy.stage = "train";
  deploy.after_stages = true;
  deploy.active_triggers = all;
  deploy.when = GitEq("branch", "master");
  deploy.environment = ir::Environment{"staging", "https://hat-staging.example.com", true, {}};
  deploy.timeout_seconds = 5400;
  deploy.retry = 1;
  deploy.raw_gitlab.get() = {{"interruptible", true}};

  p.jobs = {test, train, qualify, update, deploy};
  ir::ResolveJobIds(p);
  return p;
}

bool HasDiag(const DiagnosticSink& d, DiagKind k) {
  for (const Diagnostic& x : d.diagnostics())
    if (x.kind == k) return true;
  return false;
}

}  // namespace pipec::emit::testing
