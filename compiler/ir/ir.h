#pragma once
// The vendor-neutral pipeline IR: what a pipeline means after name resolution, template and
// matrix expansion. Every later stage reads only this: the checker (lint/), the emitters
// (compiler/emit/), and, through the plan format, the runtime. The YAML importers
// (compiler/import/) build it too, so it also holds what only YAML has (steps that `uses:`
// an action, raw vendor keys). Every element carries the SourceRange it came from.
//
// docs/ir.md describes it; `pipec check --dump-ir` prints it (ir_json.h).
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/source.h"
#include "compiler/ir/github_facts.h"
#include "compiler/support/box.h"
#include "compiler/support/json_box.h"

namespace pipec::ir {

// A job is referred to by its index in Pipeline::jobs. Each front end (sema, the importers)
// fills the ids once its job list is final (ResolveJobIds); references keep the name too, for
// messages and output. kNoJob: no job has that name. Sema never makes one; the importers
// report unknown needs themselves and leave them out (optional ones on absent jobs too), and
// keep only what the checker judges: a GitHub download the reader could not tie to an upload
// in a job it needs (job "", github-missing-artifact).
using JobId = uint32_t;
inline constexpr JobId kNoJob = std::numeric_limits<JobId>::max();

// ---- values and types ----
enum class TypeKind { String, Int, Float, Bool, Duration, Path, List, Secret };
struct Type {
  TypeKind kind = TypeKind::String;
  TypeKind element = TypeKind::String;  // for List
  bool operator==(const Type&) const = default;
};
std::string TypeName(const Type& t);  // "string", "list[int]", ...

// A constant value. Durations are seconds; paths are strings.
struct Value {
  Type type;
  std::string string_value;  // String, Path (and the source spelling for Duration/Float)
  int64_t int_value = 0;     // Int, Duration (seconds), Bool (0/1)
  double float_value = 0;
  std::vector<Value> list;
  std::string ToString() const;  // shell-ready text: 3.11, true, 10, 30d->"2592000"
};

// Text that may refer to things only known when the pipeline runs. Compile-time values
// (vars, template parameters, matrix cells, input paths) are already substituted.
struct TextPart {
  enum class Kind { Literal, Git, Input };
  Kind kind = Kind::Literal;
  std::string text;  // Literal: the text; Git: "sha"|"branch"|"tag"|"ref"|"short_sha"|...; Input: input name
};
struct Text {
  std::vector<TextPart> parts;
  bool IsLiteral() const;
  std::string LiteralText() const;  // concatenated literals (refs rendered as ${{ git.x }})
  static Text Of(std::string s);
};

// ---- triggers ----
enum class TriggerKind { Push, MergeRequest, Tag, Schedule, Manual, Webhook };
std::string_view TriggerKindName(TriggerKind k);  // "push", "merge_request", ...

struct Param {  // a typed input of `on manual inputs {}` / `on webhook NAME inputs {}`
  std::string name;
  Type type;
  std::optional<Value> default_value;
  SourceRange range;
};

struct Trigger {
  TriggerKind kind = TriggerKind::Push;
  std::string name;                   // schedule/webhook name ("" otherwise)
  std::vector<std::string> branches;  // push: branch globs (empty = any)
  std::vector<std::string> paths;     // push: changed-path globs (empty = any)
  std::vector<std::string> targets;   // merge_request: target branch globs (empty = any)
  std::string tag_pattern;            // tag: glob
  std::string cron, timezone, branch;  // schedule (branch: ref the schedule runs on)
  std::vector<Param> inputs;          // manual / webhook
  SourceRange range;
  std::string Id() const;  // "push", "merge_request", "tag", "manual", "schedule:NAME", "webhook:NAME"
};

// ---- conditions ----
struct Operand {
  enum class Kind { Literal, Git, Input, Output };
  Kind kind = Kind::Literal;
  Value literal;        // Literal
  std::string name;     // Git field / Input name / Output value name
  std::string job;      // Output: producing job (expanded name)
  SourceRange range;
  JobId job_id = kNoJob;  // Output: the producing job's index
};

struct Condition {
  // Changed: a file matching one of `paths` (Path globs, `**` only as a whole segment)
  // changed in the run's diff; true when the run has no diff (tags, schedules, new branches).
  // Sema allows it only as the whole condition or as one term of a top-level And, since
  // GitLab's `rules:changes` can only be ANDed with the rest of a rule.
  enum class Op { True, And, Or, Not, TriggerIn, Eq, Ne, Matches, Truthy, Changed };
  Op op = Op::True;
  std::vector<Condition> args;        // And/Or (n-ary), Not (1)
  std::vector<std::string> triggers;  // TriggerIn: trigger ids ("push", "schedule:nightly", ...)
  std::vector<std::string> paths;    // Changed
  Operand left, right;                // Eq/Ne (left, right), Matches (left, right=glob), Truthy (left)
  SourceRange range;
  bool IsTrue() const { return op == Op::True; }
};

// The `changed [...]` term of a job's condition: the condition itself or one term of its
// top-level And; nullptr when there is none.
const Condition* ChangedTerm(const Condition& c);
// How many Changed nodes the condition has anywhere (sema allows one, as ChangedTerm finds it).
size_t CountChanged(const Condition& c);

// ---- declarations ----
struct Variable {
  std::string name;
  Value value;
  SourceRange range;
};

struct Secret {
  std::string name;
  bool masked = false;
  bool protected_ = false;
  bool file = false;        // delivered as a file path (GitLab file variable)
  std::string environment;  // environment scope ("" = all)
  // Where the secret-ness came from (import: "secrets.X reference", "masked: true",
  // "--secret", "name looks like a credential"); "declared" for .pipe files.
  std::string origin = "declared";
  SourceRange range;
};

struct Cache {
  std::string name;
  std::vector<std::string> key_files;  // key from hashes of these files
  std::string key;                     // literal key prefix ("" = the cache name)
  std::vector<std::string> paths;
  std::string policy = "pull-push";    // pull-push | pull | push
  SourceRange range;
};

// ---- jobs ----
enum class OutputKind { File, Dir, Junit, Dotenv, Codequality, Coverage, Bool, Int, Float, String };
std::string_view OutputKindName(OutputKind k);
bool IsValueOutput(OutputKind k);   // Bool/Int/Float/String
bool IsReportOutput(OutputKind k);  // Junit/Dotenv/Codequality/Coverage

struct Output {
  std::string name;
  OutputKind kind = OutputKind::File;
  std::string path;                       // file/dir path, or the file a value is read from
  std::optional<int64_t> expire_seconds;  // artifacts only
  bool publish = false;  // meant for people (reports, release files): no job needs to read it
  SourceRange range;
};

struct InputRef {        // `in NAME = JOB.OUTPUT`
  std::string name;      // local name
  std::string job;       // producing job (expanded name)
  std::string output;    // output name
  OutputKind kind = OutputKind::File;  // the producer's output kind
  std::string path;      // where the artifact is restored in the consumer's workspace
  SourceRange range;
  JobId job_id = kNoJob;  // the producing job's index
};

// Job::needs holds the job's own edges; stage order is not among them (Job::after_stages,
// walked through ir::DepGraph's barrier nodes). Origin::StageArtifacts edges only say whose
// artifacts a job without needs downloads (GitLab `dependencies:` without `needs:`): the
// order comes from the stages, and the producer may be absent under a trigger ("its
// artifacts if it ran"). All other origins are hard dependencies: sema guarantees that the
// target exists wherever the job exists (the importers report unknown targets and leave them out).
struct Need {
  std::string job;       // expanded job name
  bool artifacts = false;  // restores the needed job's artifacts
  // `needs optional x` / GitLab `optional: true`: when x is not in the pipeline (its triggers
  // or its static condition leave it out) the job does not wait for it; else a plain need.
  bool optional = false;
  enum class Origin { Explicit, Data, StageArtifacts, Import } origin = Origin::Explicit;
  bool Hard() const { return origin != Origin::StageArtifacts; }
  SourceRange range;
  JobId job_id = kNoJob;  // the needed job's index
  // (import, GitLab) `artifacts: true` written out in the `needs:` entry: GitLab's default,
  // but written it asks for artifacts (gitlab-need-without-artifacts).
  bool artifacts_written = false;
};

struct Step {
  enum class Kind { Run, Uses };
  Kind kind = Kind::Run;
  // Setup runs before the Main steps in their shell; Teardown after the job, pass or fail,
  // in a shell of its own, without changing the job's result (GitLab before/after_script).
  // In Job::steps the Setup steps come first and the Teardown steps last.
  enum class Phase { Main, Setup, Teardown };
  Phase phase = Phase::Main;
  Text script;                               // Run
  std::string shell;                         // "" = the job's shell
  std::string uses;                          // Uses: "actions/checkout@v4"
  std::map<std::string, std::string> with;   // Uses
  std::map<std::string, Text> env;           // step-level env (import)
  std::string id, name, condition;           // import: step id/name/`if:` as written
  SourceRange range;
  // Source location of each script line's first character (for mapping positions inside
  // the script, e.g. shellcheck findings, back to the file). May be empty.
  std::vector<SourceLoc> script_line_locs;
};

struct EnvVar {
  std::string name;
  Text value;              // when not a secret
  std::string secret;      // bound secret name ("" when a plain value)
  SourceRange range;
};

struct Environment {
  std::string name;
  std::string url;
  bool manual_approval = false;
  SourceRange range;
};

struct TriggerJob {  // `trigger pipeline "x.pipe"` / `trigger project "group/p"`
  enum class Kind { Pipeline, Project };
  Kind kind = Kind::Pipeline;
  std::string target;  // path of the child .pipe (relative to the parent) or project path
  std::string branch;  // project
  std::map<std::string, Text> inputs;
  SourceRange range;
};

enum class RunWhen { OnSuccess, OnFailure, Always };

// (import, GitLab) one entry of a job's `dependencies:`, by the name written: a parallel
// job's name stands for all its cells.
struct Dependency {
  std::string job;
  SourceRange range;
};

// (import, GitLab) a path a `before_script`/`script` line mentions (compiler/import/
// script_paths.h: words with a `/` or a file extension, as written without quotes and `./`),
// placed in the YAML scalar, for gitlab-artifact-not-fetched.
struct ScriptPathRef {
  std::string path;
  bool writes = false;  // the line writes it (a redirect, mkdir, cp/mv destination, `-o`)
  SourceRange range;
};

struct Job {
  std::string name;        // expanded, unique: "test_api[py=3.11]"
  std::string base_name;   // as declared: "test_api"
  std::map<std::string, std::string> matrix;  // this cell's values
  std::string stage;       // "" = none declared; else one of Pipeline::stages
  // GitLab's default for a job in a stage without `needs`: it waits for every job of the
  // earlier stages that runs under the trigger (skipped ones do not hold it back; a failed
  // one skips it unless it runs on failure or always). One flag instead of an edge per pair.
  bool after_stages = false;
  std::vector<Need> needs;     // explicit (as written, duplicates kept), data and import edges
  std::vector<InputRef> inputs;
  std::vector<Output> outputs;
  std::vector<Step> steps;
  std::string shell = "sh";
  Text image;              // "" = none
  std::vector<std::string> services;
  std::vector<std::string> runner;  // runner labels / tags
  std::vector<EnvVar> env;
  support::Box<Condition> when;  // evaluated when the job becomes ready (`*when`; most jobs: true)
  RunWhen run_when = RunWhen::OnSuccess;
  // `when manual`: a person starts it (GitLab `when: manual`, not blocking the pipeline).
  // Until someone does, it counts as skipped: jobs that need it are skipped, later stages go on.
  bool manual = false;
  std::optional<int64_t> timeout_seconds;
  int retry = 0;
  bool allow_failure = false;
  std::optional<Environment> environment;
  std::vector<std::string> caches;  // cache names
  std::optional<TriggerJob> trigger;
  support::JsonBox raw_gitlab;  // escape hatches (objects), copied verbatim
  support::JsonBox raw_github;
  // Trigger ids under which the job exists (static part of `when`), sorted. Empty = none.
  std::vector<std::string> active_triggers;
  // Where the job came from when expanded from a template: the template chain, outermost last.
  std::vector<SourceRange> expanded_from;
  SourceRange range;       // the job's declaration (its name)
  SourceRange body_range;  // the whole declaration, for block-level suppressions
  bool hidden = false;     // (import) GitLab hidden `.job` kept for reference
  // (import, GitLab) `dependencies:` as written (nullopt: no such key; empty: `[]`). Its
  // effect is in `needs` already (which artifacts are downloaded); the list is for the
  // checks that quote it.
  std::optional<std::vector<Dependency>> dependencies;
  // (import, GitHub) where a reusable-workflow call writes `secrets: inherit` (every secret
  // the caller can read goes to the called workflow); not valid otherwise.
  SourceRange inherits_secrets;
  // (import, GitLab) the paths the job's `before_script` and `script` lines mention, in order
  // (at most import::kMaxPathsPerScriptLine per line).
  std::vector<ScriptPathRef> script_paths;
};

// (import, GitLab) Whether a job has work of its own (a `script:`, `run:` or `trigger:`).
// One without is incomplete as read: an include pipec does not read may complete it.
bool GitLabJobHasWork(const Job& j);

// What the pipeline declared but nothing used (for the checker's unused-* rules).
struct Usage {
  std::string kind;  // "var" | "template" | "secret" | "cache"
  std::string name;
  SourceRange range;
  bool used = false;
};

// Configuration pulled in from elsewhere that pipec does not read (GitLab `include:` of a
// remote file, a template, another project's file, a CI/CD component), kept for the
// supply-chain rules: what it names and how firmly it is pinned.
struct Include {
  enum class Kind { Remote, Template, Project, Component };
  Kind kind = Kind::Remote;
  std::string location;    // URL, template name, project path, component address (no @version)
  std::string ref;         // project `ref:`, component version after '@' ("" = none given)
  bool integrity = false;  // remote: an `integrity:` hash is given
  SourceRange range;       // the include item
};
std::string_view IncludeKindName(Include::Kind k);  // "remote", "template", "project", "component"

enum class Origin { Pipe, GitLab, GitHub };

struct Pipeline {
  std::string name;
  Origin origin = Origin::Pipe;
  std::string source_path;  // the main file
  std::vector<Trigger> triggers;
  std::vector<Variable> variables;
  std::vector<Secret> secrets;
  std::vector<Cache> caches;
  std::vector<std::string> stages;  // declared order ("" entries never)
  std::vector<Job> jobs;            // in source order
  std::vector<Include> includes;    // (import) unread includes, in the order written
  // (import, GitHub) image references the repository's workflows build or push, this file's
  // and those next to it in .github/workflows/, expressions resolved (built_images.h)
  std::vector<std::string> built_images;
  // (import, GitHub) every `${{ ... }}` with what it can read (github_facts.h); in memory only.
  GitHubFacts github;
  std::vector<Usage> declarations;  // every var/template/secret/cache with its use state
  support::JsonBox raw_gitlab;  // top-level escape hatches (objects)
  support::JsonBox raw_github;

  // By name, for tests and the driver's look-ups by what a user typed (linear); the IR's own
  // references carry JobIds.
  const Job* FindJob(std::string_view name) const;
  const Job* JobAt(JobId id) const { return id < jobs.size() ? &jobs[id] : nullptr; }
  const Secret* FindSecret(std::string_view name) const;
  const Cache* FindCache(std::string_view name) const;
};

// Fills the JobIds of every need, input and output operand from their names (kNoJob for a
// name no job has). Front ends call it once their job list is final.
void ResolveJobIds(Pipeline& p);

}  // namespace pipec::ir
