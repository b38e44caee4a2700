// Matrix expansion, and pairing a consumer cell with its producer cell.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <set>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

void Analyzer::ExpandMatrix(JobSpec& spec) {
  // The matrix of the highest layer that declares one, merged by key.
  std::map<std::string, std::pair<const ast::MatrixEntry*, std::shared_ptr<Env>>> entries;
  std::vector<std::string> order;
  for (const LayerItem& li : spec.items)
    if (auto* m = std::get_if<ast::MatrixItem>(&li.item->value))
      for (const ast::MatrixEntry& e : m->entries) {
        if (!entries.count(e.name.text)) order.push_back(e.name.text);
        entries[e.name.text] = {&e, li.env};
      }
  spec.cells.push_back({});
  for (const std::string& key : order) {
    auto [entry, env] = entries[key];
    auto v = Eval(entry->values, *env,
                  Where::Formatted([&] { return fmt::format("matrix `{}`", key); }));
    if (!v) {
      spec.ok = false;
      continue;
    }
    if (v->list.empty()) {
      ReportIn(*env, DiagKind::MatrixError, entry->range,
               fmt::format("matrix `{}` has no values; a job with it would never run", key));
      spec.ok = false;
      continue;
    }
    std::set<std::string> seen;
    for (const ir::Value& x : v->list)
      if (!seen.insert(x.ToString()).second) {
        ReportIn(*env, DiagKind::MatrixError, entry->values.range,
                 fmt::format("matrix `{}` lists `{}` twice", key, x.ToString()));
        spec.ok = false;
      }
    std::vector<std::map<std::string, ir::Value>> next;
    for (const auto& cell : spec.cells)
      for (const ir::Value& x : v->list) {
        auto c = cell;
        c[key] = x;
        next.push_back(std::move(c));
      }
    spec.cells = std::move(next);
    if (spec.cells.size() > kMaxMatrixCells) {
      ReportIn(*env, DiagKind::MatrixError, entry->range,
               fmt::format("the matrix of job `{}` has more than {} cells", spec.decl->name.text,
                           kMaxMatrixCells));
      spec.ok = false;
      spec.cells.resize(1);
      return;
    }
  }
  for (const auto& cell : spec.cells) {
    std::string name = spec.decl->name.text;
    if (!cell.empty() || !order.empty()) {
      name += "[";
      bool first = true;
      for (const std::string& key : order) {
        if (!cell.count(key)) continue;
        name += (first ? "" : ",") + key + "=" + cell.at(key).ToString();
        first = false;
      }
      name += "]";
    }
    spec.names.push_back(std::move(name));
  }
}

// Finds the cell of producer job `base` that matches the consumer's matrix cell.
std::optional<std::string> Analyzer::MatchCell(
    const std::string& base, const std::map<std::string, ir::Value>& consumer_cell, const Env& env,
    SourceRange r) {
  const JobSpec& p = *base_of_.at(base);
  if (p.names.size() == 1) return p.names[0];
  for (size_t c = 0; c < p.cells.size(); ++c) {
    bool all = true;
    for (const auto& [k, v] : p.cells[c]) {
      auto it = consumer_cell.find(k);
      if (it == consumer_cell.end() || it->second.ToString() != v.ToString()) all = false;
    }
    if (all) return p.names[c];
  }
  ReportIn(env, DiagKind::MatrixError, r,
           fmt::format("job `{}` runs as a matrix of {} cells; an input from it is ambiguous", base,
                       p.names.size()))
      .Note({},
            "give the consuming job the same matrix keys to pair cells one to one, or "
            "collect the cells' files in one job");
  return std::nullopt;
}

}  // namespace pipec::sema
