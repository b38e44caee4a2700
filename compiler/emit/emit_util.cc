#include "compiler/emit/emit_util.h"

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

const ir::Output* FindOutput(const ir::Pipeline& p, std::string_view job, std::string_view output) {
  const ir::Job* j = p.FindJob(job);
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

}  // namespace pipec::emit
