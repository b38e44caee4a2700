// SARIF 2.1.0 (GitHub code scanning, GitLab and IDE viewers): one run, every rule with its
// metadata and help (the rule's docs page, embedded), results with physical locations in
// Unicode code points, related locations for notes, fixes, and stable partialFingerprints.
#include <nlohmann/json.hpp>

#include <map>

#include "compiler/diag/fingerprint.h"
#include "compiler/diag/formats.h"
#include "compiler/diag/json_array_text.h"
#include "compiler/support/version.h"
#include "compiler/support/embedded.h"
#include "compiler/diag/utf8.h"

namespace pipec {
namespace {

using Json = nlohmann::ordered_json;

const char* Level(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    default: return "note";
  }
}

std::string RuleDoc(std::string_view name) {
  std::string path = "docs/rules/" + std::string(name) + ".md";
  for (const EmbeddedFile& f : RuleDocFiles())
    if (f.path == path) return std::string(f.contents);
  return "";
}

// RFC 3986: keep unreserved characters and `/`; absolute paths become file:// URIs.
std::string Uri(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out = path.size() && path[0] == '/' ? "file://" : "";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// SARIF counts columns in code points (columnKind unicodeCodePoints); pipec counts bytes.
// Many findings can sit on one long line (a 40,000-interpolation env value), so a line's
// code point offsets are computed once and looked up: output stays linear in the findings.
class CodePoints {
 public:
  explicit CodePoints(const SourceManager& sm) : sm_(sm) {}
  uint32_t Column(FileId file, SourceLoc loc) {
    if (loc.column == 0) return 0;
    std::string_view line = sm_.Line(file, loc.line);
    if (line.size() < kShortLine) return Count(line, loc.column);
    std::vector<uint32_t>& cols = long_lines_[{file, loc.line}];
    if (cols.empty()) {  // cols[i]: the code point column of byte column i + 1
      cols.reserve(line.size() + 1);
      uint32_t col = 0;
      for (size_t i = 0; i < line.size(); ++i) {
        if (!IsUtf8Continuation(line[i])) ++col;
        cols.push_back(col);
      }
      cols.push_back(col + 1);
    }
    if (loc.column <= line.size() + 1) {
      // Column c starts at byte c - 1: the code points before it, plus one.
      return loc.column == 1 ? 1 : cols[loc.column - 2] + 1;
    }
    return cols.back() + (loc.column - static_cast<uint32_t>(line.size()) - 1);
  }

 private:
  static constexpr size_t kShortLine = 512;
  static uint32_t Count(std::string_view line, uint32_t column) {
    uint32_t col = 1;
    for (size_t i = 0; i + 1 < column && i < line.size(); ++i)
      if (!IsUtf8Continuation(line[i])) ++col;
    if (column > line.size() + 1) col += column - static_cast<uint32_t>(line.size()) - 1;
    return col;
  }
  const SourceManager& sm_;
  std::map<std::pair<FileId, uint32_t>, std::vector<uint32_t>> long_lines_;
};

Json PhysicalLocation(const SourceManager& sm, CodePoints& cp, const SourceRange& r) {
  Json loc;
  std::string path = ReportPath(sm, r.file);
  Json artifact;
  artifact["uri"] = Uri(path);
  if (path.empty() || path[0] != '/') artifact["uriBaseId"] = "%SRCROOT%";
  loc["artifactLocation"] = artifact;
  if (r.begin.line) {
    Json region;
    region["startLine"] = r.begin.line;
    if (r.begin.column) region["startColumn"] = cp.Column(r.file, r.begin);
    if (r.end.line >= r.begin.line && r.end.line) {
      region["endLine"] = r.end.line;
      if (r.end.column && (r.end.line > r.begin.line || r.end.column > r.begin.column))
        region["endColumn"] = cp.Column(r.file, r.end);
    }
    loc["region"] = region;
  }
  return loc;
}

Json Rule(const DiagInfo& info) {
  Json r;
  r["id"] = std::string(info.id);
  r["name"] = std::string(info.name);
  r["shortDescription"] = {{"text", std::string(info.summary)}};
  r["fullDescription"] = {{"text", std::string(info.summary)}};
  std::string doc = info.category == std::string_view("rule") ? RuleDoc(info.name) : "";
  Json help;
  help["text"] = std::string(info.summary) + ". Run `pipec explain " + std::string(info.name) +
                 "` for details.";
  if (!doc.empty()) help["markdown"] = doc;
  r["help"] = help;
  r["defaultConfiguration"] = {{"level", Level(info.severity)}};
  r["properties"] = {{"tags", Json::array({std::string(info.category)})}};
  return r;
}

}  // namespace

std::string FormatSarif(const std::vector<Diagnostic>& diags, const SourceManager& sm) {
  // Every rule, plus any other kind that occurs, sorted by id: indexes stay stable.
  std::map<std::string_view, const DiagInfo*> kinds;
  for (const DiagInfo& info : AllDiagInfos())
    if (info.category == std::string_view("rule")) kinds.emplace(info.id, &info);
  for (const Diagnostic& d : diags) kinds.emplace(d.info().id, &d.info());
  std::map<std::string_view, size_t> index;
  Json rules = Json::array();
  for (const auto& [id, info] : kinds) {
    index[id] = rules.size();
    rules.push_back(Rule(*info));
  }

  std::vector<std::string> fps = StableFingerprints(diags, sm);
  CodePoints cp(sm);
  JsonArrayText results(3);  // $.runs[0].results
  for (size_t i = 0; i < diags.size(); ++i) {
    const Diagnostic& d = diags[i];
    Json r;
    r["ruleId"] = std::string(d.info().id);
    r["ruleIndex"] = index[d.info().id];
    r["level"] = Level(d.severity);
    // Every note is in the message too (viewers that ignore relatedLocations show only this).
    r["message"] = {{"text", MessageWithNotes(d, sm, "\n", "")}};
    if (d.range.file != kNoFile)
      r["locations"] = Json::array({{{"physicalLocation", PhysicalLocation(sm, cp, d.range)}}});
    Json related = Json::array();
    for (const DiagNote& n : d.notes) {
      if (!n.range.valid()) continue;
      Json rel;
      rel["id"] = related.size();
      rel["physicalLocation"] = PhysicalLocation(sm, cp, n.range);
      rel["message"] = {{"text", n.message}};
      related.push_back(rel);
    }
    if (!related.empty()) r["relatedLocations"] = related;
    if (d.fix && d.fix->range.valid()) {
      Json replacement;
      Json deleted = PhysicalLocation(sm, cp, d.fix->range)["region"];
      replacement["deletedRegion"] = deleted;
      replacement["insertedContent"] = {{"text", d.fix->replacement}};
      Json change;
      change["artifactLocation"] = PhysicalLocation(sm, cp, d.fix->range)["artifactLocation"];
      change["replacements"] = Json::array({replacement});
      Json fix;
      fix["description"] = {{"text", "insert `" + d.fix->replacement + "`"}};
      fix["artifactChanges"] = Json::array({change});
      r["fixes"] = Json::array({fix});
    }
    r["partialFingerprints"] = {{"pipecFindingHash/v1", fps[i]}};
    results.Add(r);
  }

  Json driver;
  driver["name"] = "pipec";
  driver["version"] = kVersion;
  driver["semanticVersion"] = kVersion;
  driver["informationUri"] = "https://github.com/pipec/pipec/blob/main/docs/rules/README.md";
  driver["rules"] = rules;
  Json run;
  run["tool"] = {{"driver", driver}};
  run["columnKind"] = "unicodeCodePoints";
  run["originalUriBaseIds"] = {{"%SRCROOT%", {{"description", {{"text", "the directory pipec ran in"}}}}}};
  run["results"] = Json::array();  // written in its place below
  Json out;
  out["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  out["version"] = "2.1.0";
  out["runs"] = Json::array({run});
  std::string text = DumpJson(out);
  // `results` is the last key of the last object: its `[]` is the last one in the text (a
  // string holding `"results": []` would have its quotes escaped).
  size_t at = text.rfind("\"results\": []");
  text.replace(at + std::string_view("\"results\": ").size(), 2, std::move(results).Finish());
  return text + "\n";
}

}  // namespace pipec
