// `pipec fmt`: a file that parses formats without an internal error; the result formats to
// itself (idempotence) and checks the same as the original (same diagnostic kinds).
#include <algorithm>

#include "compiler/fmt/formatter.h"
#include "compiler/sema/sema.h"
#include "compiler/syntax/source_reader.h"
#include "fuzz/fuzz_support.h"

namespace {

// The ids of what sema says about `file`, sorted (positions move when a file is formatted).
std::vector<std::string> Kinds(pipec::FileId file, pipec::SourceManager& sm) {
  pipec::DiagnosticSink sink;
  pipec::sema::AnalyzeLoaded(file, sm, sink);
  std::vector<std::string> ids;
  for (const pipec::Diagnostic& d : sink.diagnostics()) ids.emplace_back(d.info().id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pipec;
  SourceManager sm;
  DiagnosticSink sink;
  std::optional<FileId> file = syntax::AddSourceText("fuzz.pipe", fuzz::Text(data, size), sm, sink);
  if (!file) return 0;
  formatter::FormatOutcome once = formatter::FormatSource(*file, sm, sink);
  fuzz::Require(once.internal_error.empty(), "fmt failed its own safety check: " + once.internal_error);
  if (!once.text) return 0;
  DiagnosticSink sink2;
  std::optional<FileId> formatted = syntax::AddSourceText("fuzz-formatted.pipe", *once.text, sm, sink2);
  fuzz::Require(formatted.has_value(), "fmt wrote a file pipec cannot read");
  formatter::FormatOutcome twice = formatter::FormatSource(*formatted, sm, sink2);
  fuzz::Require(twice.text.has_value() && *twice.text == *once.text, "fmt is not idempotent");
  fuzz::Require(Kinds(*file, sm) == Kinds(*formatted, sm), "the formatted file checks differently");
  return 0;
}
