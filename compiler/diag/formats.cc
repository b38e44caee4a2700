#include "compiler/diag/formats.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/diag/fingerprint.h"
#include "compiler/diag/json_array_text.h"

namespace pipec {

std::string MessageWithNotes(const Diagnostic& d, const SourceManager& sm, std::string_view open,
                             std::string_view close) {
  std::string text = d.message;
  for (const DiagNote& n : d.notes) {
    text += open;
    text += n.message;
    bool elsewhere = n.range.valid() && n.range.file != kNoFile &&
                     (n.range.file != d.range.file || n.range.begin.line != d.range.begin.line);
    if (elsewhere) text += fmt::format(" (at {}:{})", ReportPath(sm, n.range.file), n.range.begin.line);
    text += close;
  }
  return text;
}

std::string FormatJson(const std::vector<Diagnostic>& diags, const SourceManager& sm) {
  auto range_json = [&](const SourceRange& r) {
    nlohmann::ordered_json j;
    j["file"] = std::string(sm.Path(r.file));
    j["line"] = r.begin.line;
    j["column"] = r.begin.column;
    j["end_line"] = r.end.line;
    j["end_column"] = r.end.column;
    return j;
  };
  JsonArrayText out(0);
  for (const Diagnostic& d : diags) {
    nlohmann::ordered_json j;
    j["id"] = std::string(d.info().id);
    j["name"] = std::string(d.info().name);
    j["severity"] = std::string(SeverityName(d.severity));
    j["message"] = d.message;
    j["range"] = range_json(d.range);
    nlohmann::ordered_json notes = nlohmann::ordered_json::array();
    for (const DiagNote& n : d.notes) {
      nlohmann::ordered_json nj;
      nj["message"] = n.message;
      if (n.range.file != kNoFile) nj["range"] = range_json(n.range);
      notes.push_back(nj);
    }
    j["notes"] = notes;
    if (d.fix) {
      j["fix"] = {{"range", range_json(d.fix->range)}, {"replacement", d.fix->replacement}};
    }
    out.Add(j);
  }
  return std::move(out).Finish() + "\n";
}

std::string FormatDiagnostics(std::string_view format, const std::vector<Diagnostic>& diags,
                              const SourceManager& sm) {
  if (format == "sarif") return FormatSarif(diags, sm);
  if (format == "codequality") return FormatCodeQuality(diags, sm);
  if (format == "github") return FormatGithub(diags, sm);
  return FormatJson(diags, sm);
}

}  // namespace pipec
