// `pipec import FILE [-o out.pipe]`: converts a .gitlab-ci.yml or a GitHub workflow into Pipe.
// The YAML is read by the same readers `pipec lint` uses (compiler/import/), then written back
// as Pipe; what Pipe cannot express stays in raw blocks listed at the top (docs/lint.md).
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/driver/command.h"
#include "compiler/driver/report.h"
#include "compiler/import/detect.h"
#include "compiler/import/github_reader.h"
#include "compiler/import/gitlab_reader.h"
#include "compiler/import/pipe_writer.h"

namespace pipec::driver {
namespace {

struct ImportArgs {
  std::string file;
  std::string output;
  std::string root;
  std::string vendor = "auto";
  std::vector<std::string> secrets;
  ReportOptions report;
};

CommandAction Setup(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  app.add_option("file", args->file, "A .gitlab-ci.yml or a GitHub workflow")->required();
  app.add_option("-o,--out", args->output, "Write the Pipe file here (default: stdout)");
  app.add_option("--root", args->root, "Repository root for local includes and reusable workflows");
  app.add_option("--vendor", args->vendor, "Read the file as gitlab or github (default: detect)")
      ->check(CLI::IsMember({"auto", "gitlab", "github"}))
      ->capture_default_str();
  app.add_option("--secret", args->secrets, "Treat the variable NAME as a secret; repeatable");
  AddReportOptions(app, args->report);
  return [args]() {
    std::ifstream in(args->file, std::ios::binary);
    if (!in) {
      std::cerr << "pipec import: cannot read " << args->file << "\n";
      return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();
    import::ConfigKind kind = import::ClassifyConfig(args->file, text.str());
    if (args->vendor == "gitlab") kind = import::ConfigKind::GitLab;
    if (args->vendor == "github") kind = import::ConfigKind::GitHub;
    if (kind != import::ConfigKind::GitLab && kind != import::ConfigKind::GitHub) {
      std::cerr << "pipec import: " << args->file << " is not a GitLab or GitHub YAML config\n";
      return 2;
    }
    SourceManager sm;
    FileId file = sm.AddFile(args->file, text.str());
    import::ImportOptions opts;
    opts.repo_root = args->root.empty() ? import::RepoRootFor(args->file, kind) : args->root;
    opts.secrets = args->secrets;
    opts.keep_hidden = true;
    import::ImportTemplates templates;
    opts.templates = &templates;
    DiagnosticSink sink;
    std::optional<ir::Pipeline> p = kind == import::ConfigKind::GitHub
                                        ? import::ReadGitHub(file, sm, sink, opts)
                                        : import::ReadGitLab(file, sm, sink, opts);
    // Problems of the YAML are reported (stderr) but do not stop the conversion.
    int rc = sink.diagnostics().empty() ? 0 : EmitReport(sink.diagnostics(), sm, args->report);
    if (!p) return rc == 0 ? 1 : rc;
    import::PipeWriteOptions wo;
    wo.source_name = args->file;
    wo.templates = &templates;
    std::string pipe = import::WritePipe(*p, wo);
    if (args->output.empty()) {
      std::cout << pipe;
    } else {
      std::ofstream out(args->output, std::ios::binary);
      out << pipe;
      if (!out) {
        std::cerr << "pipec import: cannot write " << args->output << "\n";
        return 2;
      }
    }
    return rc;
  };
}

const CommandRegistrar kImport("import", "Convert a .gitlab-ci.yml or GitHub workflow into Pipe",
                               60, Setup);

}  // namespace
}  // namespace pipec::driver
