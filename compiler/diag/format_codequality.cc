// GitLab Code Quality report (artifacts:reports:codequality): a JSON array, no BOM, with the
// fields merge requests read: description, check_name, fingerprint, severity, location.
#include <nlohmann/json.hpp>

#include "compiler/diag/fingerprint.h"
#include "compiler/diag/json_array_text.h"
#include "compiler/diag/formats.h"

namespace pipec {
namespace {

// blocker and critical fail the quality gate in GitLab's widget; secrets leaking is a blocker.
const char* CodeQualitySeverity(const Diagnostic& d) {
  switch (d.severity) {
    case Severity::Error: return d.info().id.substr(0, 2) == "P3" ? "blocker" : "critical";
    case Severity::Warning: return "major";
    case Severity::Info: return "minor";
    case Severity::Note: return "info";
  }
  return "major";
}

const char* Category(const Diagnostic& d) {
  std::string_view id = d.info().id;
  if (id.substr(0, 2) == "P3") return "Security";
  if (id.substr(0, 2) == "P2" || d.severity == Severity::Error) return "Bug Risk";
  return "Style";
}

}  // namespace

std::string FormatCodeQuality(const std::vector<Diagnostic>& diags, const SourceManager& sm) {
  std::vector<std::string> fps = StableFingerprints(diags, sm);
  // Findings without a file (a missing tool) still need a path: use the first input file.
  std::string fallback = sm.size() ? ReportPath(sm, 0) : "";
  JsonArrayText out(0);
  for (size_t i = 0; i < diags.size(); ++i) {
    const Diagnostic& d = diags[i];
    nlohmann::ordered_json j;
    j["type"] = "issue";
    j["check_name"] = std::string(d.info().name);
    // The widget shows only this text: it carries every note (a cycle's path, why a value is
    // a secret), not just the headline (issue 14).
    j["description"] = MessageWithNotes(d, sm, " (", ")");
    j["categories"] = nlohmann::ordered_json::array({Category(d)});
    j["severity"] = CodeQualitySeverity(d);
    j["fingerprint"] = fps[i];
    nlohmann::ordered_json loc;
    loc["path"] = d.range.file == kNoFile ? fallback : ReportPath(sm, d.range.file);
    nlohmann::ordered_json lines;
    lines["begin"] = d.range.begin.line ? d.range.begin.line : 1;
    if (d.range.end.line >= d.range.begin.line && d.range.end.line) lines["end"] = d.range.end.line;
    loc["lines"] = lines;
    j["location"] = loc;
    out.Add(j);
  }
  return std::move(out).Finish() + "\n";
}

}  // namespace pipec
