// GitHub Actions workflow commands: one annotation per finding, at most 10 per kind (GitHub
// shows no more per step), then one plain line saying how many were left out.
#include <fmt/format.h>

#include <map>

#include "compiler/diag/fingerprint.h"
#include "compiler/diag/formats.h"

namespace pipec {
namespace {

constexpr int kMaxPerKind = 10;

// https://github.com/actions/toolkit: data escapes % \r \n; properties also : and ,.
std::string EscapeData(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string EscapeProperty(std::string_view s) {
  std::string out;
  for (char c : EscapeData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

const char* Command(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    default: return "notice";
  }
}

}  // namespace

std::string FormatGithub(const std::vector<Diagnostic>& diags, const SourceManager& sm) {
  std::string out;
  std::map<std::string, int> shown, left;
  for (const Diagnostic& d : diags) {
    std::string cmd = Command(d.severity);
    if (shown[cmd] >= kMaxPerKind) {
      ++left[cmd];
      continue;
    }
    ++shown[cmd];
    std::vector<std::string> props;
    if (d.range.file != kNoFile) props.push_back("file=" + EscapeProperty(ReportPath(sm, d.range.file)));
    if (d.range.begin.line) {
      props.push_back(fmt::format("line={}", d.range.begin.line));
      if (d.range.begin.column) props.push_back(fmt::format("col={}", d.range.begin.column));
      if (d.range.end.line) {
        props.push_back(fmt::format("endLine={}", d.range.end.line));
        if (d.range.end.column) props.push_back(fmt::format("endColumn={}", d.range.end.column));
      }
    }
    props.push_back("title=" + EscapeProperty(fmt::format("pipec {} ({})", d.info().name, d.info().id)));
    std::string message = d.message;
    for (const DiagNote& n : d.notes) {
      message += "\nnote: ";
      if (n.range.valid())
        message += fmt::format("{}:{}:{}: ", ReportPath(sm, n.range.file), n.range.begin.line,
                               n.range.begin.column);
      message += n.message;
    }
    std::string joined;
    for (const std::string& p : props) joined += (joined.empty() ? "" : ",") + p;
    out += fmt::format("::{} {}::{}\n", cmd, joined, EscapeData(message));
  }
  for (const char* cmd : {"error", "warning", "notice"}) {
    auto it = left.find(cmd);
    if (it == left.end()) continue;
    out += fmt::format("pipec: {} more {}{} not annotated (GitHub shows {} per kind); run "
                       "`pipec check` for the full list\n",
                       it->second, cmd, it->second == 1 ? "" : "s", kMaxPerKind);
  }
  return out;
}

}  // namespace pipec
