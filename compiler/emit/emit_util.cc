#include "compiler/emit/emit_util.h"

#include <algorithm>
#include <cctype>

#include "compiler/emit/names.h"

namespace pipec::emit {

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

const ir::Output* FindOutput(const ir::Pipeline& p, ir::JobId job, std::string_view output) {
  const ir::Job* j = p.JobAt(job);
  if (!j) return nullptr;
  for (const ir::Output& o : j->outputs)
    if (o.name == output) return &o;
  return nullptr;
}

std::string GitLabDuration(int64_t seconds) {
  if (seconds > 0 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + " days";
  std::string out;
  auto part = [&](int64_t n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + unit;
  };
  part(seconds / 3600, "h");
  part(seconds % 3600 / 60, "m");
  part(seconds % 60, "s");
  return out.empty() ? "0s" : out;
}

std::string Dirname(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(path.substr(0, slash));
}

std::string Basename(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::vector<std::string> ValueInputLines(const ir::Job& job) {
  std::vector<std::string> lines;
  for (const ir::InputRef& in : job.inputs) {
    if (!ir::IsValueOutput(in.kind) || in.path.empty()) continue;
    std::string line;
    std::string dir = Dirname(in.path);
    if (!dir.empty()) line += "mkdir -p " + ShellQuote(dir) + " && ";
    line += "printf '%s' \"${" + ValueVarName(in.job, in.output) + ":-}\" > " + ShellQuote(in.path);
    lines.push_back(line);
  }
  return lines;
}

void MergeRaw(Doc& target, const nlohmann::json& raw, std::string_view vendor, std::string_view what,
              SourceRange where, DiagnosticSink& diags) {
  if (!raw.is_object()) return;
  for (auto it = raw.begin(); it != raw.end(); ++it) {
    Doc value = ToDoc(it.value());
    if (target.contains(it.key()) && target[it.key()] != value) {
      diags.Report(DiagKind::EmitRawOverride, where,
                   "`raw " + std::string(vendor) + "` key `" + it.key() + "` replaces the value pipec "
                   "generated for " + std::string(what));
    }
    target[it.key()] = std::move(value);
  }
}

Doc InsertAfter(const Doc& doc, std::string_view after, const std::string& key, Doc value) {
  Doc out = Doc::object();
  bool placed = !doc.contains(std::string(after));
  if (placed) out[key] = value;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    out[it.key()] = it.value();
    if (!placed && it.key() == after) {
      out[key] = value;
      placed = true;
    }
  }
  return out;
}

namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `text` mentions `$name` or `${name` (any shell form that reads it, and a few that
// do not, such as '$name' in single quotes: keeping a var too many is harmless).
bool MentionsVar(std::string_view text, std::string_view name) {
  for (size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at + 1)) {
    size_t start = at + 1;
    if (start < text.size() && text[start] == '{') ++start;
    if (text.compare(start, name.size(), name) != 0) continue;
    size_t end = start + name.size();
    if (end == text.size() || !IsNameChar(text[end])) return true;
  }
  return false;
}

}  // namespace

std::vector<const ir::Variable*> RuntimeVariables(const ir::Pipeline& p) {
  std::vector<std::string> texts;
  auto add_text = [&](const ir::Text& t) { texts.push_back(t.LiteralText()); };
  for (const ir::Job& j : p.jobs) {
    for (const ir::Step& s : j.steps) {
      add_text(s.script);
      for (const auto& [k, v] : s.with) texts.push_back(v);
      for (const auto& [k, v] : s.env) add_text(v);
    }
    for (const ir::EnvVar& e : j.env) add_text(e.value);
    add_text(j.image);
    texts.insert(texts.end(), j.services.begin(), j.services.end());
    texts.insert(texts.end(), j.runner.begin(), j.runner.end());
    for (const ir::Output& o : j.outputs) texts.push_back(o.path);
    for (const ir::InputRef& i : j.inputs) texts.push_back(i.path);
    if (j.environment) texts.push_back(j.environment->name + " " + j.environment->url);
    if (j.trigger)
      for (const auto& [k, v] : j.trigger->inputs) add_text(v);
    texts.push_back(j.raw_gitlab.dump());
    texts.push_back(j.raw_github.dump());
  }
  for (const ir::Cache& c : p.caches) {
    texts.push_back(c.key);
    texts.insert(texts.end(), c.paths.begin(), c.paths.end());
    texts.insert(texts.end(), c.key_files.begin(), c.key_files.end());
  }
  for (const ir::Variable& v : p.variables) texts.push_back(v.value.ToString());
  texts.push_back(p.raw_gitlab.dump());
  texts.push_back(p.raw_github.dump());
  std::vector<const ir::Variable*> out;
  for (const ir::Variable& v : p.variables)
    if (std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return MentionsVar(t, v.name); }))
      out.push_back(&v);
  return out;
}

}  // namespace pipec::emit
