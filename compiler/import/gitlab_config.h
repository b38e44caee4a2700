#pragma once
// First half of reading GitLab: the YAML-level composition GitLab does before it looks at
// jobs: local includes merged under the main file, `!reference` tags replaced, `extends`
// merged (several parents, depth 10, cycles reported with their path).
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/import/import_options.h"
#include "compiler/import/yaml_tree.h"
#include "compiler/ir/ir.h"

namespace pipec::import {

inline constexpr size_t kMaxExtendsDepth = 10;
inline constexpr size_t kMaxReferenceDepth = 10;

struct GlJobDef {
  std::string name;
  yaml::NodePtr key;       // the job's key (its position)
  yaml::NodePtr body;      // the job's mapping after `extends` (not yet `default:`)
  yaml::NodePtr own_body;  // the mapping as written (after `<<` merges and `!reference`s)
  bool hidden = false;
  std::vector<std::string> extends_chain;  // parents in merge order, for the importer's templates
  std::vector<std::string> parents;        // `extends` as written (the parents that exist)
};

struct GlConfig {
  yaml::NodePtr root;                 // top level after includes and references
  std::vector<GlJobDef> jobs;         // every job-like top-level entry, in order
  std::vector<std::string> included;  // included files, in the order read
  // Remote, project, template and component includes pipec does not read: (place, kind).
  std::vector<std::pair<SourceRange, std::string>> unread_includes;
  std::vector<ir::Include> includes;  // the same includes, with what they name
};

// A finding about something missing (a job's script, an `extends` or `!reference` target, any
// visible job) that an unread include may supply: when the config has one, the finding becomes
// a note that says so and points at the include (issue 14 b). `what` names what may come
// from it ("the script", "the job .base"). With `when` false the finding stays as it is (the
// missing part cannot come from an include: the job it is about is complete in the file).
void SoftenForUnreadIncludes(Diagnostic& d, const GlConfig& cfg, std::string_view what, bool when = true);

// The items with `sep` between them (GitLab's messages list jobs and stages so).
std::string Join(const std::vector<std::string>& v, std::string_view sep);

// Top-level keys of .gitlab-ci.yml that are not jobs.
bool IsGitLabGlobalKey(std::string_view key);

// GitLab's deep merge: mappings merge key by key, anything else is replaced by `over`.
yaml::NodePtr DeepMerge(const yaml::NodePtr& base, const yaml::NodePtr& over);

std::optional<GlConfig> LoadGitLabConfig(FileId main, SourceManager& sm, DiagnosticSink& sink,
                                         const ImportOptions& opts);

}  // namespace pipec::import
