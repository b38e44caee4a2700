#pragma once
// Loading a pipeline's modules: the main file, local imports (relative to the importer)
// and stdlib modules embedded in the binary (stdlib/*.pipe). Reports missing modules and
// import cycles with their whole path.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/support/file_system.h"
#include "compiler/syntax/ast.h"

namespace pipec::sema {

struct Module {
  std::string key;      // canonical identity: absolute path, or "std/NAME"
  std::string display;  // how messages name it: "std/python", "ci/common.pipe"
  std::string name;     // qualifier: "python", "common" (or the `as` alias at the import)
  std::string dir;      // directory for relative imports ("" for stdlib)
  bool is_std = false;
  std::unique_ptr<ast::File> ast;
  // Imports resolved: the module each ast->imports[i] refers to (nullptr when it failed).
  std::vector<Module*> imports;
};

class ModuleLoader {
 public:
  ModuleLoader(SourceManager& sm, DiagnosticSink& sink, const support::FileSystem& fs)
      : sm_(sm), sink_(sink), fs_(fs) {}
  // Loads the main module from disk, then everything it imports. nullptr on failure.
  Module* LoadMain(const std::string& path);
  Module* LoadMainLoaded(FileId file);
  const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }
  // The names of every embedded stdlib module ("python", "docker", ...).
  static std::vector<std::string> StdModuleNames();

 private:
  Module* Load(const std::string& key, const std::string& display, const std::string& dir,
               bool is_std, SourceRange from, std::optional<FileId> preloaded);
  void LoadImports(Module& m);

  SourceManager& sm_;
  DiagnosticSink& sink_;
  const support::FileSystem& fs_;  // .pipe files are read through it
  std::vector<std::unique_ptr<Module>> modules_;
  std::map<std::string, Module*> by_key_;
  std::vector<std::pair<Module*, SourceRange>> stack_;  // import chain for cycle reports
};

}  // namespace pipec::sema
