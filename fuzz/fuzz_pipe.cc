// Pipe front end: read (size, NUL, UTF-8, BOM checks) -> parse -> sema -> checks -> every
// report writer. Any input must give diagnostics, never a crash, hang or runaway memory; the
// fast lexer must decline it or agree with ANTLR's, and the streaming parse with the pre-scanned one.
#include "compiler/sema/sema.h"
#include "compiler/syntax/fast_lexer.h"
#include "compiler/syntax/parser.h"
#include "compiler/syntax/source_reader.h"
#include "fuzz/fuzz_support.h"
#include "lint/checker.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pipec;
  SourceManager sm;
  DiagnosticSink sink;
  std::optional<FileId> file = syntax::AddSourceText("fuzz.pipe", fuzz::Text(data, size), sm, sink);
  if (file) {
    // The hand-written lexer declines or gives exactly ANTLR's tokens (fast_lexer.h).
    std::optional<std::string> lexers_differ = syntax::FastLexerDisagreement(sm.file(*file).contents);
    fuzz::Require(!lexers_differ, lexers_differ ? lexers_differ->c_str() : "");
    // The streaming parse and the pre-scanned one agree (parser.h).
    std::optional<std::string> paths_differ = syntax::StreamingPathDisagreement(*file, sm);
    fuzz::Require(!paths_differ, paths_differ ? paths_differ->c_str() : "");
    // Every prediction the DFA-first walk answers, ANTLR 4.9's adaptivePredict answers alike.
    syntax::ParseOptions::PredictionCheck predictions;
    DiagnosticSink scratch;
    syntax::ParseFile(*file, sm, scratch, {.check_predictions = &predictions});
    fuzz::Require(predictions.mismatched == 0, "a DFA-first prediction differs from ANTLR's");
    std::optional<ir::Pipeline> p = sema::AnalyzeLoaded(*file, sm, sink);
    // (An IR may come with errors: a missing `import` is reported by the module loader and
    // the command still fails; so "IR iff no errors" is not an invariant.)
    fuzz::Require(p.has_value() || sink.has_errors(), "sema returned no IR and no error");
    if (p) {
      // The rule families on two threads report what one thread reports, in the same order.
      DiagnosticSink one, two;
      lint::CheckOptions one_thread, two_threads;
      one_thread.threads = 1;
      two_threads.threads = 2;
      lint::RunChecks(*p, sm, one_thread, one);
      lint::RunChecks(*p, sm, two_threads, two);
      fuzz::Require(one.diagnostics().size() == two.diagnostics().size(), "two checking threads differ from one");
      for (size_t i = 0; i < one.diagnostics().size(); ++i) {
        const Diagnostic& a = one.diagnostics()[i];
        const Diagnostic& b = two.diagnostics()[i];
        fuzz::Require(a.kind == b.kind && a.range == b.range && a.message == b.message,
                      "two checking threads differ from one");
      }
      for (Diagnostic& d : one.mutable_diagnostics()) sink.mutable_diagnostics().push_back(std::move(d));
    }
  }
  fuzz::WriteReports(sink.diagnostics(), sm, fuzz::SarifSample(data, size));
  return 0;
}
