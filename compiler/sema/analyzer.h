#pragma once
// Internal to sema: the analyzer's state while one pipeline is lowered to the IR.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/sema/modules.h"
#include "compiler/sema/names.h"
#include "compiler/sema/sema.h"

namespace pipec::sema {

struct TemplateSym {
  const ast::TemplateDecl* decl = nullptr;
  Module* module = nullptr;
  bool used = false;
};
struct VarSym {
  const ast::VarDecl* decl = nullptr;
  Module* module = nullptr;
  std::optional<ir::Value> value;
  bool evaluating = false;
  bool failed = false;
  bool used = false;
};
struct CacheSym {
  const ast::CacheDecl* decl = nullptr;
  Module* module = nullptr;
  bool used = false;
};
struct SecretSym {
  const ast::SecretDecl* decl = nullptr;
  bool used = false;
};

struct ModuleScope {
  std::map<std::string, TemplateSym*> templates;
  std::map<std::string, VarSym*> vars;
  std::map<std::string, CacheSym*> caches;
  std::map<std::string, Module*> qualifiers;  // `python` -> std/python
};

// A compile-time binding of a template parameter.
struct Binding {
  bool is_secret = false;
  ir::Value value;
  std::string secret;  // is_secret: the bound secret's name
};

// Where a job item is evaluated: its module, the template parameters in scope, and the
// use site to blame when the item came from a template.
struct Env {
  Module* module = nullptr;
  std::map<std::string, Binding> params;
  std::string template_name;  // "" for the job's own items and `default`
  SourceRange use_site;       // the job's `: template(...)` when template_name is set
};

struct LayerItem {
  const ast::JobItem* item = nullptr;
  std::shared_ptr<Env> env;
  int layer = 0;  // 0 = default block, then template chain base-first, highest = the job
};

struct JobSpec {
  const ast::JobDecl* decl = nullptr;
  std::vector<LayerItem> items;
  int job_layer = 0;
  std::vector<SourceRange> expanded_from;               // template declarations, innermost first
  std::vector<std::map<std::string, ir::Value>> cells;  // matrix cells ({} when no matrix)
  std::vector<std::string> names;                       // expanded job name per cell
  bool ok = true;
};

// Per-job context for resolving interpolations and checking secret reads.
struct JobCtx {
  const std::map<std::string, ir::Value>* cell = nullptr;
  std::map<std::string, std::string> input_paths;  // local input name -> restore path
  // Inputs whose `in` item has an error already reported: still declared, so a use of the
  // name gives no knock-on "unknown name".
  std::set<std::string> broken_inputs;
};

// What a value is evaluated for ("a script", "parameter `n` of template `t`"), as messages name
// it. Nearly every evaluation reports nothing, so a place that must be formatted is formatted
// when a message asks (formatting it for every template argument and interpolation was 2.5% of
// a 10,000-job check). A Where refers to its text or to its callable, which must outlive it: a
// Where lives as long as the call it is an argument of.
class Where {
 public:
  Where(std::string_view text) : text_(text) {}    // NOLINT(google-explicit-constructor)
  Where(const char* text) : text_(text) {}         // NOLINT(google-explicit-constructor)
  Where(const std::string& text) : text_(text) {}  // NOLINT(google-explicit-constructor)
  // The text `format()` returns, called only if a message needs it.
  template <typename F>
  static Where Formatted(const F& format) {
    Where w;
    w.object_ = &format;
    w.format_ = [](const void* f) { return (*static_cast<const F*>(f))(); };
    return w;
  }
  std::string str() const { return format_ ? format_(object_) : std::string(text_); }

 private:
  Where() = default;
  std::string_view text_;
  const void* object_ = nullptr;
  std::string (*format_)(const void*) = nullptr;
};

// Free helpers on types and names (types.cc).
ir::Type TypeOf(const ast::TypeRef& t);
// A value of type `have` may be used where `want` is expected.
bool Assignable(const ir::Type& want, const ir::Type& have);
ir::Value Convert(ir::Value v, const ir::Type& want);
std::string Loc(const SourceRange& r);
std::optional<ir::OutputKind> OutputKindOf(std::string_view k);
const std::set<std::string>& GitFields();

// Lowers one pipeline (the main module and its imports) to the IR. The work is split by
// concern over several files, each defining the members of its area:
//   sema.cc (driver, reporting, usage), scopes.cc (modules, name resolution),
//   declarations.cc (header, triggers, secrets, stages, caches), values.cc (compile-time
//   values), text.cc (interpolation), templates.cc, matrix.cc, jobs.cc (one job's items),
//   data_edges.cc (`in` and data needs), stages.cc (explicit needs, stage order),
//   secrets.cc (env bindings, secret misuse), conditions.cc (`when`), trigger_refs.cc.
// Semantic errors reported per file before the rest are dropped behind one
// `too-many-errors` line (syntax errors stop at 50, kMaxSyntaxErrors). docs/language.md.
inline constexpr size_t kMaxErrorsPerFile = 100;

class Analyzer {
 public:
  Analyzer(SourceManager& sm, DiagnosticSink& sink, const support::FileSystem& fs)
      : sm_(sm), sink_(sink), loader_(sm, sink, fs) {}
  ModuleLoader& loader() { return loader_; }
  std::optional<ir::Pipeline> Run(Module* main);

 private:
  Diagnostic& Report(DiagKind kind, SourceRange r, std::string msg);
  // Blames the use site when the item comes from a template, with the template line as a note.
  Diagnostic& ReportIn(const Env& env, DiagKind kind, SourceRange r, std::string msg);
  void Unknown(const Env* env, SourceRange r, std::string_view what, const std::string& name,
               const std::vector<std::pair<std::string, SourceRange>>& candidates);
  void Duplicate(std::string_view what, const std::string& name, SourceRange now,
                 SourceRange before);
  void RecordUsage();
  void BuildScope(Module& m);
  void ResolveImports(Module& m);
  void CheckHeader();
  void CollectPipelineDecls();
  void CheckCron(const std::string& cron, SourceRange r);
  static bool IsEnvName(const std::string& n);
  std::string PlainString(const ast::StringLit& s, std::string_view what);
  std::string CacheName(const CacheSym& sym);
  void EvalVar(VarSym& v);
  // Evaluates a compile-time expression. Secrets are refused here: they are not values.
  std::optional<ir::Value> Eval(const ast::Expr& e, const Env& env, const Where& where);
  std::optional<ir::Value> EvalName(const ast::QualifiedName& q, const Env& env,
                                    const Where& where);
  std::optional<ir::Value> EvalTyped(const ast::Expr& e, const ir::Type& want, const Env& env,
                                     const Where& where);
  ir::Text LowerText(const ast::StringLit& s, const Env& env, const JobCtx* job,
                     const Where& where);
  void BuildSpecs();
  bool AllowedInDefault(const ast::JobItem& item, const std::shared_ptr<Env>& env);
  // Adds the items of template `base` (and its own bases, first) to `spec`.
  bool Instantiate(const ast::Base& base, Module* from, const std::map<std::string, Binding>& outer,
                   SourceRange use_site, JobSpec& spec, int& layer, std::vector<std::string>& chain,
                   size_t depth);
  void SecretMisuseAt(const Env& env, SourceRange r, const std::string& secret, const Where& where);
  std::optional<Binding> SecretArg(const ast::Expr& e, const Env& env);
  // A script that reads $X where X is a declared secret the job does not bind.
  void CheckSecretReads(const ir::Job& job, const JobSpec& s);
  void ExpandMatrix(JobSpec& spec);
  // Finds the cell of producer job `base` that matches the consumer's matrix cell.
  std::optional<std::string> MatchCell(const std::string& base,
                                       const std::map<std::string, ir::Value>& consumer_cell,
                                       const Env& env, SourceRange r);
  void LowerJobs();
  std::vector<ir::Output> LowerOutputs(JobSpec& s, size_t cell);
  void CheckChangedPlacement(ir::Condition& when, const Env& env, bool report);
  void CheckChangedPath(const std::string& p, SourceRange r, const Env& env, std::string_view what);
  void CheckRelativePath(const std::string& p, SourceRange r, const Env& env,
                         std::string_view what);
  void CheckJobRef(const ast::Ident& name, const Env& env);
  void LowerJob(JobSpec& s, size_t cell, ir::Job& job);
  // `in NAME = JOB.OUTPUT`: the job's inputs and the data edges they imply.
  void LowerInputs(JobSpec& s, size_t cell, ir::Job& job, JobCtx& ctx);
  void AddNeed(ir::Job& job, const std::string& target, bool artifacts, ir::Need::Origin origin,
               SourceRange r);
  // Explicit `needs`.
  void LowerNeeds(JobSpec& s, size_t cell, ir::Job& job);
  // The job's stage; without `stages`, first use declares one.
  void LowerStage(JobSpec& s, size_t cell, ir::Job& job);
  // GitLab's rule, made explicit: a job with neither `needs` nor `in` (nor a value gate) waits
  // for every job of the earlier stages; a job with any of them waits only for those.
  void SetStageOrder();
  void PlaceJobsWithoutStage();
  // Single-valued items: the highest layer wins.
  void LowerSettings(JobSpec& s, size_t cell, ir::Job& job, JobCtx& ctx);
  // Env: merged by key, higher layers win; secrets bind here.
  void LowerEnv(JobSpec& s, size_t cell, ir::Job& job, JobCtx& ctx);
  // Scripts: the runs of the highest layer that has any replace the lower layers' runs.
  void LowerSteps(JobSpec& s, ir::Job& job, JobCtx& ctx);
  // `uses cache`.
  void LowerCaches(JobSpec& s, size_t cell, ir::Job& job);
  // Child pipelines and cross-project triggers.
  void LowerChildTrigger(JobSpec& s, size_t cell, ir::Job& job, JobCtx& ctx);
  // Raw vendor keys: merged, higher layers win.
  void LowerRaw(JobSpec& s, ir::Job& job);
  ir::Condition LowerCond(const ast::Condition& c, const Env& env, ir::Job& job, bool report);
  ir::Operand LowerOperand(const ast::Expr& e, const Env& env, ir::Job& job, bool report,
                           ir::Type* type);
  std::vector<std::string> ResolveTriggerRef(const ast::QualifiedName& t, const Env& env,
                                             bool report);
  void ComputeTriggers();

  template <typename Sym>
  void AddImported(std::map<std::string, Sym*>& into, const ast::Ident& sel, Sym* sym);
  // Looks a (possibly qualified) name up; reports it as unknown with close candidates.
  template <typename Sym>
  Sym* Lookup(Module* m, const ast::QualifiedName& q,
              std::map<std::string, Sym*> ModuleScope::*member, std::string_view what,
              const Env* env);

  // Items that may appear once per layer; a later layer overrides an earlier one.
  template <typename T>
  const LayerItem* Last(const JobSpec& spec) {
    const LayerItem* found = nullptr;
    for (const LayerItem& li : spec.items)
      if (std::holds_alternative<T>(li.item->value)) {
        if (found && found->layer == li.layer)
          ReportIn(*li.env, DiagKind::DuplicateItem, li.item->range,
                   fmt::format("`{}` is given twice in one job", li.item->Keyword()))
              .Note(found->item->range, "first given here");
        found = &li;
      }
    return found;
  }

  SourceManager& sm_;
  DiagnosticSink& sink_;
  std::map<FileId, size_t> errors_per_file_;  // for kMaxErrorsPerFile
  Diagnostic dropped_;                        // what Report returns past the cap
  ModuleLoader loader_;
  Module* main_ = nullptr;
  ir::Pipeline out_;
  std::map<const Module*, ModuleScope> scopes_;
  std::vector<std::unique_ptr<TemplateSym>> templates_;
  std::vector<std::unique_ptr<VarSym>> vars_;
  std::vector<std::pair<std::string, VarSym*>> all_vars_;
  std::vector<std::unique_ptr<CacheSym>> caches_;
  std::map<std::string, SecretSym> secrets_;
  std::map<std::string, ir::Param> inputs_;
  std::map<std::string, SourceRange> stage_ranges_;
  bool declared_stages_ = false;
  std::map<std::string, const ast::JobDecl*> job_decls_;
  std::vector<JobSpec> specs_;
  // Looked up by name for every job, never walked in order: hashed.
  std::unordered_map<std::string, JobSpec*> base_of_;
  std::unordered_map<std::string, std::vector<ir::Output>> outputs_;
  std::set<std::string> lowered_caches_;
};

}  // namespace pipec::sema
