#pragma once
// The one diagnostics model: kinds come from diagnostics.def, a Diagnostic is plain data,
// and formatters (one per output format) turn a sorted list of them into text.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/source.h"

namespace pipec {

enum class Severity { Note, Info, Warning, Error };
std::string_view SeverityName(Severity s);  // "note", "info", "warning", "error"

enum class DiagKind : uint16_t {
#define DIAG(Enum, Id, Name, Sev, Category, Summary) Enum,
#include "compiler/diag/diagnostics.def"
#undef DIAG
};

struct DiagInfo {
  DiagKind kind;
  std::string_view id;        // "P1001"
  std::string_view name;      // "unknown-name"
  Severity severity;          // default severity
  std::string_view category;  // "semantic", "rule", ...
  std::string_view summary;
};

const DiagInfo& InfoOf(DiagKind kind);
std::span<const DiagInfo> AllDiagInfos();
// Looks a kind up by id ("P1001") or name ("unknown-name"); nullptr when unknown.
const DiagInfo* FindDiagInfo(std::string_view id_or_name);

struct DiagNote {
  SourceRange range;  // may be invalid: a note without a place
  std::string message;
};

struct FixIt {
  SourceRange range;        // text to replace (empty range = insertion)
  std::string replacement;  // new text
};

// What a finding is about, as data: tools that group or explain findings (the secret
// explanations of `pipec lint`) read this, never the message text.
struct DiagSubject {
  std::string job;                   // the job's IR name; "" when the finding is about no job
  std::vector<std::string> secrets;  // the secrets it is about, as the pipeline names them
};

struct Diagnostic {
  DiagKind kind{};
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
  std::vector<DiagNote> notes;
  std::optional<FixIt> fix;
  DiagSubject subject;

  const DiagInfo& info() const { return InfoOf(kind); }
  Diagnostic& Note(SourceRange r, std::string m) {
    notes.push_back({r, std::move(m)});
    return *this;
  }
  Diagnostic& AboutJob(std::string job) {
    subject.job = std::move(job);
    return *this;
  }
  Diagnostic& AboutSecret(std::string secret) {
    if (!secret.empty()) subject.secrets.push_back(std::move(secret));
    return *this;
  }
  Diagnostic& Fix(SourceRange r, std::string replacement) {
    fix = FixIt{r, std::move(replacement)};
    return *this;
  }
};

// Messages quote user text between backquotes; a quote longer than this many bytes (a 32 KB
// script word) keeps its first 80 and last 24 bytes around "…". DiagnosticSink::Report
// applies it to every message; the range still covers the whole text.
inline constexpr size_t kMaxQuotedSpan = 120;
std::string ShortenQuotedSpans(std::string message);

// A diagnostic of `kind` at its default severity.
Diagnostic MakeDiag(DiagKind kind, SourceRange range, std::string message);

// Collects diagnostics in report order; Sorted() gives the deterministic output order.
class DiagnosticSink {
 public:
  Diagnostic& Report(Diagnostic d);
  Diagnostic& Report(DiagKind kind, SourceRange range, std::string message) {
    return Report(MakeDiag(kind, range, std::move(message)));
  }
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  std::vector<Diagnostic>& mutable_diagnostics() { return diags_; }
  size_t error_count() const;
  bool has_errors() const { return error_count() > 0; }
  // Whether an error was reported after the first `mark` diagnostics (mark: diagnostics().size()
  // taken before). Looks only at the new ones: error_count() reads every diagnostic of the run,
  // which per output of every job was quadratic when earlier files left thousands of findings.
  bool HasErrorsSince(size_t mark) const;
  // Sorted by file, position, id, message; exact duplicates removed.
  std::vector<Diagnostic> Sorted(const SourceManager& sm) const;

 private:
  std::vector<Diagnostic> diags_;
};

// Sorts a list the way every formatter expects (file path, line, column, id, message)
// and drops exact duplicates.
void SortDiagnostics(std::vector<Diagnostic>& diags, const SourceManager& sm);

}  // namespace pipec
