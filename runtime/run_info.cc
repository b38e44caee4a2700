#include "runtime/run_info.h"

#include <cctype>

#include <unistd.h>

#include <set>

#include <fmt/format.h>

#include "runtime/fs.h"

extern char** environ;

namespace pipec::runtime {

std::string PathName(const std::string& job) {
  std::string out = job;
  for (char& c : out)
    if (c == '/' || c == '\0') c = '_';
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

std::string EnvName(const std::string& name) {
  std::string out;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

std::string BuildJobEnv(const RunInfo& run, const plan::Plan& plan, const plan::Job& job, int attempt,
                        std::map<std::string, std::string>* env, bool inherit) {
  std::set<std::string> secret_names;
  for (const plan::Secret& s : plan.secrets) secret_names.insert(s.name);
  for (auto& [name, value] : run.secrets) secret_names.insert(name);
  for (char** e = environ; inherit && e && *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq);
    // A secret reaches only the jobs that bind it, never through the inherited environment;
    // and an outer CI's variables must not leak into the simulated one.
    if (secret_names.count(k) || k.rfind("CI_", 0) == 0 || k.rfind("PIPEC_", 0) == 0 || k == "GITLAB_CI" ||
        k == "GITHUB_ACTIONS")
      continue;
    (*env)[k] = kv.substr(eq + 1);
  }
  std::string trigger_kind = run.trigger.substr(0, run.trigger.find(':'));
  auto& e = *env;
  e["CI"] = "true";
  e["PIPEC"] = "true";
  e["PIPEC_RUN_ID"] = run.run_id;
  e["PIPEC_TRIGGER"] = run.trigger;
  e["CI_PIPELINE_ID"] = run.run_id;
  e["CI_PIPELINE_NAME"] = plan.pipeline;
  e["CI_PIPELINE_SOURCE"] = trigger_kind;
  e["CI_JOB_NAME"] = job.name;
  e["CI_JOB_STAGE"] = job.stage;
  e["CI_JOB_ATTEMPT"] = std::to_string(attempt);
  e["CI_PROJECT_DIR"] = run.WorkspaceOf(job.name);
  e["CI_COMMIT_SHA"] = run.sha;
  e["CI_COMMIT_SHORT_SHA"] = run.sha.substr(0, 8);
  e["CI_COMMIT_BRANCH"] = run.CommitBranch();
  e["CI_COMMIT_REF_NAME"] = run.tag.empty() ? run.branch : run.tag;
  e["CI_COMMIT_TAG"] = run.tag;
  e["CI_DEFAULT_BRANCH"] = run.default_branch;
  for (auto& [k, v] : run.inputs) e["PIPEC_INPUT_" + EnvName(k)] = v;
  // Values are written as GitLab writes variables (`$$` a literal `$`, `${CI_COMMIT_SHA}` a
  // reference), so a value means the same text here as on GitLab and GitHub.
  for (auto& [k, v] : plan.variables) e[k] = ExpandVariableValue(v, e);
  for (auto& [k, v] : job.env) e[k] = ExpandVariableValue(v, e);
  for (auto& [var, secret] : job.secret_env) {
    auto it = run.secrets.find(secret);
    if (it == run.secrets.end())
      return fmt::format("secret {} (bound to ${}) is not set: export {}=... or pass --secrets-file", secret, var,
                         secret);
    bool as_file = false;
    for (const plan::Secret& s : plan.secrets)
      if (s.name == secret) as_file = s.file;
    if (as_file) {
      std::string path = run.run_dir + "/secrets/" + PathName(job.name) + "/" + PathName(secret);
      if (std::string err = WriteFile(path, it->second, 0600); !err.empty()) return err;
      e[var] = path;
    } else {
      e[var] = it->second;
    }
  }
  return "";
}

std::string ExpandVariableValue(const std::string& value, const std::map<std::string, std::string>& env) {
  auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '$' || i + 1 >= value.size()) {
      out += value[i];
      continue;
    }
    if (value[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    size_t start = i + 1, end = start;
    bool braced = value[start] == '{';
    if (braced) ++start, end = start;
    while (end < value.size() && name_char(value[end])) ++end;
    if (end == start || (braced && (end >= value.size() || value[end] != '}'))) {
      out += value[i];  // not a reference: keep the `$`
      continue;
    }
    auto it = env.find(value.substr(start, end - start));
    size_t last = braced ? end : end - 1;
    if (it == env.end()) {
      out += value.substr(i, last - i + 1);  // unknown: kept as written
    } else {
      out += it->second;
    }
    i = last;
  }
  return out;
}

std::vector<std::string> EnvList(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

}  // namespace pipec::runtime
