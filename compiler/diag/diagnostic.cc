#include "compiler/diag/diagnostic.h"

#include <algorithm>
#include <tuple>

#include "compiler/diag/utf8.h"

namespace pipec {
namespace {

constexpr DiagInfo kInfos[] = {
#define DIAG(Enum, Id, Name, Sev, Category, Summary) \
  {DiagKind::Enum, Id, Name, Severity::Sev, Category, Summary},
#include "compiler/diag/diagnostics.def"
#undef DIAG
};

// Where a cut at `at` (moved back to the start of a UTF-8 character) falls.
size_t CharStart(std::string_view s, size_t at) {
  while (at > 0 && at < s.size() && IsUtf8Continuation(s[at])) --at;
  return at;
}

}  // namespace

std::string ShortenQuotedSpans(std::string message) {
  constexpr size_t kHead = 80, kTail = 24;
  std::string out;
  size_t done = 0;
  for (size_t open = message.find('`'); open != std::string::npos;) {
    size_t close = message.find('`', open + 1);
    if (close == std::string::npos) break;
    std::string_view span = std::string_view(message).substr(open + 1, close - open - 1);
    if (span.size() > kMaxQuotedSpan) {
      size_t head = CharStart(span, kHead), tail = CharStart(span, span.size() - kTail);
      out.append(message, done, open + 1 - done);
      out.append(span.substr(0, head)).append("\u2026").append(span.substr(tail));
      done = close;
    }
    open = message.find('`', close + 1);
  }
  if (done == 0) return message;
  out.append(message, done);
  return out;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::Note: return "note";
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

const DiagInfo& InfoOf(DiagKind kind) { return kInfos[static_cast<size_t>(kind)]; }

std::span<const DiagInfo> AllDiagInfos() { return kInfos; }

const DiagInfo* FindDiagInfo(std::string_view key) {
  for (const DiagInfo& i : kInfos)
    if (i.id == key || i.name == key) return &i;
  return nullptr;
}

Diagnostic MakeDiag(DiagKind kind, SourceRange range, std::string message) {
  Diagnostic d;
  d.kind = kind;
  d.severity = InfoOf(kind).severity;
  d.range = range;
  d.message = std::move(message);
  return d;
}

Diagnostic& DiagnosticSink::Report(Diagnostic d) {
  d.message = ShortenQuotedSpans(std::move(d.message));
  diags_.push_back(std::move(d));
  return diags_.back();
}

size_t DiagnosticSink::error_count() const {
  return std::count_if(diags_.begin(), diags_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

bool DiagnosticSink::HasErrorsSince(size_t mark) const {
  auto from = diags_.begin() + static_cast<std::ptrdiff_t>(std::min(mark, diags_.size()));
  return std::any_of(from, diags_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

void SortDiagnostics(std::vector<Diagnostic>& diags, const SourceManager& sm) {
  auto key = [&](const Diagnostic& d) {
    return std::make_tuple(sm.Path(d.range.file), d.range.begin, d.range.end, d.info().id,
                           std::string_view(d.message));
  };
  std::stable_sort(diags.begin(), diags.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  diags.erase(std::unique(diags.begin(), diags.end(),
                          [&](const Diagnostic& a, const Diagnostic& b) {
                            return key(a) == key(b) && a.severity == b.severity;
                          }),
              diags.end());
}

std::vector<Diagnostic> DiagnosticSink::Sorted(const SourceManager& sm) const {
  std::vector<Diagnostic> out = diags_;
  SortDiagnostics(out, sm);
  return out;
}

}  // namespace pipec
