#include "fuzz/yaml_lint.h"

#include <nlohmann/json.hpp>

#include "compiler/import/github_reader.h"
#include "compiler/import/gitlab_reader.h"
#include "compiler/ir/ir_json.h"
#include "fuzz/fuzz_support.h"
#include "lint/checker.h"

namespace pipec::fuzz {

void LintYaml(const uint8_t* data, size_t size, import::ConfigKind kind) {
  SourceManager sm;
  bool github = kind == import::ConfigKind::GitHub;
  FileId file = sm.AddFile(github ? ".github/workflows/fuzz.yml" : ".gitlab-ci.yml", Text(data, size));
  support::MemoryFileSystem fs;
  import::ImportOptions opts;
  opts.fs = &fs;
  DiagnosticSink sink;
  std::optional<ir::Pipeline> p =
      github ? import::ReadGitHub(file, sm, sink, opts) : import::ReadGitLab(file, sm, sink, opts);
  if (p) {
    lint::CheckOptions checks;
    checks.fs = &fs;  // the (empty) repository the reader saw
    lint::RunChecks(*p, sm, checks, sink);
    Require(nlohmann::json::accept(ir::DumpJson(*p, sm)), "--dump-ir wrote text that is not JSON");
  }
  WriteReports(sink.diagnostics(), sm, SarifSample(data, size));
}

}  // namespace pipec::fuzz
