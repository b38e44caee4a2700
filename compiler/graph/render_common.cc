#include <fmt/format.h>

#include <cmath>

#include "compiler/graph/render.h"

namespace pipec::graph {

std::string FormatSeconds(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  long total = std::lround(s);
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
}

std::string CriticalPathCaption(const JobGraph& g) {
  if (g.critical_basis.empty()) return "";
  size_t jobs = 0;
  for (const GraphNode& n : g.nodes) jobs += n.critical ? 1 : 0;
  if (g.critical_basis == "duration")
    return fmt::format("critical path by duration: {} ({} jobs)", FormatSeconds(g.critical_length), jobs);
  return fmt::format("critical path by job count (no durations): {} jobs", jobs);
}

}  // namespace pipec::graph
