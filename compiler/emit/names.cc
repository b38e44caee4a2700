#include "compiler/emit/names.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace pipec::emit {

std::string EnvName(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (unsigned char c : name) {
    if (std::isalnum(c))
      out += static_cast<char>(std::toupper(c));
    else
      out += '_';
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}

std::string InputVarName(std::string_view input) { return "PIPEC_INPUT_" + EnvName(input); }

std::string ValueVarName(std::string_view job, std::string_view output) {
  return "PIPEC_OUT_" + EnvName(job) + "_" + EnvName(output);
}

std::string SkippedVarName(std::string_view job) { return "PIPEC_SKIPPED_" + EnvName(job); }

std::string GitHubIdFor(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    bool ok = std::isalnum(c) || c == '_' || c == '-';
    out += ok ? static_cast<char>(c) : '_';
  }
  // Trailing `_` left by `]` and similar carry no meaning.
  while (out.size() > 1 && out.back() == '_') out.pop_back();
  if (out.empty() || !(std::isalpha(static_cast<unsigned char>(out[0])) || out[0] == '_'))
    out.insert(0, "_");
  return out;
}

std::string ArtifactName(std::string_view job, std::string_view output) {
  return GitHubIdFor(job) + "--" + GitHubIdFor(output);
}

void JobNames::Assign(const ir::Pipeline& p, const std::vector<std::string>& candidates,
                      const std::vector<std::string>& reserved) {
  std::set<std::string> taken(reserved.begin(), reserved.end());
  // Jobs whose name is already valid keep it; the others take what is left, in source order.
  for (size_t i = 0; i < p.jobs.size(); ++i)
    if (candidates[i] == p.jobs[i].name && !taken.count(candidates[i])) {
      names_[p.jobs[i].name] = candidates[i];
      taken.insert(candidates[i]);
    }
  for (size_t i = 0; i < p.jobs.size(); ++i) {
    if (names_.count(p.jobs[i].name)) continue;
    std::string name = candidates[i];
    for (int n = 2; taken.count(name); ++n) name = candidates[i] + "_" + std::to_string(n);
    names_[p.jobs[i].name] = name;
    taken.insert(name);
  }
}

std::string JobNames::Of(std::string_view ir_name) const {
  auto it = names_.find(ir_name);
  return it != names_.end() ? it->second : std::string(ir_name);
}

}  // namespace pipec::emit
