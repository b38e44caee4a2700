#pragma once
// Job durations of a finished `pipec run`, for the critical path. The runtime writes
// <project>/.pipec/runs/<run-id>/summary.json ({"jobs": [{"name", "duration_ms", ...}]})
// and the id of the latest run into .pipec/runs/LAST (docs/runtime.md).
#include <map>
#include <string>

namespace pipec::graph {

struct RunData {
  std::map<std::string, double> seconds;  // job name -> duration of the jobs that ran
  std::string summary_path;               // the file read ("" when none was found)
  std::string problem;                    // why there are no durations ("" = fine)
  std::string trigger;                    // the trigger id the run was under ("" = unknown)
};

// `dir` is a run directory (.pipec/runs/<id>), the runs directory (its LAST run is used) or
// a project directory (its .pipec/runs/LAST run).
RunData ReadRunData(const std::string& dir);

}  // namespace pipec::graph
