#pragma once
// The typed AST of one .pipe file. Built from the ANTLR parse tree (parser.cc), which is
// dropped right after; sema (compiler/sema) reads only this. Nodes carry half-open ranges.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/diag/source.h"
#include "compiler/support/json_box.h"

namespace pipec::ast {

// A value kept on the heap, copied deeply: for the rare large member of a variant alternative,
// so every alternative is not as large as it (issue 13: a `when` condition, 624 bytes, made
// every job item 656 bytes).
template <typename T>
class Box {
 public:
  Box() : value_(std::make_unique<T>()) {}
  Box(T value) : value_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit, like T
  Box(const Box& other) : value_(std::make_unique<T>(*other.value_)) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) value_ = std::make_unique<T>(*other.value_);
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  const T& operator*() const { return *value_; }
  T& operator*() { return *value_; }
  const T* operator->() const { return value_.get(); }
  T* operator->() { return value_.get(); }

 private:
  std::unique_ptr<T> value_;  // never null, except in a moved-from Box
};

struct Ident {
  std::string text;
  SourceRange range;
};

struct QualifiedName {
  std::vector<Ident> parts;
  SourceRange range;
  std::string Joined() const;  // "python.pytest"
};

// A string literal split into literal text and `${{ name.path }}` interpolations.
struct StringPart {
  bool interpolation = false;
  std::string text;    // literal text (escapes resolved), or the interpolation's dotted name
  QualifiedName name;  // interpolation only
  SourceRange range;
};
struct StringLit {
  std::vector<StringPart> parts;
  bool triple = false;
  SourceRange range;
  // Source location of the first character of each line of the (dedented) value, so tools
  // that report positions inside a script (shellcheck) can be mapped back to the .pipe file.
  std::vector<SourceLoc> line_locs;
  bool HasInterpolation() const;
  std::string Flat() const;  // literal text with interpolations written back as ${{ x }}
};

enum class TypeKind { String, Int, Float, Bool, Duration, Path, Secret, List };
struct TypeRef {
  TypeKind kind = TypeKind::String;
  std::shared_ptr<TypeRef> element;  // List
  SourceRange range;
};

struct Expr {
  enum class Kind { String, Int, Float, Duration, Bool, List, Name };
  Kind kind = Kind::String;
  StringLit str;
  int64_t int_value = 0;  // Int; Duration in seconds; Bool 0/1
  double float_value = 0;
  std::string spelling;   // source text of numbers/durations ("3.10", "30d")
  std::vector<Expr> list;
  QualifiedName name;
  SourceRange range;
};

struct Param {
  Ident name;
  TypeRef type;
  std::optional<Expr> default_value;
  std::string doc;  // `#` comment lines right above the parameter
  SourceRange range;
};

struct Arg {
  Ident name;
  Expr value;
  SourceRange range;
};

struct Base {  // `: template(args)`
  QualifiedName name;
  std::vector<Arg> args;
  SourceRange range;
};

struct Condition {
  enum class Op { Not, And, Or, TriggerIs, TriggerIn, Eq, Ne, Matches, Truthy, Changed };
  Op op = Op::Truthy;
  std::vector<Condition> args;              // Not (1), And/Or (2)
  std::vector<QualifiedName> triggers;      // TriggerIs (1) / TriggerIn (n): push, schedule.daily
  Expr left, right;                         // Eq/Ne; Truthy uses left; Matches: left + pattern
  StringLit pattern;
  std::vector<StringLit> paths;             // Changed: path globs
  SourceRange range;
};

// ---- job items ----
struct StageItem { Ident stage; };
struct NeedsItem {
  std::vector<QualifiedName> jobs;
  std::vector<bool> optional;  // per job: `needs optional lint` (GitLab `optional: true`)
};
struct RunWhenItem { std::string value; };  // "always" | "on_failure" | "manual"
struct WhenItem { Box<Condition> cond; };
struct ImageItem { Expr value; };
struct ServicesItem { std::vector<StringLit> values; };
struct RunnerItem { std::vector<StringLit> values; };
struct ShellItem { StringLit value; };
struct EnvEntry { Ident name; Expr value; SourceRange range; };
struct EnvItem { std::vector<EnvEntry> entries; };
struct MatrixEntry { Ident name; Expr values; SourceRange range; };
struct MatrixItem { std::vector<MatrixEntry> entries; };
struct InItem { Ident name; Ident job; Ident output; std::optional<StringLit> at; };
struct RunItem { StringLit script; };
struct SetupItem { StringLit script; };     // runs before the `run` items, in their shell
struct TeardownItem { StringLit script; };  // runs after the job, pass or fail, in its own shell
struct OutItem {
  Ident name;
  std::string kind;  // file dir junit dotenv codequality coverage | bool int float string
  bool value = false;
  StringLit path;
  std::optional<int64_t> expire_seconds;
  bool publish = false;  // meant for people: no job needs to read it
  SourceRange kind_range;
};
struct EnvironmentItem { Ident name; std::optional<StringLit> url; bool manual_approval = false; };
struct TimeoutItem { int64_t seconds = 0; };
struct RetryItem { int64_t count = 0; };
struct AllowFailureItem {};
struct UsesCacheItem { std::vector<Ident> caches; };
struct TriggerInput { Ident name; Expr value; };
struct TriggerPipelineItem { StringLit path; std::vector<TriggerInput> inputs; };
struct TriggerProjectItem { StringLit project; std::optional<StringLit> branch; };
struct RawItem { std::string vendor; support::OrderedJsonBox value; };

using JobItemValue =
    std::variant<StageItem, NeedsItem, RunWhenItem, WhenItem, ImageItem, ServicesItem, RunnerItem,
                 ShellItem, EnvItem, MatrixItem, InItem, RunItem, OutItem, EnvironmentItem,
                 TimeoutItem, RetryItem, AllowFailureItem, UsesCacheItem, TriggerPipelineItem,
                 TriggerProjectItem, RawItem, SetupItem, TeardownItem>;
struct JobItem {
  JobItemValue value;
  SourceRange range;
  std::string_view Keyword() const;  // "stage", "needs", ... (for messages)
};

// ---- top-level declarations ----
struct Header { Ident name; int64_t version = 0; SourceRange range; };

struct Import {
  bool is_std = false;
  Ident std_name;            // import std/NAME
  StringLit path;            // import "x.pipe"
  std::vector<Ident> selection;
  std::optional<Ident> alias;
  SourceRange range;
};

struct TriggerDecl {
  enum class Kind { Push, MergeRequest, Tag, Schedule, Manual, Webhook };
  Kind kind = Kind::Push;
  Ident name;  // schedule / webhook
  std::vector<StringLit> branches, paths, targets;
  StringLit tag, cron, tz, branch;
  bool has_cron = false, has_tz = false, has_branch = false;
  std::vector<Param> inputs;
  SourceRange range;
};

struct VarDecl { Ident name; TypeRef type; Expr value; SourceRange range; };

struct SecretDecl {
  Ident name;
  bool masked = false, protected_ = false, file = false;
  std::optional<Ident> environment;
  SourceRange range;
};

struct StagesDecl { std::vector<Ident> stages; SourceRange range; };
struct DefaultDecl { std::vector<JobItem> items; SourceRange range; };

struct CacheDecl {
  Ident name;
  std::vector<StringLit> key_files;
  std::optional<StringLit> key;
  std::vector<StringLit> paths;
  std::optional<Ident> policy;
  SourceRange range;
};

struct TemplateDecl {
  Ident name;
  std::vector<Param> params;
  std::optional<Base> base;
  std::vector<JobItem> items;
  std::string doc;  // `#` comment lines right above the template
  SourceRange range;
};

struct JobDecl {
  Ident name;
  std::optional<Base> base;
  std::vector<JobItem> items;
  SourceRange range;
};

struct RawDecl { std::string vendor; support::OrderedJsonBox value; SourceRange range; };

struct Comment {
  std::string text;  // including the leading '#'
  SourceRange range;
};

struct File {
  FileId file = kNoFile;
  std::optional<Header> header;
  std::vector<Import> imports;
  std::vector<TriggerDecl> triggers;
  std::vector<VarDecl> vars;
  std::vector<SecretDecl> secrets;
  std::vector<StagesDecl> stages;
  std::vector<DefaultDecl> defaults;
  std::vector<CacheDecl> caches;
  std::vector<TemplateDecl> templates;
  std::vector<JobDecl> jobs;
  std::vector<RawDecl> raws;
  std::vector<Comment> comments;  // every comment, in order (suppressions, fmt, docs)
};

}  // namespace pipec::ast
