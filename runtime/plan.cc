#include "runtime/plan.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pipec::plan {

namespace {
template <class E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<CachePolicy, 3> kCachePolicies = {
    {{CachePolicy::PullPush, "pull-push"}, {CachePolicy::Pull, "pull"}, {CachePolicy::Push, "push"}}};
constexpr NameTable<OperandKind, 4> kOperandKinds = {{{OperandKind::Literal, "literal"},
                                                      {OperandKind::Git, "git"},
                                                      {OperandKind::Input, "input"},
                                                      {OperandKind::Output, "output"}}};
constexpr NameTable<CondOp, 10> kCondOps = {{{CondOp::True, "true"},
                                            {CondOp::And, "and"},
                                            {CondOp::Or, "or"},
                                            {CondOp::Not, "not"},
                                            {CondOp::TriggerIn, "trigger_in"},
                                            {CondOp::Eq, "eq"},
                                            {CondOp::Ne, "ne"},
                                            {CondOp::Matches, "matches"},
                                            {CondOp::Truthy, "truthy"},
                                            {CondOp::Changed, "changed"}}};
constexpr NameTable<RunWhen, 3> kRunWhens = {
    {{RunWhen::OnSuccess, "on_success"}, {RunWhen::OnFailure, "on_failure"}, {RunWhen::Always, "always"}}};

constexpr NameTable<TriggerKind, 6> kTriggerKinds = {{{TriggerKind::Push, "push"},
                                                      {TriggerKind::MergeRequest, "merge_request"},
                                                      {TriggerKind::Tag, "tag"},
                                                      {TriggerKind::Schedule, "schedule"},
                                                      {TriggerKind::Manual, "manual"},
                                                      {TriggerKind::Webhook, "webhook"}}};
constexpr NameTable<ChildKind, 2> kChildKinds = {{{ChildKind::Pipeline, "pipeline"}, {ChildKind::Project, "project"}}};
constexpr NameTable<ArtifactKind, 10> kArtifactKinds = {{{ArtifactKind::File, "file"},
                                                         {ArtifactKind::Dir, "dir"},
                                                         {ArtifactKind::Junit, "junit"},
                                                         {ArtifactKind::Dotenv, "dotenv"},
                                                         {ArtifactKind::Codequality, "codequality"},
                                                         {ArtifactKind::Coverage, "coverage"},
                                                         {ArtifactKind::Bool, "bool"},
                                                         {ArtifactKind::Int, "int"},
                                                         {ArtifactKind::Float, "float"},
                                                         {ArtifactKind::String, "string"}}};
constexpr NameTable<InputType, 6> kInputTypes = {{{InputType::String, "string"},
                                                  {InputType::Int, "int"},
                                                  {InputType::Float, "float"},
                                                  {InputType::Bool, "bool"},
                                                  {InputType::Duration, "duration"},
                                                  {InputType::Path, "path"}}};

template <class E, size_t N>
std::string_view NameIn(const NameTable<E, N>& table, E v) {
  for (const auto& [e, name] : table)
    if (e == v) return name;
  return "?";
}
}  // namespace

std::string_view Name(CachePolicy v) { return NameIn(kCachePolicies, v); }
std::string_view Name(OperandKind v) { return NameIn(kOperandKinds, v); }
std::string_view Name(CondOp v) { return NameIn(kCondOps, v); }
std::string_view Name(RunWhen v) { return NameIn(kRunWhens, v); }
std::string_view Name(TriggerKind v) { return NameIn(kTriggerKinds, v); }
std::string_view Name(ChildKind v) { return NameIn(kChildKinds, v); }
std::string_view Name(ArtifactKind v) { return NameIn(kArtifactKinds, v); }
std::string_view Name(InputType v) { return NameIn(kInputTypes, v); }
bool IsValueKind(ArtifactKind v) {
  return v == ArtifactKind::Bool || v == ArtifactKind::Int || v == ArtifactKind::Float || v == ArtifactKind::String;
}

// ---------------------------------------------------------------------------
// Writing. nlohmann::json objects keep their keys sorted, so equal plans serialise to
// identical bytes. std::optional fields are omitted when unset; everything else is written,
// so a reader never has to guess a default.

namespace {

using nlohmann::json;

json OperandToJson(const Operand& o) {
  json j = {{"kind", Name(o.kind)}, {"value", o.value}};
  if (o.kind == OperandKind::Output) j["job"] = o.job;
  return j;
}

json ConditionToJson(const Condition& c) {
  json j = {{"op", Name(c.op)}};
  if (c.op == CondOp::And || c.op == CondOp::Or || c.op == CondOp::Not) {
    json args = json::array();
    for (const Condition& a : c.args) args.push_back(ConditionToJson(a));
    j["args"] = std::move(args);
  } else if (c.op == CondOp::TriggerIn) {
    j["triggers"] = c.triggers;
  } else if (c.op == CondOp::Eq || c.op == CondOp::Ne || c.op == CondOp::Matches) {
    j["left"] = OperandToJson(c.left);
    j["right"] = OperandToJson(c.right);
  } else if (c.op == CondOp::Truthy) {
    j["left"] = OperandToJson(c.left);
  } else if (c.op == CondOp::Changed) {
    j["paths"] = c.paths;
  }
  return j;
}

json JobToJson(const Job& job, int version);

json ChildToJson(const ChildTrigger& t) {
  json j = {{"kind", Name(t.kind)},
            {"target", t.target},
            {"branch", t.branch},
            {"inputs", json(t.inputs)}};
  if (t.plan) j["plan"] = PlanToJson(*t.plan);
  return j;
}

json JobToJson(const Job& job, int version) {
  json inputs = json::array();
  for (const ArtifactIn& in : job.inputs)
    inputs.push_back({{"name", in.name},
                      {"job", in.job},
                      {"output", in.output},
                      {"kind", Name(in.kind)},
                      {"path", in.path}});
  json outputs = json::array();
  for (const ArtifactOut& out : job.outputs)
    outputs.push_back({{"name", out.name}, {"kind", Name(out.kind)}, {"path", out.path}});
  json j = {{"name", job.name},
            {"stage", job.stage},
            {"shell", job.shell},
            {"image", job.image},
            {"commands", job.commands},
            {"env", json(job.env)},
            {"secret_env", json(job.secret_env)},
            {"needs", job.needs},
            {"inputs", std::move(inputs)},
            {"outputs", std::move(outputs)},
            {"condition", ConditionToJson(job.condition)},
            {"triggers", job.triggers},
            {"run_when", Name(job.run_when)},
            {"retry", job.retry},
            {"allow_failure", job.allow_failure},
            {"caches", job.caches},
            {"manual_approval", job.manual_approval}};
  if (version >= 2) j["after_stages"] = job.after_stages;
  if (!job.optional_needs.empty()) j["optional_needs"] = job.optional_needs;
  if (!job.setup.empty()) j["setup"] = job.setup;
  if (!job.teardown.empty()) j["teardown"] = job.teardown;
  if (job.timeout_seconds) j["timeout_seconds"] = *job.timeout_seconds;
  if (job.environment) j["environment"] = *job.environment;
  if (job.trigger) j["trigger"] = ChildToJson(*job.trigger);
  return j;
}

}  // namespace

json PlanToJson(const Plan& plan) {
  json triggers = json::array();
  for (const Trigger& t : plan.triggers)
    triggers.push_back({{"id", t.id},
                        {"kind", Name(t.kind)},
                        {"branches", t.branches},
                        {"targets", t.targets},
                        {"tag_pattern", t.tag_pattern},
                        {"cron", t.cron},
                        {"timezone", t.timezone},
                        {"branch", t.branch}});
  json inputs = json::array();
  for (const Input& in : plan.inputs) {
    json j = {{"name", in.name}, {"type", Name(in.type)}};
    if (in.default_value) j["default"] = *in.default_value;
    inputs.push_back(std::move(j));
  }
  json secrets = json::array();
  for (const Secret& s : plan.secrets)
    secrets.push_back({{"name", s.name}, {"masked", s.masked}, {"file", s.file}});
  json caches = json::array();
  for (const Cache& c : plan.caches)
    caches.push_back({{"name", c.name},
                      {"key_prefix", c.key_prefix},
                      {"key_files", c.key_files},
                      {"paths", c.paths},
                      {"policy", Name(c.policy)}});
  json jobs = json::array();
  for (const Job& job : plan.jobs) jobs.push_back(JobToJson(job, plan.version));
  json out{{"version", plan.version},
              {"pipeline", plan.pipeline},
              {"source", plan.source},
              {"triggers", std::move(triggers)},
              {"inputs", std::move(inputs)},
              {"secrets", std::move(secrets)},
              {"caches", std::move(caches)},
              {"variables", json(plan.variables)},
              {"jobs", std::move(jobs)}};
  if (plan.version >= 2) out["stages"] = plan.stages;
  return out;
}

std::string WritePlanJson(const Plan& plan) { return PlanToJson(plan).dump(2) + "\n"; }

// ---------------------------------------------------------------------------
// Reading. A Reader walks one JSON object, remembers which keys it consumed, and reports
// the first problem with its full path; unknown keys are errors so a typo in a
// hand-written plan ("need" for "needs") is not silently ignored.

namespace {

struct Failure {
  std::string message;
};

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw Failure{(path.empty() ? std::string("plan") : path) + ": " + what};
}

std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string Index(const std::string& path, size_t i) { return fmt::format("{}[{}]", path, i); }

const char* TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "an unsupported value";
  }
}

class Reader {
 public:
  Reader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) Fail(path_, fmt::format("expected an object, got {}", TypeName(j_)));
  }
  // Call after every field was read: anything left is unknown.
  void Done() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!seen_.count(it.key())) Fail(Join(path_, it.key()), "unknown field");
  }
  const std::string& path() const { return path_; }
  const json* Get(const std::string& key, bool required) {
    seen_.insert(key);
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (required) Fail(Join(path_, key), "missing required field");
      return nullptr;
    }
    return &*it;
  }
  void Str(const std::string& key, std::string& out, bool required = false) {
    if (const json* v = Get(key, required)) out = AsString(*v, Join(path_, key));
  }
  void OptStr(const std::string& key, std::optional<std::string>& out) {
    if (const json* v = Get(key, false)) {
      if (v->is_null()) return;
      out = AsString(*v, Join(path_, key));
    }
  }
  void Bool(const std::string& key, bool& out) {
    if (const json* v = Get(key, false)) {
      if (!v->is_boolean()) Fail(Join(path_, key), fmt::format("expected a boolean, got {}", TypeName(*v)));
      out = v->get<bool>();
    }
  }
  void Int(const std::string& key, int64_t& out, bool required = false) {
    if (const json* v = Get(key, required)) {
      if (!v->is_number_integer())
        Fail(Join(path_, key), fmt::format("expected an integer, got {}", TypeName(*v)));
      out = v->get<int64_t>();
    }
  }
  void Strings(const std::string& key, std::vector<std::string>& out) {
    const json* v = Get(key, false);
    if (!v) return;
    std::string p = Join(path_, key);
    if (!v->is_array()) Fail(p, fmt::format("expected an array of strings, got {}", TypeName(*v)));
    for (size_t i = 0; i < v->size(); ++i) out.push_back(AsString((*v)[i], Index(p, i)));
  }
  void StringMap(const std::string& key, std::map<std::string, std::string>& out) {
    const json* v = Get(key, false);
    if (!v) return;
    std::string p = Join(path_, key);
    if (!v->is_object()) Fail(p, fmt::format("expected an object of strings, got {}", TypeName(*v)));
    for (auto it = v->begin(); it != v->end(); ++it)
      out[it.key()] = AsString(it.value(), Join(p, it.key()));
  }
  // Visits each element of an array field (absent = empty).
  void Each(const std::string& key, const std::function<void(const json&, const std::string&)>& fn) {
    const json* v = Get(key, false);
    if (!v) return;
    std::string p = Join(path_, key);
    if (!v->is_array()) Fail(p, fmt::format("expected an array, got {}", TypeName(*v)));
    for (size_t i = 0; i < v->size(); ++i) fn((*v)[i], Index(p, i));
  }

  static std::string AsString(const json& v, const std::string& path) {
    if (!v.is_string()) Fail(path, fmt::format("expected a string, got {}", TypeName(v)));
    return v.get<std::string>();
  }

 private:
  const json& j_;
  std::string path_;
  std::set<std::string> seen_;
};

// Reads the name of a closed set's member into its enum; any other name fails with the list.
template <class E, size_t N>
void ReadEnum(Reader& r, const std::string& key, const NameTable<E, N>& table, E& out, bool required = false) {
  std::string name;
  const json* v = r.Get(key, required);
  if (!v) return;
  name = Reader::AsString(*v, Join(r.path(), key));
  for (const auto& [e, n] : table)
    if (n == name) {
      out = e;
      return;
    }
  std::string list;
  for (const auto& [e, n] : table) list += (list.empty() ? "" : ", ") + std::string(n);
  Fail(Join(r.path(), key), fmt::format("unknown value \"{}\" (expected one of: {})", name, list));
}

Operand ReadOperand(const json& j, const std::string& path) {
  Reader r(j, path);
  Operand o;
  ReadEnum(r, "kind", kOperandKinds, o.kind, true);
  r.Str("value", o.value, true);
  r.Str("job", o.job);
  if (o.kind == OperandKind::Output && o.job.empty()) Fail(Join(path, "job"), "an output operand names its job");
  if (o.kind != OperandKind::Literal && o.value.empty()) Fail(Join(path, "value"), "an operand names what it reads");
  r.Done();
  return o;
}

constexpr int kMaxConditionDepth = 200;

Condition ReadCondition(const json& j, const std::string& path, int depth) {
  if (depth > kMaxConditionDepth) Fail(path, "condition nests deeper than 200 levels");
  Reader r(j, path);
  Condition c;
  ReadEnum(r, "op", kCondOps, c.op, true);
  if (c.op == CondOp::And || c.op == CondOp::Or || c.op == CondOp::Not) {
    r.Get("args", true);
    r.Each("args", [&](const json& a, const std::string& p) { c.args.push_back(ReadCondition(a, p, depth + 1)); });
    if (c.op == CondOp::Not && c.args.size() != 1) Fail(Join(path, "args"), "\"not\" takes exactly one argument");
    if (c.op != CondOp::Not && c.args.empty())
      Fail(Join(path, "args"), fmt::format("\"{}\" needs at least one argument", Name(c.op)));
  } else if (c.op == CondOp::TriggerIn) {
    r.Get("triggers", true);
    r.Strings("triggers", c.triggers);
  } else if (c.op == CondOp::Eq || c.op == CondOp::Ne || c.op == CondOp::Matches) {
    c.left = ReadOperand(*r.Get("left", true), Join(path, "left"));
    c.right = ReadOperand(*r.Get("right", true), Join(path, "right"));
  } else if (c.op == CondOp::Truthy) {
    c.left = ReadOperand(*r.Get("left", true), Join(path, "left"));
  } else if (c.op == CondOp::Changed) {
    r.Get("paths", true);
    r.Strings("paths", c.paths);
    if (c.paths.empty()) Fail(Join(path, "paths"), "\"changed\" needs at least one path");
    for (size_t i = 0; i < c.paths.size(); ++i)
      if (c.paths[i].empty()) Fail(Index(Join(path, "paths"), i), "empty path pattern");
  }
  r.Done();
  return c;
}

Plan ReadPlan(const json& j, const std::string& path);

Job ReadJob(const json& j, const std::string& path, int version) {
  Reader r(j, path);
  Job job;
  r.Str("name", job.name, true);
  if (job.name.empty()) Fail(Join(path, "name"), "a job name cannot be empty");
  r.Str("stage", job.stage);
  if (version >= 2) r.Bool("after_stages", job.after_stages);
  r.Strings("optional_needs", job.optional_needs);
  r.Str("shell", job.shell);
  if (job.shell.empty()) Fail(Join(path, "shell"), "the shell cannot be empty");
  r.Str("image", job.image);
  r.Strings("commands", job.commands);
  r.Strings("setup", job.setup);
  r.Strings("teardown", job.teardown);
  r.StringMap("env", job.env);
  r.StringMap("secret_env", job.secret_env);
  r.Strings("needs", job.needs);
  r.Each("inputs", [&](const json& e, const std::string& p) {
    Reader ir(e, p);
    ArtifactIn in;
    ir.Str("name", in.name, true);
    ir.Str("job", in.job, true);
    ir.Str("output", in.output, true);
    ReadEnum(ir, "kind", kArtifactKinds, in.kind);
    ir.Str("path", in.path);
    ir.Done();
    job.inputs.push_back(std::move(in));
  });
  r.Each("outputs", [&](const json& e, const std::string& p) {
    Reader orr(e, p);
    ArtifactOut out;
    orr.Str("name", out.name, true);
    ReadEnum(orr, "kind", kArtifactKinds, out.kind, true);
    orr.Str("path", out.path, true);
    if (out.path.empty()) Fail(Join(p, "path"), "an output path cannot be empty");
    orr.Done();
    job.outputs.push_back(std::move(out));
  });
  if (const json* c = r.Get("condition", false)) job.condition = ReadCondition(*c, Join(path, "condition"), 0);
  r.Strings("triggers", job.triggers);
  ReadEnum(r, "run_when", kRunWhens, job.run_when);
  int64_t n = 0;
  if (r.Get("timeout_seconds", false)) {
    r.Int("timeout_seconds", n);
    if (n <= 0) Fail(Join(path, "timeout_seconds"), "a timeout must be positive");
    job.timeout_seconds = n;
  }
  n = 0;
  r.Int("retry", n);
  if (n < 0 || n > 10) Fail(Join(path, "retry"), "retry must be between 0 and 10");
  job.retry = static_cast<int>(n);
  r.Bool("allow_failure", job.allow_failure);
  r.Strings("caches", job.caches);
  r.OptStr("environment", job.environment);
  r.Bool("manual_approval", job.manual_approval);
  if (const json* t = r.Get("trigger", false)) {
    std::string tp = Join(path, "trigger");
    Reader tr(*t, tp);
    ChildTrigger ct;
    ReadEnum(tr, "kind", kChildKinds, ct.kind, true);
    tr.Str("target", ct.target);
    tr.Str("branch", ct.branch);
    tr.StringMap("inputs", ct.inputs);
    if (const json* p = tr.Get("plan", false)) ct.plan = std::make_shared<Plan>(ReadPlan(*p, Join(tp, "plan")));
    if (ct.kind == ChildKind::Pipeline && !ct.plan) Fail(Join(tp, "plan"), "a child pipeline trigger embeds its plan");
    tr.Done();
    job.trigger = std::move(ct);
  }
  r.Done();
  return job;
}

// Whole-plan checks after every job is read: names resolve, the graph is acyclic.
void CheckPlan(const Plan& plan, const std::string& path) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    auto [it, fresh] = index.emplace(plan.jobs[i].name, i);
    if (!fresh)
      Fail(Join(Index(Join(path, "jobs"), i), "name"),
           fmt::format("duplicate job name \"{}\" (first at jobs[{}])", plan.jobs[i].name, it->second));
  }
  std::set<std::string> caches, secrets, triggers, inputs;
  for (size_t i = 0; i < plan.caches.size(); ++i)
    if (!caches.insert(plan.caches[i].name).second)
      Fail(Join(Index(Join(path, "caches"), i), "name"), fmt::format("duplicate cache \"{}\"", plan.caches[i].name));
  for (size_t i = 0; i < plan.secrets.size(); ++i)
    if (!secrets.insert(plan.secrets[i].name).second)
      Fail(Join(Index(Join(path, "secrets"), i), "name"), fmt::format("duplicate secret \"{}\"", plan.secrets[i].name));
  for (size_t i = 0; i < plan.inputs.size(); ++i)
    if (!inputs.insert(plan.inputs[i].name).second)
      Fail(Join(Index(Join(path, "inputs"), i), "name"), fmt::format("duplicate input \"{}\"", plan.inputs[i].name));
  for (const Trigger& t : plan.triggers) triggers.insert(t.id);

  auto job_path = [&](size_t i) { return Index(Join(path, "jobs"), i); };
  auto check_operand = [&](const Operand& o, const std::string& p) {
    if (o.kind == OperandKind::Output) {
      auto it = index.find(o.job);
      if (it == index.end()) Fail(Join(p, "job"), fmt::format("unknown job \"{}\"", o.job));
      const Job& producer = plan.jobs[it->second];
      bool found = std::any_of(producer.outputs.begin(), producer.outputs.end(),
                               [&](const ArtifactOut& out) { return out.name == o.value; });
      if (!found) Fail(Join(p, "value"), fmt::format("job \"{}\" has no output \"{}\"", o.job, o.value));
    } else if (o.kind == OperandKind::Input && !inputs.count(o.value)) {
      Fail(Join(p, "value"), fmt::format("unknown pipeline input \"{}\"", o.value));
    }
  };
  std::function<void(const Condition&, const std::string&)> check_condition =
      [&](const Condition& c, const std::string& p) {
        for (size_t i = 0; i < c.args.size(); ++i) check_condition(c.args[i], Index(Join(p, "args"), i));
        if (c.op == CondOp::Eq || c.op == CondOp::Ne || c.op == CondOp::Matches) {
          check_operand(c.left, Join(p, "left"));
          check_operand(c.right, Join(p, "right"));
        } else if (c.op == CondOp::Truthy) {
          check_operand(c.left, Join(p, "left"));
        }
      };

  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    const Job& job = plan.jobs[i];
    std::string jp = job_path(i);
    std::set<std::string> needs;
    for (size_t k = 0; k < job.needs.size(); ++k) {
      std::string np = Index(Join(jp, "needs"), k);
      if (!index.count(job.needs[k])) Fail(np, fmt::format("unknown job \"{}\"", job.needs[k]));
      if (job.needs[k] == job.name) Fail(np, "a job cannot need itself");
      if (!needs.insert(job.needs[k]).second) Fail(np, fmt::format("\"{}\" is listed twice", job.needs[k]));
    }
    for (size_t k = 0; k < job.optional_needs.size(); ++k)
      if (!needs.count(job.optional_needs[k]))
        Fail(Index(Join(jp, "optional_needs"), k),
             fmt::format("\"{}\" is not in needs", job.optional_needs[k]));
    for (size_t k = 0; k < job.inputs.size(); ++k) {
      const ArtifactIn& in = job.inputs[k];
      std::string ip = Index(Join(jp, "inputs"), k);
      auto it = index.find(in.job);
      if (it == index.end()) Fail(Join(ip, "job"), fmt::format("unknown job \"{}\"", in.job));
      if (!needs.count(in.job))
        Fail(Join(ip, "job"), fmt::format("input from \"{}\", which is not in needs", in.job));
      const Job& producer = plan.jobs[it->second];
      bool found = std::any_of(producer.outputs.begin(), producer.outputs.end(),
                               [&](const ArtifactOut& out) { return out.name == in.output; });
      if (!found) Fail(Join(ip, "output"), fmt::format("job \"{}\" has no output \"{}\"", in.job, in.output));
    }
    std::set<std::string> out_names;
    for (size_t k = 0; k < job.outputs.size(); ++k)
      if (!out_names.insert(job.outputs[k].name).second)
        Fail(Join(Index(Join(jp, "outputs"), k), "name"), fmt::format("duplicate output \"{}\"", job.outputs[k].name));
    for (auto& [env, secret] : job.secret_env)
      if (!secrets.count(secret))
        Fail(Join(Join(jp, "secret_env"), env), fmt::format("unknown secret \"{}\"", secret));
    for (size_t k = 0; k < job.caches.size(); ++k)
      if (!caches.count(job.caches[k]))
        Fail(Index(Join(jp, "caches"), k), fmt::format("unknown cache \"{}\"", job.caches[k]));
    // A bare kind ("schedule") names every trigger of that kind ("schedule:nightly").
    auto declared = [&](const std::string& t) {
      if (triggers.count(t)) return true;
      for (const std::string& id : triggers)
        if (id.rfind(t + ":", 0) == 0) return true;
      return false;
    };
    if (!triggers.empty())
      for (size_t k = 0; k < job.triggers.size(); ++k)
        if (!declared(job.triggers[k]))
          Fail(Index(Join(jp, "triggers"), k), fmt::format("unknown trigger \"{}\"", job.triggers[k]));
    check_condition(job.condition, Join(jp, "condition"));
  }

  // Stage order (version 2).
  std::map<std::string, size_t> stage_index;
  for (size_t s = 0; s < plan.stages.size(); ++s) {
    std::string sp = Index(Join(path, "stages"), s);
    if (plan.stages[s].empty()) Fail(sp, "a stage name cannot be empty");
    if (!stage_index.emplace(plan.stages[s], s).second) Fail(sp, fmt::format("duplicate stage \"{}\"", plan.stages[s]));
  }
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    const Job& job = plan.jobs[i];
    if (plan.version >= 2 && !job.stage.empty() && !stage_index.count(job.stage))
      Fail(Join(job_path(i), "stage"), fmt::format("unknown stage \"{}\"", job.stage));
    if (job.after_stages && job.stage.empty())
      Fail(Join(job_path(i), "after_stages"), "a job without a stage has no earlier stages to wait for");
  }

  // Cycle check (iterative DFS, colours) over the jobs and one barrier node per stage
  // (node jobs.size() + s: every job of stages 0..s finished): the runtime relies on a DAG.
  size_t n = plan.jobs.size(), nodes = n + plan.stages.size();
  std::vector<std::vector<size_t>> preds(nodes);
  for (size_t i = 0; i < n; ++i) {
    const Job& job = plan.jobs[i];
    for (const std::string& need : job.needs) preds[i].push_back(index.at(need));
    auto st = stage_index.find(job.stage);
    if (st == stage_index.end()) continue;
    if (job.after_stages && st->second > 0) preds[i].push_back(n + st->second - 1);
    preds[n + st->second].push_back(i);
  }
  for (size_t s = 1; s < plan.stages.size(); ++s) preds[n + s].push_back(n + s - 1);
  auto what = [&](size_t node) {
    return node < n ? fmt::format("\"{}\"", plan.jobs[node].name)
                    : fmt::format("stage \"{}\"", plan.stages[node - n]);
  };
  std::vector<int> colour(nodes, 0);
  for (size_t root = 0; root < nodes; ++root) {
    if (colour[root]) continue;
    std::vector<std::pair<size_t, size_t>> stack{{root, 0}};
    colour[root] = 1;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == preds[node].size()) {
        colour[node] = 2;
        stack.pop_back();
        continue;
      }
      size_t k = next++;
      size_t dep = preds[node][k];
      if (colour[dep] == 1) {
        // Report at the innermost job of the loop: the need it follows, or its after_stages
        // when the loop runs through stage order.
        std::string where = job_path(dep < n ? dep : 0);
        for (auto it = stack.rbegin(); it != stack.rend(); ++it)
          if (it->first < n) {
            size_t edge = it->second - 1;
            const Job& at = plan.jobs[it->first];
            where = edge < at.needs.size() ? Index(Join(job_path(it->first), "needs"), edge)
                                           : Join(job_path(it->first), at.after_stages ? "after_stages" : "stage");
            break;
          }
        if (node < n && dep < n)
          Fail(where, fmt::format("dependency cycle through {} and {}", what(node), what(dep)));
        // Through stage order: the whole loop, each waiting for the next.
        std::vector<std::string> loop;
        bool in_loop = false;
        for (const auto& [v, unused] : stack) {
          in_loop = in_loop || v == dep;
          if (in_loop) loop.push_back(what(v));
        }
        loop.push_back(what(dep));
        Fail(where, fmt::format("dependency cycle through stage order: {} (each waits for the next)",
                                fmt::join(loop, " -> ")));
      }
      if (colour[dep] == 0) {
        colour[dep] = 1;
        stack.push_back({dep, 0});
      }
    }
  }
}

Plan ReadPlan(const json& j, const std::string& path) {
  Reader r(j, path);
  Plan plan;
  int64_t version = 0;
  r.Int("version", version, true);
  if (version < kOldestPlanVersion || version > kPlanVersion)
    Fail(Join(path, "version"), fmt::format("unsupported plan version {} (this pipec reads versions {} to {})", version,
                                            kOldestPlanVersion, kPlanVersion));
  plan.version = static_cast<int>(version);
  if (version >= 2) r.Strings("stages", plan.stages);
  r.Str("pipeline", plan.pipeline);
  r.Str("source", plan.source);
  r.Each("triggers", [&](const json& e, const std::string& p) {
    Reader tr(e, p);
    Trigger t;
    tr.Str("id", t.id, true);
    ReadEnum(tr, "kind", kTriggerKinds, t.kind, true);
    tr.Strings("branches", t.branches);
    tr.Strings("targets", t.targets);
    tr.Str("tag_pattern", t.tag_pattern);
    tr.Str("cron", t.cron);
    tr.Str("timezone", t.timezone);
    tr.Str("branch", t.branch);
    tr.Done();
    plan.triggers.push_back(std::move(t));
  });
  r.Each("inputs", [&](const json& e, const std::string& p) {
    Reader ir(e, p);
    Input in;
    ir.Str("name", in.name, true);
    ReadEnum(ir, "type", kInputTypes, in.type, true);
    ir.OptStr("default", in.default_value);
    ir.Done();
    plan.inputs.push_back(std::move(in));
  });
  r.Each("secrets", [&](const json& e, const std::string& p) {
    Reader sr(e, p);
    Secret s;
    sr.Str("name", s.name, true);
    sr.Bool("masked", s.masked);
    sr.Bool("file", s.file);
    sr.Done();
    plan.secrets.push_back(std::move(s));
  });
  r.Each("caches", [&](const json& e, const std::string& p) {
    Reader cr(e, p);
    Cache c;
    cr.Str("name", c.name, true);
    cr.Str("key_prefix", c.key_prefix);
    cr.Strings("key_files", c.key_files);
    cr.Strings("paths", c.paths);
    ReadEnum(cr, "policy", kCachePolicies, c.policy);
    cr.Done();
    plan.caches.push_back(std::move(c));
  });
  r.StringMap("variables", plan.variables);
  r.Get("jobs", true);
  r.Each("jobs", [&](const json& e, const std::string& p) {
    plan.jobs.push_back(ReadJob(e, p, plan.version));
  });
  r.Done();
  CheckPlan(plan, path);
  return plan;
}

}  // namespace

std::optional<Plan> PlanFromJson(const nlohmann::json& j, std::string* error) {
  try {
    return ReadPlan(j, "");
  } catch (const Failure& f) {
    if (error) *error = f.message;
    return std::nullopt;
  }
}

std::optional<Plan> ReadPlanJson(std::string_view text, std::string* error) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number such as 1e999 (found by fuzz_plan).
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> drop the tag.
    std::string what = e.what();
    if (size_t p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    if (error) *error = "invalid JSON: " + what;
    return std::nullopt;
  }
  return PlanFromJson(j, error);
}

}  // namespace pipec::plan
