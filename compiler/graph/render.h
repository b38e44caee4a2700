#pragma once
// Text forms of a JobGraph: Graphviz DOT (`dot -Tsvg` turns it into the SVG) and Mermaid
// (renders in GitLab and GitHub markdown). Both are byte-for-byte deterministic.
#include <string>

#include "compiler/graph/job_graph.h"

namespace pipec::graph {

std::string RenderDot(const JobGraph& g);
std::string RenderMermaid(const JobGraph& g);

// "2.5s", "1m05s", "1h02m": how durations appear in labels.
std::string FormatSeconds(double s);

// One line saying what the critical path measured, or "" when it was not computed.
std::string CriticalPathCaption(const JobGraph& g);

}  // namespace pipec::graph
