#pragma once
// Reads generated files back with yaml-cpp and compares their job graph with the IR
// (`pipec check --dump-ir` JSON): jobs, needs, artifacts and scripts. A second, independent
// look at the output: it parses what was written instead of trusting the emitter's model.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <yaml-cpp/yaml.h>

namespace pipec::emit {

// Each returned line names one difference ("job `x`: need `y` missing"); empty = match.
std::vector<std::string> CompareGitLab(const nlohmann::json& ir, const YAML::Node& gitlab);
std::vector<std::string> CompareGitHub(const nlohmann::json& ir, const YAML::Node& workflow);

}  // namespace pipec::emit
