#include "compiler/diag/text_format.h"
#include "compiler/diag/utf8.h"

#include <fmt/format.h>

#include <algorithm>

namespace pipec {
namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kReset = "\x1b[0m";
constexpr const char* kGreen = "\x1b[1;32m";

const char* SeverityColor(Severity s) {
  switch (s) {
    case Severity::Error: return "\x1b[1;31m";
    case Severity::Warning: return "\x1b[1;35m";
    case Severity::Info: return "\x1b[1;34m";
    case Severity::Note: return "\x1b[1;36m";
  }
  return "";
}

// Counts display columns of bytes [0, n) of `line`: UTF-8 continuation bytes take no column.
size_t DisplayWidth(std::string_view line, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n && i < line.size(); ++i)
    if (!IsUtf8Continuation(line[i])) ++w;
  return w;
}

std::string Location(const SourceManager& sm, const SourceRange& r) {
  if (r.file == kNoFile) return "pipec";
  if (r.begin.line == 0) return std::string(sm.Path(r.file));
  return fmt::format("{}:{}:{}", sm.Path(r.file), r.begin.line, r.begin.column);
}

// The source line and a `^~~~` marker under [begin, end) (clipped to the first line).
void AppendSnippet(std::string& out, const SourceManager& sm, const SourceRange& r, bool color) {
  if (!r.valid()) return;
  std::string_view line = sm.Line(r.file, r.begin.line);
  if (line.empty() && r.begin.column <= 1) return;
  constexpr size_t kMaxShown = 200;  // very long lines are shown around the range only
  size_t begin = r.begin.column ? r.begin.column - 1 : 0;
  size_t end = (r.end.line == r.begin.line && r.end.column > r.begin.column) ? r.end.column - 1
                                                                               : line.size();
  begin = std::min(begin, line.size());
  end = std::clamp(end, begin + 1, std::max(line.size(), begin + 1));
  size_t shown_from = 0;
  if (line.size() > kMaxShown) {
    shown_from = begin > 60 ? begin - 60 : 0;
    // Back to the start of a UTF-8 character: at most 3 bytes (invalid text may hold long runs
    // of continuation bytes; following them all moved the range out of the window: fuzz_gitlab).
    for (int k = 0; k < 3 && shown_from > 0 && IsUtf8Continuation(line[shown_from]); ++k)
      --shown_from;
    size_t shown_to = std::min(line.size(), shown_from + kMaxShown);
    for (int k = 0; k < 3 && shown_to < line.size() && IsUtf8Continuation(line[shown_to]); ++k)
      ++shown_to;
    line = line.substr(shown_from, shown_to - shown_from);
    begin = std::min(begin - shown_from, line.size());
    end = std::clamp(end - shown_from, begin + 1, std::max(line.size(), begin + 1));
  }
  out += "  ";
  out.append(line);
  out += '\n';
  std::string marker = "  ";
  // Keep tabs so the marker lines up under tab-indented text.
  for (size_t i = 0; i < begin; ++i) {
    if (IsUtf8Continuation(line[i])) continue;
    marker += line[i] == '\t' ? '\t' : ' ';
  }
  size_t width = std::max<size_t>(1, DisplayWidth(line.substr(begin), end - begin));
  std::string caret = "^" + std::string(width - 1, '~');
  if (color) caret = kGreen + caret + kReset;
  out += marker + caret + '\n';
}

}  // namespace

std::string FormatDiagnosticText(const Diagnostic& d, const SourceManager& sm,
                                 const TextFormatOptions& opts) {
  std::string out;
  const DiagInfo& info = d.info();
  if (opts.color) out += kBold;
  out += Location(sm, d.range) + ": ";
  if (opts.color) out += SeverityColor(d.severity);
  out += SeverityName(d.severity);
  out += ": ";
  if (opts.color) out += std::string(kReset) + kBold;
  out += d.message;
  out += fmt::format(" [{}]", info.name);
  if (opts.color) out += kReset;
  out += '\n';
  // A hard-coded credential's line would print the credential itself into CI logs.
  bool secret_line = info.name == "hardcoded-secret";
  if (opts.show_source && !secret_line) AppendSnippet(out, sm, d.range, opts.color);
  if (d.fix) {
    out += d.fix->replacement.empty() ? "  fix: remove this text\n"
                                      : fmt::format("  fix: replace with `{}`\n", d.fix->replacement);
  }
  for (const DiagNote& n : d.notes) {
    if (opts.color) out += kBold;
    out += n.range.file == kNoFile ? std::string() : Location(sm, n.range) + ": ";
    if (opts.color) out += SeverityColor(Severity::Note);
    out += "note: ";
    if (opts.color) out += kReset;
    out += n.message + '\n';
    if (opts.show_source) AppendSnippet(out, sm, n.range, opts.color);
  }
  return out;
}

std::string FormatDiagnosticsText(const std::vector<Diagnostic>& diags, const SourceManager& sm,
                                  const TextFormatOptions& opts) {
  std::string out;
  size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : diags) {
    out += FormatDiagnosticText(d, sm, opts);
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
  }
  if (errors || warnings)
    out += fmt::format("{} error{}, {} warning{}.\n", errors, errors == 1 ? "" : "s", warnings,
                       warnings == 1 ? "" : "s");
  return out;
}

}  // namespace pipec
