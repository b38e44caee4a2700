#pragma once
// Internal to sema: the analyzer's state while one pipeline is lowered to the IR.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/sema/modules.h"

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
  std::vector<SourceRange> expanded_from;  // template declarations, innermost first
  std::vector<std::map<std::string, ir::Value>> cells;  // matrix cells ({} when no matrix)
  std::vector<std::string> names;                       // expanded job name per cell
  bool ok = true;
};

}  // namespace pipec::sema
