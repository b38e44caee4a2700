#include "runtime/secrets.h"

#include <cstdlib>
#include <functional>

#include <fmt/format.h>

#include "runtime/fs.h"

namespace pipec::runtime {

std::string ParseDotenv(const std::string& text, std::map<std::string, std::string>* out) {
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    line = line.substr(b);
    if (line.rfind("export ", 0) == 0) line = line.substr(7);
    size_t eq = line.find('=');
    if (eq == std::string::npos) return fmt::format("line {}: expected KEY=VALUE", line_no);
    std::string key = line.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    bool ok = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
    for (char c : key) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!ok) return fmt::format("line {}: \"{}\" is not a variable name", line_no, key);
    std::string value = line.substr(eq + 1);
    size_t vb = value.find_first_not_of(" \t");
    value = vb == std::string::npos ? "" : value.substr(vb);
    if (!value.empty() && (value[0] == '\'' || value[0] == '"')) {
      char q = value[0];
      std::string v;
      size_t i = 1;
      for (; i < value.size() && value[i] != q; ++i) {
        if (q == '"' && value[i] == '\\' && i + 1 < value.size()) {
          char e = value[++i];
          v += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          v += value[i];
        }
      }
      if (i >= value.size()) return fmt::format("line {}: unterminated quote", line_no);
      value = v;
    } else {
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    }
    (*out)[key] = value;
  }
  return "";
}

namespace {

void ForEachSecret(const plan::Plan& plan, const std::function<void(const plan::Secret&)>& fn) {
  for (const plan::Secret& s : plan.secrets) fn(s);
  for (const plan::Job& j : plan.jobs)
    if (j.trigger && j.trigger->plan) ForEachSecret(*j.trigger->plan, fn);
}

}  // namespace

std::string LoadSecrets(const plan::Plan& plan, const std::string& secrets_file,
                        std::map<std::string, std::string>* values) {
  std::map<std::string, std::string> file;
  if (!secrets_file.empty()) {
    auto text = ReadFile(secrets_file);
    if (!text) return fmt::format("cannot read secrets file {}", secrets_file);
    if (std::string err = ParseDotenv(*text, &file); !err.empty()) return secrets_file + ": " + err;
  }
  ForEachSecret(plan, [&](const plan::Secret& s) {
    if (auto it = file.find(s.name); it != file.end()) {
      (*values)[s.name] = it->second;
    } else if (const char* v = std::getenv(s.name.c_str())) {
      (*values)[s.name] = v;
    }
  });
  return "";
}

namespace {

// secret name -> "job ($VAR)" for each binding of a missing secret.
void CollectMissing(const plan::Plan& plan, const std::vector<bool>& runs,
                    const std::string& prefix, const std::map<std::string, std::string>& values,
                    std::map<std::string, std::vector<std::string>>* missing) {
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    if (i < runs.size() && !runs[i]) continue;
    const plan::Job& j = plan.jobs[i];
    for (const auto& [var, secret] : j.secret_env)
      if (!values.count(secret))
        (*missing)[secret].push_back(fmt::format("{}{} (${})", prefix, j.name, var));
    if (j.trigger && j.trigger->plan)
      CollectMissing(*j.trigger->plan, {}, prefix + j.name + " > ", values, missing);
  }
}

}  // namespace

std::string CheckBoundSecrets(const plan::Plan& plan, const std::vector<bool>& runs,
                              const std::map<std::string, std::string>& values) {
  std::map<std::string, std::vector<std::string>> missing;
  CollectMissing(plan, runs, "", values, &missing);
  if (missing.empty()) return "";
  std::vector<std::string> items, names;
  for (const auto& [secret, uses] : missing) {
    items.push_back(fmt::format("{} (bound by {})", secret, fmt::join(uses, ", ")));
    names.push_back(secret + "=...");
  }
  return fmt::format("{} not set: {}; nothing ran. Export {} or pass --secrets-file FILE",
                     missing.size() == 1
                         ? "a secret the run needs is"
                         : fmt::format("{} secrets the run needs are", missing.size()),
                     fmt::join(items, "; "), fmt::join(names, " "));
}

std::vector<std::string> MaskedValues(const plan::Plan& plan,
                                      const std::map<std::string, std::string>& values) {
  std::vector<std::string> out;
  ForEachSecret(plan, [&](const plan::Secret& s) {
    auto it = values.find(s.name);
    if (s.masked && it != values.end() && !it->second.empty()) out.push_back(it->second);
  });
  return out;
}

}  // namespace pipec::runtime
