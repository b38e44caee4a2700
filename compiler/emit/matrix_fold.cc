#include "compiler/emit/matrix_fold.h"

#include <algorithm>
#include <set>

namespace pipec::emit {

std::string MatrixPlaceholder(const std::string& key) { return "\x01" + key + "\x01"; }

namespace {

// Single pass, longest value first at each position, so replacing back is exact.
std::string Replace(const std::string& s, const std::vector<std::pair<std::string, std::string>>& by_len) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool hit = false;
    for (const auto& [value, key] : by_len) {
      if (!value.empty() && s.compare(i, value.size(), value) == 0) {
        out += MatrixPlaceholder(key);
        i += value.size();
        hit = true;
        break;
      }
    }
    if (!hit) out += s[i++];
  }
  return out;
}

void ReplaceJson(nlohmann::json& j, const std::vector<std::pair<std::string, std::string>>& by_len) {
  if (j.is_string()) {
    j = Replace(j.get<std::string>(), by_len);
  } else if (j.is_array() || j.is_object()) {
    for (auto& v : j) ReplaceJson(v, by_len);
  }
}

}  // namespace

ir::Job Templatize(const ir::Job& cell) {
  std::vector<std::pair<std::string, std::string>> by_len;
  for (const auto& [k, v] : cell.matrix) by_len.push_back({v, k});
  std::sort(by_len.begin(), by_len.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  auto r = [&](std::string& s) { s = Replace(s, by_len); };
  auto rt = [&](ir::Text& t) {
    for (ir::TextPart& p : t.parts)
      if (p.kind == ir::TextPart::Kind::Literal) r(p.text);
  };
  ir::Job t = cell;
  t.name = cell.base_name;
  rt(t.image);
  for (std::string& s : t.services) r(s);
  for (std::string& s : t.runner) r(s);
  for (ir::EnvVar& e : t.env) rt(e.value);
  for (ir::Step& s : t.steps) {
    rt(s.script);
    for (auto& [k, v] : s.with) r(v);
  }
  for (ir::Output& o : t.outputs) r(o.path);
  for (ir::InputRef& in : t.inputs) r(in.path);
  if (t.environment) {
    r(t.environment->name);
    r(t.environment->url);
  }
  ReplaceJson(t.raw_gitlab, by_len);
  ReplaceJson(t.raw_github, by_len);
  return t;
}

std::vector<MatrixGroup> MatrixCandidates(const ir::Pipeline& p,
                                          std::vector<std::pair<size_t, std::string>>& why_not) {
  std::map<std::string, MatrixGroup> groups;
  std::vector<std::string> order;
  for (size_t i = 0; i < p.jobs.size(); ++i) {
    const ir::Job& j = p.jobs[i];
    if (j.matrix.empty() || j.hidden) continue;
    auto [it, fresh] = groups.try_emplace(j.base_name);
    if (fresh) order.push_back(j.base_name);
    it->second.base = j.base_name;
    it->second.cells.push_back(i);
    it->second.values.push_back(j.matrix);
  }
  std::vector<MatrixGroup> out;
  for (const std::string& base : order) {
    MatrixGroup& g = groups[base];
    const ir::Job& first = p.jobs[g.cells[0]];
    std::set<std::string> cell_names;
    for (size_t i : g.cells) cell_names.insert(p.jobs[i].name);
    std::string reason;
    for (const auto& [k, v] : first.matrix) g.keys.push_back(k);
    for (size_t i : g.cells) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : p.jobs[i].matrix) keys.push_back(k);
      if (keys != g.keys) reason = "its cells have different matrix keys";
      for (const ir::Output& o : p.jobs[i].outputs)
        if (ir::IsValueOutput(o.kind)) reason = "it has value outputs, which a vendor matrix cannot keep apart";
      if (p.jobs[i].trigger) reason = "it starts another pipeline";
    }
    if (g.base.find_first_of("[]") != std::string::npos) reason = "its name is not a plain job name";
    for (const ir::Job& other : p.jobs) {
      if (cell_names.count(other.name)) continue;
      size_t needed = 0;
      for (const ir::Need& n : other.needs) needed += cell_names.count(n.job);
      if (needed && needed != cell_names.size())
        reason = "job `" + other.name + "` needs only some of its cells";
      for (const ir::InputRef& in : other.inputs)
        if (cell_names.count(in.job)) reason = "job `" + other.name + "` reads the output of one cell";
    }
    if (!reason.empty()) {
      why_not.push_back({g.cells[0], reason});
      continue;
    }
    g.templ = Templatize(first);
    // Full product: the distinct values per key multiply to the number of cells.
    size_t product = 1;
    for (const std::string& k : g.keys) {
      std::vector<std::string> axis;
      for (const auto& cell : g.values)
        if (std::find(axis.begin(), axis.end(), cell.at(k)) == axis.end()) axis.push_back(cell.at(k));
      product *= axis.size();
      g.axes[k] = axis;
    }
    g.full_product = product == g.cells.size();
    out.push_back(std::move(g));
  }
  return out;
}

void RenderPlaceholders(Doc& doc, const std::function<std::string(const std::string&)>& render) {
  if (doc.is_string()) {
    const std::string& s = doc.get_ref<const std::string&>();
    if (s.find('\x01') == std::string::npos) return;
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      size_t end;
      if (s[i] == '\x01' && (end = s.find('\x01', i + 1)) != std::string::npos) {
        out += render(s.substr(i + 1, end - i - 1));
        i = end;
      } else {
        out += s[i];
      }
    }
    doc = out;
  } else if (doc.is_array() || doc.is_object()) {
    for (auto& v : doc) RenderPlaceholders(v, render);
  }
}

std::vector<MatrixGroup> FoldMatrices(const ir::Pipeline& p, std::string_view target,
                                      const std::function<Doc(const ir::Job&)>& emit_job,
                                      DiagnosticSink& diags,
                                      const std::function<std::string(const Doc&)>& unfoldable) {
  std::vector<std::pair<size_t, std::string>> why_not;
  std::vector<MatrixGroup> folded;
  for (MatrixGroup& g : MatrixCandidates(p, why_not)) {
    Doc first = emit_job(g.templ);
    bool same = true;
    for (size_t k = 1; k < g.cells.size() && same; ++k) same = emit_job(Templatize(p.jobs[g.cells[k]])) == first;
    std::string blocked = same && unfoldable ? unfoldable(first) : "";
    if (!blocked.empty())
      why_not.push_back({g.cells[0], blocked});
    else if (same)
      folded.push_back(std::move(g));
    else
      why_not.push_back({g.cells[0], "its cells differ in more than their matrix values"});
  }
  for (const auto& [cell, reason] : why_not) {
    const ir::Job& j = p.jobs[cell];
    diags.Report(DiagKind::EmitMatrixExpanded, j.range,
                 "matrix job `" + j.base_name + "` is written to " + std::string(target) +
                     " as one job per cell, not as a vendor matrix: " + reason);
  }
  return folded;
}

Doc GitLabMatrix(const MatrixGroup& g) {
  Doc entries = Doc::array();
  if (g.full_product) {
    Doc entry = Doc::object();
    for (const std::string& k : g.keys) entry[k] = g.axes.at(k);
    entries.push_back(entry);
    return entries;
  }
  for (const auto& cell : g.values) {
    Doc entry = Doc::object();
    for (const auto& [k, v] : cell) entry[k] = v;
    entries.push_back(entry);
  }
  return entries;
}

Doc GitHubMatrix(const MatrixGroup& g) {
  Doc m = Doc::object();
  if (g.full_product) {
    for (const std::string& k : g.keys) m[k] = g.axes.at(k);
    return m;
  }
  Doc include = Doc::array();
  for (const auto& cell : g.values) {
    Doc entry = Doc::object();
    for (const auto& [k, v] : cell) entry[k] = v;
    include.push_back(entry);
  }
  m["include"] = include;
  return m;
}

}  // namespace pipec::emit
