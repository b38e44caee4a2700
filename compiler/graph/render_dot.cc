#include <fmt/format.h>

#include <vector>

#include "compiler/graph/render.h"

namespace pipec::graph {
namespace {

constexpr const char* kCritical = "#d62728";

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string NodeLine(const GraphNode& n, const std::string& indent) {
  std::vector<std::string> label{n.name};
  if (!n.secrets.empty()) label.push_back(fmt::format("secrets: {}", fmt::join(n.secrets, ", ")));
  if (n.manual_approval) label.push_back("approval: manual");
  if (n.never_runs) label.push_back("(no trigger runs it)");
  if (n.seconds) label.push_back(FormatSeconds(*n.seconds));
  std::vector<std::string> attrs{"label=" + Quote(fmt::format("{}", fmt::join(label, "\n")))};
  std::string style = "rounded";
  if (!n.secrets.empty()) {
    style += ",filled";
    attrs.push_back("fillcolor=\"#fff3cd\"");
  }
  if (n.never_runs) {
    style += ",dotted";
    attrs.push_back("fontcolor=\"#888888\"");
  }
  attrs.push_back("style=" + Quote(style));
  if (n.manual_approval) attrs.push_back("peripheries=2");
  if (n.critical) attrs.push_back(fmt::format("color=\"{}\", penwidth=2.5", kCritical));
  return fmt::format("{}{} [{}];\n", indent, Quote(n.name), fmt::join(attrs, ", "));
}

}  // namespace

std::string RenderDot(const JobGraph& g) {
  std::string out = fmt::format("// pipec graph of pipeline {}{}\n", g.name.empty() ? "(unnamed)" : g.name,
                                g.trigger.empty() ? "" : " under trigger " + g.trigger);
  out += "// Edges: solid labelled = artifacts/values passed, solid = needs, dashed from a stage = after every job of it and the earlier stages.\n";
  out += fmt::format("digraph {} {{\n", Quote(g.name.empty() ? "pipeline" : g.name));
  out += "  rankdir=LR;\n  compound=true;\n";
  out += "  node [shape=box, fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  std::string caption = CriticalPathCaption(g);
  if (!caption.empty()) out += fmt::format("  label={};\n  labelloc=b;\n", Quote(caption));
  for (size_t s = 0; s < g.stages.size(); ++s) {
    out += fmt::format("  subgraph \"cluster_{}\" {{\n", s);
    out += fmt::format("    label={};\n    style=\"rounded,dashed\";\n    color=\"#999999\";\n",
                       Quote("stage " + g.stages[s]));
    for (const GraphNode& n : g.nodes)
      if (n.stage == g.stages[s]) out += NodeLine(n, "    ");
    out += "  }\n";
  }
  for (const GraphNode& n : g.nodes)
    if (n.stage.empty()) out += NodeLine(n, "  ");
  // A stage edge leaves its cluster (compound edge from the cluster's first job).
  std::vector<std::string> first_of_stage(g.stages.size());
  for (size_t s = 0; s < g.stages.size(); ++s)
    for (const GraphNode& n : g.nodes)
      if (n.stage == g.stages[s] && first_of_stage[s].empty()) first_of_stage[s] = n.name;
  for (const GraphEdge& e : g.edges) {
    std::vector<std::string> attrs;
    bool stage = e.kind == GraphEdge::Kind::Stage;
    if (stage) attrs.push_back(fmt::format("ltail=\"cluster_{}\"", e.from));
    if (e.kind == GraphEdge::Kind::Data)
      attrs.push_back("label=" + Quote(fmt::format("{}", fmt::join(e.labels, ", "))));
    if (e.kind == GraphEdge::Kind::Stage) attrs.push_back("style=dashed");
    if (e.critical) attrs.push_back(fmt::format("color=\"{}\", penwidth=2.5", kCritical));
    out += fmt::format("  {} -> {}{};\n", Quote(stage ? first_of_stage[e.from] : g.nodes[e.from].name),
                       Quote(g.nodes[e.to].name),
                       attrs.empty() ? "" : fmt::format(" [{}]", fmt::join(attrs, ", ")));
  }
  out += "}\n";
  return out;
}

}  // namespace pipec::graph
