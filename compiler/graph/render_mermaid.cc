#include <fmt/format.h>

#include <vector>

#include "compiler/graph/render.h"

namespace pipec::graph {
namespace {

// Mermaid labels go inside "..."; quotes and markup characters become entity codes.
std::string Text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '#': out += "#35;"; break;
      case '|': out += "#124;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string NodeLine(const GraphNode& n, size_t i, const std::string& indent) {
  std::vector<std::string> label{Text(n.name)};
  if (!n.secrets.empty()) label.push_back(Text(fmt::format("secrets: {}", fmt::join(n.secrets, ", "))));
  if (n.manual_approval) label.push_back("approval: manual");
  if (n.never_runs) label.push_back("(no trigger runs it)");
  if (n.seconds) label.push_back(FormatSeconds(*n.seconds));
  return fmt::format("{}j{}[\"{}\"]\n", indent, i, fmt::join(label, "<br/>"));
}

std::string Ids(const std::vector<size_t>& v, const char* prefix) {
  std::vector<std::string> ids;
  for (size_t i : v) ids.push_back(fmt::format("{}{}", prefix, i));
  return fmt::format("{}", fmt::join(ids, ","));
}

}  // namespace

std::string RenderMermaid(const JobGraph& g) {
  std::string out = fmt::format("%% pipec graph of pipeline {}{}\n", g.name.empty() ? "(unnamed)" : g.name,
                                g.trigger.empty() ? "" : " under trigger " + g.trigger);
  out += "%% Edges: labelled = artifacts/values passed, plain = needs, dotted from a stage = after every job of it and the earlier stages.\n";
  std::string caption = CriticalPathCaption(g);
  if (!caption.empty()) out += "%% " + caption + "\n";
  out += "flowchart LR\n";
  for (size_t s = 0; s < g.stages.size(); ++s) {
    out += fmt::format("  subgraph s{} [\"stage {}\"]\n", s, Text(g.stages[s]));
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (g.nodes[i].stage == g.stages[s]) out += NodeLine(g.nodes[i], i, "    ");
    out += "  end\n";
  }
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].stage.empty()) out += NodeLine(g.nodes[i], i, "  ");
  std::vector<size_t> critical_links;
  for (size_t k = 0; k < g.edges.size(); ++k) {
    const GraphEdge& e = g.edges[k];
    std::string arrow = e.kind == GraphEdge::Kind::Stage ? "-.->" : "-->";
    if (e.kind == GraphEdge::Kind::Data && !e.labels.empty())
      arrow += fmt::format("|\"{}\"|", Text(fmt::format("{}", fmt::join(e.labels, ", "))));
    out += fmt::format("  {}{} {} j{}\n", e.kind == GraphEdge::Kind::Stage ? "s" : "j", e.from, arrow, e.to);
    if (e.critical) critical_links.push_back(k);
  }
  std::vector<size_t> secret, never, critical, manual;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!g.nodes[i].secrets.empty()) secret.push_back(i);
    if (g.nodes[i].never_runs) never.push_back(i);
    if (g.nodes[i].manual_approval) manual.push_back(i);
    if (g.nodes[i].critical) critical.push_back(i);
  }
  out += "  classDef secret fill:#fff3cd,stroke:#b8860b\n";
  out += "  classDef manual stroke-width:3px,stroke-dasharray:6 2\n";
  out += "  classDef never color:#888888,stroke-dasharray:2 2\n";
  out += "  classDef critical stroke:#d62728,stroke-width:3px\n";
  if (!secret.empty()) out += "  class " + Ids(secret, "j") + " secret\n";
  if (!manual.empty()) out += "  class " + Ids(manual, "j") + " manual\n";
  if (!never.empty()) out += "  class " + Ids(never, "j") + " never\n";
  if (!critical.empty()) out += "  class " + Ids(critical, "j") + " critical\n";
  if (!critical_links.empty())
    out += "  linkStyle " + Ids(critical_links, "") + " stroke:#d62728,stroke-width:3px\n";
  return out;
}

}  // namespace pipec::graph
