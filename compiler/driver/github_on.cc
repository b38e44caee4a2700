#include "compiler/driver/github_on.h"

#include <nlohmann/json.hpp>

#include "compiler/driver/compile_checks.h"
#include "compiler/emit/github_emitter.h"
#include "compiler/import/yaml_tree.h"
#include "compiler/syntax/source_reader.h"

namespace pipec::driver {

namespace {

nlohmann::json AsList(const nlohmann::json& v) {
  return v.is_array() ? v : nlohmann::json::array({v});
}

}  // namespace

nlohmann::json NormalizedGitHubOn(const nlohmann::json& on) {
  nlohmann::json out = nlohmann::json::object();
  if (on.is_string()) {
    out[on.get<std::string>()] = nlohmann::json::object();
  } else if (on.is_array()) {
    for (const nlohmann::json& e : on)
      if (e.is_string()) out[e.get<std::string>()] = nlohmann::json::object();
      else return on;  // not a valid `on:`: compared as written
  } else if (on.is_object()) {
    for (const auto& [event, settings] : on.items()) {
      if (settings.is_null()) {
        out[event] = nlohmann::json::object();
      } else if (settings.is_object()) {
        nlohmann::json s = nlohmann::json::object();
        for (const auto& [k, v] : settings.items()) s[k] = v.is_string() ? AsList(v) : v;
        out[event] = s;
      } else {
        out[event] = settings;
      }
    }
  } else {
    return on;
  }
  return out;
}

bool TriggersSayGitHubOn(const std::string& pipe_text, const nlohmann::json& original_on) {
  Compilation c;
  std::optional<FileId> file = syntax::AddSourceText("<import>.pipe", pipe_text, c.sources, c.diags);
  if (!file) return false;
  CompileOptions no_checks;
  no_checks.run_checks = false;
  std::optional<ir::Pipeline> p = CompileLoaded(*file, no_checks, c);
  if (!p || c.diags.has_errors()) return false;
  emit::EmittedFiles files = emit::EmitGitHub(*p, emit::EmitOptions{}, c.diags);
  auto workflow = files.find(emit::GitHubWorkflowPath(p->name));
  if (c.diags.has_errors() || workflow == files.end()) return false;
  FileId built = c.sources.AddFile("<built>.yml", workflow->second);
  yaml::NodePtr doc = yaml::Load(c.sources, built, c.diags, yaml::MergeKeys::kNone);
  const yaml::Node* on = doc ? doc->Get("on") : nullptr;
  if (!on) return false;
  return NormalizedGitHubOn(yaml::ToJson(*on)) == NormalizedGitHubOn(original_on);
}

}  // namespace pipec::driver
