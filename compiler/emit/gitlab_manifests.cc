#include "compiler/emit/gitlab_manifests.h"

#include <set>
#include <nlohmann/json.hpp>

#include "compiler/emit/gitlab_emitter.h"

namespace pipec::emit {
namespace {

using Json = nlohmann::ordered_json;

std::string Stem(const std::string& path) {
  return path.size() > 4 && path.ends_with(".yml") ? path.substr(0, path.size() - 4) : path;
}

Json ManifestHead(const ir::Pipeline& p, const EmitOptions& opts, const char* what) {
  Json j = Json::object();
  j["version"] = 1;
  j["generated_by"] = "pipec";
  j["source"] = opts.source_display;
  j["pipeline"] = p.name;
  j["what"] = what;
  return j;
}

}  // namespace

std::string GitLabVariablesManifestPath(const std::string& pipeline_path) {
  return Stem(pipeline_path) + ".required-variables.json";
}

std::string GitLabSchedulesManifestPath(const std::string& pipeline_path) {
  return Stem(pipeline_path) + ".schedules.json";
}

std::string GitLabVariablesManifest(const ir::Pipeline& p, const EmitOptions& opts) {
  if (p.secrets.empty()) return "";
  Json j = ManifestHead(p, opts,
                        "CI/CD variables to create in Settings > CI/CD > Variables; values are never "
                        "written by pipec");
  Json vars = Json::array();
  for (const ir::Secret& s : p.secrets) {
    Json v = Json::object();
    v["key"] = s.name;
    v["variable_type"] = s.file ? "file" : "env_var";
    v["masked"] = s.masked;
    v["protected"] = s.protected_;
    v["environment_scope"] = s.environment.empty() ? "*" : s.environment;
    std::set<std::string> users;
    for (const ir::Job& job : p.jobs)
      for (const ir::EnvVar& e : job.env)
        if (e.secret == s.name) users.insert(job.name);
    v["used_by"] = users;
    vars.push_back(v);
  }
  j["variables"] = vars;
  return j.dump(2) + "\n";
}

std::string GitLabSchedulesManifest(const ir::Pipeline& p, const EmitOptions& opts, DiagnosticSink& diags) {
  Json list = Json::array();
  const ir::Trigger* first = nullptr;
  for (const ir::Trigger& t : p.triggers) {
    if (t.kind != ir::TriggerKind::Schedule || t.cron.empty()) continue;  // no cron: set up already
    if (!first) first = &t;
    Json s = Json::object();
    s["description"] = "pipec schedule " + t.name;
    s["ref"] = t.branch.empty() ? Json() : Json(t.branch);  // null: the default branch
    s["cron"] = t.cron;
    s["cron_timezone"] = t.timezone.empty() ? "UTC" : t.timezone;
    s["active"] = true;
    s["variables"] = Json::array({Json{{"key", "PIPEC_SCHEDULE"}, {"value", t.name}}});
    list.push_back(s);
  }
  if (!first) return "";
  diags.Report(DiagKind::EmitSettingsManifest, first->range,
               "GitLab keeps schedules in the project settings (Build > Pipeline schedules); create the "
               "ones listed in " + GitLabSchedulesManifestPath(GitLabPipelinePath(p.name, opts.as_child)) +
                   ", each with its PIPEC_SCHEDULE variable");
  Json j = ManifestHead(p, opts, "pipeline schedules to create in Build > Pipeline schedules");
  j["schedules"] = list;
  return j.dump(2) + "\n";
}

}  // namespace pipec::emit
