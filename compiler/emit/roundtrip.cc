#include "compiler/emit/roundtrip.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "compiler/emit/glob.h"

namespace pipec::emit {
namespace {

using Json = nlohmann::json;

std::string ProducerJob(const Json& from) {
  std::string s = from.get<std::string>();
  return s.substr(0, s.rfind('.'));
}

// The literal pieces of each run step, which must appear in order in the written script.
std::vector<std::vector<std::string>> RunLiterals(const Json& job) {
  std::vector<std::vector<std::string>> steps;
  for (const Json& s : job.value("steps", Json::array())) {
    if (!s.contains("run")) continue;
    std::vector<std::string> lits;
    const Json& run = s["run"];
    if (run.is_string()) {
      lits.push_back(run.get<std::string>());
    } else {
      for (const Json& part : run)
        if (part.is_string()) lits.push_back(part.get<std::string>());
    }
    steps.push_back(lits);
  }
  return steps;
}

// In a folded matrix job the cell's values are spelled as the vendor's matrix variables.
std::vector<std::vector<std::string>> Spelled(std::vector<std::vector<std::string>> steps,
                                              const Json& job, const std::string& before,
                                              const std::string& after) {
  if (!job.contains("matrix")) return steps;
  for (auto& lits : steps)
    for (std::string& lit : lits)
      for (auto it = job["matrix"].begin(); it != job["matrix"].end(); ++it) {
        std::string value = it.value().get<std::string>(), with = before + it.key() + after;
        for (size_t at = lit.find(value); !value.empty() && at != std::string::npos;
             at = lit.find(value, at + with.size()))
          lit.replace(at, value.size(), with);
      }
  return steps;
}

bool ContainsInOrder(const std::string& text, const std::vector<std::string>& parts) {
  size_t at = 0;
  for (const std::string& p : parts) {
    size_t found = text.find(p, at);
    if (found == std::string::npos) return false;
    at = found + p.size();
  }
  return true;
}

std::set<std::string> ConditionJobs(const Json& c) {
  std::set<std::string> jobs;
  if (c.is_object()) {
    for (auto it = c.begin(); it != c.end(); ++it) {
      if (it.key() == "output" && it.value().is_string()) jobs.insert(ProducerJob(it.value()));
      for (const std::string& j : ConditionJobs(it.value())) jobs.insert(j);
    }
  } else if (c.is_array()) {
    for (const Json& x : c)
      for (const std::string& j : ConditionJobs(x)) jobs.insert(j);
  }
  return jobs;
}

bool IsValueKind(const std::string& k) {
  return k == "bool" || k == "int" || k == "float" || k == "string";
}

std::vector<std::string> SeqStrings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence())
    for (const auto& x : n) out.push_back(x.as<std::string>());
  else if (n && n.IsScalar())
    out.push_back(n.as<std::string>());
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  for (const std::string& x : v)
    if (x == s) return true;
  return false;
}

const std::set<std::string> kGitLabGlobalKeys = {
    "stages",   "variables", "workflow",      "default",      "include", "image",
    "services", "cache",     "before_script", "after_script", "spec",    "types"};

}  // namespace

// The paths of a job condition's `changed` term (the condition, or a term of its top-level
// `and`), or null.
Json ChangedPaths(const Json& when) {
  if (when.is_object() && when.contains("changed")) return when["changed"];
  if (when.is_object() && when.contains("and"))
    for (const Json& term : when["and"])
      if (term.is_object() && term.contains("changed")) return term["changed"];
  return nullptr;
}

std::vector<std::string> CompareGitLab(const Json& ir, const YAML::Node& gl) {
  std::vector<std::string> diffs;
  std::function<std::string(const std::string&)> key_of =
      [&](const std::string& name) -> std::string {
    if (gl[name] && !kGitLabGlobalKeys.count(name)) return name;
    if (gl[name + "_job"]) return name + "_job";
    if (gl["_" + name]) return "_" + name;
    return "";
  };
  // A matrix cell is its own job, or one cell of a folded `parallel:matrix` job.
  auto resolve = [&](const Json& job) -> std::string {
    std::string key = key_of(job["name"]);
    if (key.empty() && job.contains("base_name")) {
      std::string base = key_of(job["base_name"]);
      if (!base.empty() && gl[base]["parallel"]["matrix"]) return base;
    }
    return key;
  };
  std::map<std::string, std::string> key_by_name;
  std::set<std::string> resolved;
  for (const Json& job : ir["jobs"]) {
    key_by_name[job["name"]] = resolve(job);
    resolved.insert(key_by_name[job["name"]]);
  }
  std::function<std::string(const std::string&)> key_of_plain = key_of;
  key_of = [&, plain = key_of](const std::string& name) -> std::string {
    auto it = key_by_name.find(name);
    return it != key_by_name.end() ? it->second : plain(name);
  };
  size_t jobs_in_yaml = 0;
  for (const auto& kv : gl)
    if (!kGitLabGlobalKeys.count(kv.first.as<std::string>())) ++jobs_in_yaml;
  resolved.erase("");
  if (jobs_in_yaml != resolved.size())
    diffs.push_back("GitLab has " + std::to_string(jobs_in_yaml) + " jobs, the IR expects " +
                    std::to_string(resolved.size()));
  for (const Json& job : ir["jobs"]) {
    std::string name = job["name"];
    std::string key = key_of(name);
    if (key.empty()) {
      diffs.push_back("job `" + name + "` missing in GitLab");
      continue;
    }
    YAML::Node y = gl[key];
    if (Json paths = ChangedPaths(job.value("when", Json())); paths.is_array()) {
      std::vector<std::string> want;
      for (const Json& p : paths) want.push_back(PortablePathGlob(p.get<std::string>()));
      bool found = false;
      for (const auto& rule : y["rules"])
        if (rule["changes"] && rule["changes"].IsSequence() && SeqStrings(rule["changes"]) == want) found = true;
      if (!found) diffs.push_back("job `" + name + "`: no rule with its `changed` paths as `changes:`");
    }
    std::map<std::string, bool> needs;
    bool after_stages = job.value("after_stages", false);
    if (!y["needs"]) {
      // GitLab's stage order, which the IR states as `after_stages`. The emitter writes it
      // with `dependencies: []`, since stage order carries no artifacts.
      if (!y["dependencies"] || !y["dependencies"].IsSequence() || y["dependencies"].size() != 0)
        diffs.push_back("job `" + name + "`: no `needs` and no `dependencies: []`");
      if (!after_stages) diffs.push_back("job `" + name + "`: no `needs`, but the IR does not wait for the earlier stages");
    } else if (after_stages) {
      diffs.push_back("job `" + name + "`: waits for the earlier stages in the IR, but GitLab lists `needs`");
    } else if (!y["needs"].IsSequence()) {
      diffs.push_back("job `" + name + "`: `needs` is not an explicit list");
    } else {
      for (const auto& n : y["needs"]) {
        if (!n.IsMap() || !n["job"] || !n["artifacts"]) {
          diffs.push_back("job `" + name + "`: a need is not in object form with `artifacts`");
          continue;
        }
        needs[n["job"].as<std::string>()] = n["artifacts"].as<bool>();
      }
    }
    std::set<std::string> cond_jobs = ConditionJobs(job.value("when", Json()));
    for (const Json& n : job["needs"]) {
      std::string dep = key_of(n["job"].get<std::string>());
      if (!needs.count(dep))
        diffs.push_back("job `" + name + "`: need `" + n["job"].get<std::string>() + "` missing");
    }
    for (const auto& [dep, artifacts] : needs) {
      bool known = false;
      for (const Json& n : job["needs"]) known = known || key_of(n["job"]) == dep;
      for (const std::string& c : cond_jobs) known = known || key_of(c) == dep;
      if (!known) diffs.push_back("job `" + name + "`: extra need `" + dep + "`");
    }
    for (const Json& in : job.value("inputs", Json::array())) {
      std::string dep = key_of(ProducerJob(in["from"]));
      if (needs.count(dep) && !needs[dep])
        diffs.push_back("job `" + name + "`: reads `" + in["from"].get<std::string>() +
                        "` without artifacts: true");
    }
    if (job.contains("trigger")) {
      if (!y["trigger"]) diffs.push_back("job `" + name + "`: no `trigger`");
      continue;
    }
    std::vector<std::string> paths = SeqStrings(y["artifacts"]["paths"]);
    YAML::Node reports = y["artifacts"]["reports"];
    for (const Json& o : job.value("outputs", Json::array())) {
      std::string kind = o["kind"], path = o["path"];
      bool ok = true;
      if (kind == "file" || kind == "dir")
        ok = Has(paths, path);
      else if (kind == "junit" || kind == "dotenv" || kind == "codequality")
        ok = Has(SeqStrings(reports[kind]), path);
      else if (kind == "coverage")
        ok = (reports["coverage_report"] &&
              reports["coverage_report"]["path"].as<std::string>() == path) ||
             Has(paths, path);
      else if (IsValueKind(kind))
        ok = Has(SeqStrings(reports["dotenv"]), ".pipec-values.env");
      if (!ok)
        diffs.push_back("job `" + name + "`: output `" + o["name"].get<std::string>() + "` (" +
                        kind + ") not published");
    }
    std::string script;
    // Setup and teardown steps are in before_script / after_script.
    for (const char* part : {"before_script", "script", "after_script"})
      for (const std::string& line : SeqStrings(y[part])) script += line + "\n";
    bool folded = key != key_of_plain(name);
    for (const auto& lits : folded ? Spelled(RunLiterals(job), job, "${", "}") : RunLiterals(job))
      if (!ContainsInOrder(script, lits))
        diffs.push_back("job `" + name + "`: script does not contain `" +
                        (lits.empty() ? "" : lits[0]) + "`");
  }
  return diffs;
}

std::vector<std::string> CompareGitHub(const Json& ir, const YAML::Node& wf) {
  std::vector<std::string> diffs;
  YAML::Node jobs = wf["jobs"];
  std::map<std::string, std::string> id_of;  // IR name -> workflow job id
  for (const auto& kv : jobs) {
    std::string id = kv.first.as<std::string>();
    std::string name = kv.second["name"] ? kv.second["name"].as<std::string>() : id;
    id_of[name] = id;
  }
  std::set<std::string> resolved;
  for (const Json& job : ir["jobs"]) {
    std::string name = job["name"];
    if (!id_of.count(name) && job.contains("base_name") && id_of.count(job["base_name"]) &&
        jobs[id_of[job["base_name"]]]["strategy"]["matrix"])
      id_of[name] = id_of[job["base_name"]];
    if (id_of.count(name)) resolved.insert(id_of[name]);
  }
  // Stage order's barrier jobs ("stage X done") stand for no IR job.
  std::set<std::string> barriers;
  for (const Json& st : ir.value("stages", Json::array()))
    if (id_of.count("stage " + st.get<std::string>() + " done"))
      barriers.insert(id_of["stage " + st.get<std::string>() + " done"]);
  // `changed [...]`: the job that diffs the event stands for no IR job either.
  std::string changes_id = id_of.count("which files changed") ? id_of["which files changed"] : "";
  if (!changes_id.empty()) barriers.insert(changes_id);
  if (jobs.size() != resolved.size() + barriers.size())
    diffs.push_back("GitHub has " + std::to_string(jobs.size() - barriers.size()) + " jobs, the IR expects " +
                    std::to_string(resolved.size()));
  // Everything a workflow job waits for, directly or through other jobs.
  std::map<std::string, std::set<std::string>> upstream;
  std::function<const std::set<std::string>&(const std::string&)> waits_for =
      [&](const std::string& id) -> const std::set<std::string>& {
    if (auto it = upstream.find(id); it != upstream.end()) return it->second;
    std::set<std::string>& mine = upstream[id];
    for (const std::string& n : SeqStrings(jobs[id]["needs"])) {
      mine.insert(n);
      std::set<std::string> theirs = waits_for(n);
      upstream[id].insert(theirs.begin(), theirs.end());
    }
    return upstream[id];
  };
  std::vector<std::string> stages;
  for (const Json& st : ir.value("stages", Json::array())) stages.push_back(st);
  auto stage_of = [&](const Json& job) {
    return std::find(stages.begin(), stages.end(), job.value("stage", std::string())) - stages.begin();
  };
  for (const Json& job : ir["jobs"]) {
    if (!job.value("after_stages", false) || !id_of.count(job["name"])) continue;
    std::set<std::string> waits = waits_for(id_of[job["name"]]);
    for (const Json& earlier : ir["jobs"])
      if (stage_of(earlier) < stage_of(job) && id_of.count(earlier["name"]) && !waits.count(id_of[earlier["name"]]))
        diffs.push_back("job `" + job["name"].get<std::string>() + "`: does not wait for `" +
                        earlier["name"].get<std::string>() + "` of an earlier stage");
  }
  for (const Json& job : ir["jobs"]) {
    std::string name = job["name"];
    if (!id_of.count(name)) {
      diffs.push_back("job `" + name + "` missing in GitHub");
      continue;
    }
    YAML::Node y = jobs[id_of[name]];
    std::vector<std::string> needs = SeqStrings(y["needs"]);
    for (const Json& n : job["needs"]) {
      std::string dep = n["job"];
      if (!id_of.count(dep) || !Has(needs, id_of[dep]))
        diffs.push_back("job `" + name + "`: need `" + dep + "` missing");
    }
    if (ChangedPaths(job.value("when", Json())).is_array()) {
      std::string test = "needs." + changes_id + ".outputs.";
      if (changes_id.empty() || !Has(needs, changes_id) || !y["if"] ||
          y["if"].as<std::string>().find(test) == std::string::npos)
        diffs.push_back("job `" + name + "`: `changed` is not tested on the diffing job's output");
    }
    if (job.contains("trigger")) {
      if (!y["uses"] && !y["steps"])
        diffs.push_back("job `" + name + "`: trigger job neither calls nor dispatches");
      continue;
    }
    std::vector<std::string> uploads, downloads;
    std::string runs;
    for (const auto& s : y["steps"]) {
      std::string uses = s["uses"] ? s["uses"].as<std::string>() : "";
      if (uses.rfind("actions/upload-artifact@", 0) == 0)
        uploads.push_back(s["with"]["path"].as<std::string>());
      if (uses.rfind("actions/download-artifact@", 0) == 0)
        downloads.push_back(s["with"]["name"].as<std::string>());
      if (s["run"]) runs += s["run"].as<std::string>() + "\n";
    }
    for (const Json& o : job.value("outputs", Json::array())) {
      std::string kind = o["kind"], oname = o["name"];
      if (IsValueKind(kind)) {
        if (!y["outputs"] || !y["outputs"][oname])
          diffs.push_back("job `" + name + "`: value `" + oname + "` not a job output");
      } else if (!Has(uploads, o["path"])) {
        diffs.push_back("job `" + name + "`: output `" + oname + "` not uploaded");
      }
    }
    size_t file_inputs = 0;
    for (const Json& in : job.value("inputs", Json::array()))
      file_inputs += !IsValueKind(in["kind"]);
    if (downloads.size() != file_inputs)
      diffs.push_back("job `" + name + "`: " + std::to_string(downloads.size()) +
                      " downloads for " + std::to_string(file_inputs) + " file inputs");
    bool folded = id_of[name] != name && !(y["name"] && y["name"].as<std::string>() == name);
    for (const auto& lits :
         folded ? Spelled(RunLiterals(job), job, "${{ matrix.", " }}") : RunLiterals(job))
      if (!ContainsInOrder(runs, lits))
        diffs.push_back("job `" + name + "`: run steps do not contain `" +
                        (lits.empty() ? "" : lits[0]) + "`");
  }
  return diffs;
}

}  // namespace pipec::emit
