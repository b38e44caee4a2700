#include "compiler/sema/modules.h"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/sema/names.h"
#include "compiler/sema/sema.h"
#include "compiler/support/embedded.h"
#include "compiler/syntax/parser.h"
#include "compiler/syntax/source_reader.h"

namespace pipec::sema {
namespace {

namespace fs = std::filesystem;

std::string StemOf(const std::string& path) { return fs::path(path).stem().string(); }

}  // namespace

std::vector<std::string> ModuleLoader::StdModuleNames() {
  std::vector<std::string> names;
  for (const EmbeddedFile& f : StdlibFiles()) {
    std::string_view p = f.path;
    if (p.starts_with("stdlib/") && p.ends_with(".pipe"))
      names.emplace_back(p.substr(7, p.size() - 7 - 5));
  }
  return names;
}

Module* ModuleLoader::LoadMain(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return Load(abs.string(), path, fs::path(path).parent_path().string(), false, {}, std::nullopt);
}

Module* ModuleLoader::LoadMainLoaded(FileId file) {
  std::string path(sm_.Path(file));
  return Load("mem:" + path, path, fs::path(path).parent_path().string(), false, {}, file);
}

Module* ModuleLoader::Load(const std::string& key, const std::string& display,
                           const std::string& dir, bool is_std, SourceRange from,
                           std::optional<FileId> preloaded) {
  // A module already on the import stack is a cycle: report the whole chain.
  for (size_t i = 0; i < stack_.size(); ++i) {
    if (stack_[i].first->key != key) continue;
    std::string chain;
    for (size_t k = i; k < stack_.size(); ++k) chain += stack_[k].first->display + " -> ";
    chain += display;
    Diagnostic& d = sink_.Report(DiagKind::ImportCycle, from, "import cycle: " + chain);
    for (size_t k = i + 1; k < stack_.size(); ++k)
      d.Note(stack_[k].second, fmt::format("{} is imported here", stack_[k].first->display));
    return nullptr;
  }
  if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  if (stack_.size() >= kMaxImportDepth) {
    sink_.Report(DiagKind::ImportError, from,
                 fmt::format("imports nest deeper than {} modules", kMaxImportDepth));
    return nullptr;
  }

  std::optional<FileId> file = preloaded;
  if (!file && is_std) {
    std::string want = "stdlib/" + key.substr(4) + ".pipe";
    for (const EmbeddedFile& f : StdlibFiles())
      if (f.path == want)
        file = syntax::AddSourceText("<" + key + ">", std::string(f.contents), sm_, sink_, from);
    if (!file) {
      Diagnostic& d = sink_.Report(DiagKind::ImportError, from,
                                   fmt::format("no stdlib module `{}`", key));
      auto close = ClosestNames(key.substr(4), StdModuleNames());
      if (!close.empty()) d.Note({}, fmt::format("did you mean `std/{}`?", close[0]));
      std::string all;
      for (const std::string& n : StdModuleNames()) all += (all.empty() ? "" : ", ") + ("std/" + n);
      d.Note({}, "available: " + all);
      return nullptr;
    }
  } else if (!file) {
    file = syntax::ReadSourceFile(display, sm_, sink_, from, fs_);
    if (!file) return nullptr;
  }

  auto mod = std::make_unique<Module>();
  mod->key = key;
  mod->display = is_std ? key : display;
  mod->name = is_std ? key.substr(4) : StemOf(display);
  mod->dir = dir;
  mod->is_std = is_std;
  mod->ast = syntax::ParseFile(*file, sm_, sink_);
  Module* m = mod.get();
  modules_.push_back(std::move(mod));
  by_key_[key] = m;
  if (!m->ast) return m;
  stack_.push_back({m, from});
  LoadImports(*m);
  stack_.pop_back();
  return m;
}

void ModuleLoader::LoadImports(Module& m) {
  for (const ast::Import& imp : m.ast->imports) {
    Module* target = nullptr;
    if (imp.is_std) {
      target = Load("std/" + imp.std_name.text, "std/" + imp.std_name.text, "", true, imp.range,
                    std::nullopt);
    } else {
      std::string rel = imp.path.Flat();
      if (imp.path.HasInterpolation() || rel.empty()) {
        sink_.Report(DiagKind::ImportError, imp.path.range,
                     "an import path must be a plain relative path");
      } else if (m.is_std) {
        sink_.Report(DiagKind::ImportError, imp.path.range,
                     "stdlib modules can import only other stdlib modules");
      } else {
        fs::path p = fs::path(m.dir) / rel;
        std::error_code ec;
        fs::path abs = fs::weakly_canonical(fs::absolute(p, ec), ec);
        target = Load(abs.string(), p.lexically_normal().string(), p.parent_path().string(), false,
                      imp.path.range, std::nullopt);
      }
    }
    m.imports.push_back(target);
  }
}

}  // namespace pipec::sema
