#include "compiler/graph/run_data.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace pipec::graph {
namespace {

namespace fs = std::filesystem;

bool ReadAll(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// The summary of the run named by `runs/LAST`, or "" when there is none.
fs::path LastRunSummary(const fs::path& runs) {
  std::string id;
  if (!ReadAll(runs / "LAST", id)) return {};
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r' || id.back() == ' ')) id.pop_back();
  if (id.empty() || id.find('/') != std::string::npos || id == "..") return {};
  return runs / id / "summary.json";
}

}  // namespace

RunData ReadRunData(const std::string& dir) {
  RunData r;
  std::error_code ec;
  fs::path d(dir);
  if (!fs::is_directory(d, ec)) {
    r.problem = dir + " is not a directory";
    return r;
  }
  fs::path summary;
  for (const fs::path& candidate :
       {d / "summary.json", LastRunSummary(d), LastRunSummary(d / ".pipec" / "runs")})
    if (!candidate.empty() && fs::is_regular_file(candidate, ec)) {
      summary = candidate;
      break;
    }
  if (summary.empty()) {
    r.problem = "no summary.json of a finished run under " + dir;
    return r;
  }
  r.summary_path = summary.string();
  std::string text;
  if (!ReadAll(summary, text)) {
    r.problem = "cannot read " + r.summary_path;
    return r;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("jobs") || !j["jobs"].is_array()) {
    r.problem = r.summary_path + " is not a run summary (no \"jobs\" list)";
    return r;
  }
  if (j.contains("trigger") && j["trigger"].is_string()) r.trigger = j["trigger"].get<std::string>();
  for (const nlohmann::json& job : j["jobs"]) {
    if (!job.is_object() || !job.contains("name") || !job["name"].is_string()) continue;
    if (!job.contains("duration_ms") || !job["duration_ms"].is_number()) continue;
    double ms = job["duration_ms"].get<double>();
    if (ms >= 0) r.seconds[job["name"].get<std::string>()] = ms / 1000.0;
  }
  if (r.seconds.empty()) r.problem = r.summary_path + " records no job durations";
  return r;
}

}  // namespace pipec::graph
