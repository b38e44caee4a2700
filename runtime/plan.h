#pragma once
// The native plan: the only input of the runtime (`pipec run`). The compiler writes it
// (compiler/emit/plan_emitter) through WritePlanJson; the runtime reads it with ReadPlanJson.
// This header must never include compiler headers: the runtime stands alone.
// Format reference: docs/plan.md ("version": 2; version 1 is still read).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace pipec::plan {

// Version 2 carries stage order as data (Plan::stages, Job::after_stages); version 1 had it
// flattened into needs, which the runtime could only guess back.
inline constexpr int kPlanVersion = 2;
inline constexpr int kOldestPlanVersion = 1;

// The closed sets of the format are enums in memory and their names in JSON (Name() below;
// the reader refuses any other name with the list of allowed ones).
enum class CachePolicy { PullPush, Pull, Push };                     // "pull-push" | "pull" | "push"
enum class OperandKind { Literal, Git, Input, Output };              // "literal" | "git" | ...
enum class CondOp { True, And, Or, Not, TriggerIn, Eq, Ne, Matches, Truthy, Changed };  // "true", "and", ..., "trigger_in", "changed"
enum class RunWhen { OnSuccess, OnFailure, Always };                 // "on_success" | "on_failure" | "always"
enum class TriggerKind { Push, MergeRequest, Tag, Schedule, Manual, Webhook };  // "push", "merge_request", ...
enum class ChildKind { Pipeline, Project };  // "pipeline" (runs inline) | "project" (cannot run locally)
// What a job leaves behind: files and reports, or a typed value read from a file.
enum class ArtifactKind { File, Dir, Junit, Dotenv, Codequality, Coverage, Bool, Int, Float, String };
enum class InputType { String, Int, Float, Bool, Duration, Path };  // "string" | "int" | ...
std::string_view Name(CachePolicy v);
std::string_view Name(OperandKind v);
std::string_view Name(CondOp v);
std::string_view Name(RunWhen v);
std::string_view Name(TriggerKind v);
std::string_view Name(ChildKind v);
std::string_view Name(ArtifactKind v);  // "file" | "dir" | "junit" | ... | "bool" | "string"
std::string_view Name(InputType v);
// Bool, Int, Float, String: parsed from the file after the job (run_info.h), not uploaded.
bool IsValueKind(ArtifactKind v);


struct Trigger {
  std::string id;    // "push", "merge_request", "tag", "manual", "schedule:NAME", "webhook:NAME"
  TriggerKind kind = TriggerKind::Push;
  std::vector<std::string> branches;  // push: globs ([] = any)
  std::vector<std::string> targets;   // merge_request: target globs
  std::string tag_pattern;            // tag
  std::string cron, timezone, branch; // schedule
};

struct Input {  // a typed pipeline input (manual / webhook)
  std::string name;
  InputType type = InputType::String;
  std::optional<std::string> default_value;
};

struct Secret {
  std::string name;  // the value comes from the environment or --secrets-file, never the plan
  bool masked = true;
  bool file = false;  // delivered as a path to a file holding the value
};

struct Cache {
  std::string name;
  std::string key_prefix;
  std::vector<std::string> key_files;  // the key is key_prefix + hash of these files
  std::vector<std::string> paths;
  CachePolicy policy = CachePolicy::PullPush;
};

// Condition tree; operands read git facts, pipeline inputs or upstream value outputs.
struct Operand {
  OperandKind kind = OperandKind::Literal;
  std::string value;  // literal text (bools "true"/"false"), git field, input name, output name
  std::string job;    // output: producing job
};
struct Condition {
  CondOp op = CondOp::True;
  std::vector<Condition> args;
  std::vector<std::string> triggers;  // trigger_in
  Operand left, right;                // eq/ne/matches (right = glob), truthy (left)
  std::vector<std::string> paths;     // changed: git `:(glob)` pathspec patterns
};

struct ArtifactIn {   // restore JOB's OUTPUT at PATH before the job starts
  std::string name, job, output;
  ArtifactKind kind = ArtifactKind::File;  // the producer's output kind
  std::string path;
};
struct ArtifactOut {  // collect PATH after success; value kinds are parsed from the file
  std::string name;
  ArtifactKind kind = ArtifactKind::File;
  std::string path;
};

struct Job;
struct Plan;

struct ChildTrigger {
  ChildKind kind = ChildKind::Pipeline;  // project: cannot run locally (reported, skipped)
  std::string target;
  std::string branch;
  std::map<std::string, std::string> inputs;
  std::shared_ptr<Plan> plan;  // pipeline: the compiled child plan
};

struct Job {
  std::string name;
  std::string stage;          // "" or one of Plan::stages
  // Waits for every job of the earlier stages that is in the run (a skipped one does not
  // hold it back; a failed one skips it unless it runs on failure or always): GitLab's
  // stage order, one flag instead of a need per pair of jobs.
  bool after_stages = false;
  std::string shell = "sh";   // commands run as `<shell> -e -c <script>` (bash: also -o pipefail)
  std::string image;          // used by --executor docker|podman only
  std::vector<std::string> commands;  // one script per `run`, in order
  // Optional (absent = none). `setup` runs first in the same shell as `commands`;
  // `teardown` runs after them, pass or fail, in a shell of its own, its status ignored.
  std::vector<std::string> setup;
  std::vector<std::string> teardown;
  std::map<std::string, std::string> env;         // plain variables (already substituted)
  std::map<std::string, std::string> secret_env;  // ENV_NAME -> secret name
  std::vector<std::string> needs;                 // jobs that must finish first (and pass, for on_success)
  // Needs dropped when their job is not in the run (its triggers or static condition leave it
  // out, as GitLab's `optional: true`); a subset of `needs`.
  std::vector<std::string> optional_needs;
  std::vector<ArtifactIn> inputs;
  std::vector<ArtifactOut> outputs;
  Condition condition;
  std::vector<std::string> triggers;  // trigger ids under which the job exists
  RunWhen run_when = RunWhen::OnSuccess;
  std::optional<int64_t> timeout_seconds;
  int retry = 0;
  bool allow_failure = false;
  std::vector<std::string> caches;
  std::optional<std::string> environment;
  bool manual_approval = false;
  std::optional<ChildTrigger> trigger;
};

struct Plan {
  int version = kPlanVersion;
  std::string pipeline;
  std::string source;  // the .pipe file it was compiled from
  std::vector<Trigger> triggers;
  std::vector<Input> inputs;
  std::vector<Secret> secrets;
  std::vector<Cache> caches;
  std::map<std::string, std::string> variables;  // pipeline-level, exported to every job
  std::vector<std::string> stages;               // in order (version 2)
  std::vector<Job> jobs;
};

// Serialises with stable key order (byte-identical for equal plans).
nlohmann::json PlanToJson(const Plan& plan);
std::string WritePlanJson(const Plan& plan);
// Reads and validates a plan; on failure returns nullopt and sets *error to a message
// that names the JSON path of the problem ("jobs[3].needs[0]: unknown job \"x\"").
std::optional<Plan> PlanFromJson(const nlohmann::json& j, std::string* error);
std::optional<Plan> ReadPlanJson(std::string_view text, std::string* error);

}  // namespace pipec::plan
