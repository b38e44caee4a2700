// `pipec import` then `pipec check` of what it wrote (driver::CheckWrittenPipe, the code the
// command runs). The written Pipe may carry the YAML's own problems (an unknown need), so
// sema and checker errors are allowed: import reports them and exits 1. A syntax error is
// not: that is the writer producing text that is not Pipe.
#include <string_view>

#include "compiler/driver/compile_checks.h"
#include "compiler/import/detect.h"
#include "compiler/import/github_reader.h"
#include "compiler/import/gitlab_reader.h"
#include "compiler/import/pipe_writer.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pipec;
  std::string text = fuzz::Text(data, size);
  bool github = import::ClassifyConfig("fuzz.yml", text) == import::ConfigKind::GitHub;
  SourceManager sm;
  FileId file = sm.AddFile(github ? ".github/workflows/fuzz.yml" : ".gitlab-ci.yml", text);
  support::MemoryFileSystem fs;
  import::ImportOptions opts;
  opts.fs = &fs;
  opts.keep_hidden = true;
  import::ImportTemplates templates;
  opts.templates = &templates;
  DiagnosticSink sink;
  std::optional<ir::Pipeline> p =
      github ? import::ReadGitHub(file, sm, sink, opts) : import::ReadGitLab(file, sm, sink, opts);
  if (!p) return 0;
  import::PipeWriteOptions wo;
  wo.source_name = "fuzz.yml";
  wo.templates = &templates;
  std::string pipe = import::WritePipe(*p, wo);
  driver::Compilation c;
  driver::CheckWrittenPipe("fuzz-imported.pipe", pipe, c);
  for (const Diagnostic& d : c.diags.diagnostics()) {
    std::string_view category = d.info().category;
    fuzz::Require(category != "syntax" || d.kind == DiagKind::TooManyErrors,
                  "import wrote text that does not parse as Pipe: " + d.message + "\n" + pipe);
  }
  return 0;
}
