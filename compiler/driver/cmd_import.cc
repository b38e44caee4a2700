// `pipec import FILE [-o out.pipe]`: converts a .gitlab-ci.yml or a GitHub workflow into Pipe.
// The YAML is read by the same readers `pipec lint` uses (compiler/import/), then written back
// as Pipe; what Pipe cannot express stays in raw blocks listed at the top (docs/lint.md).
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/driver/command.h"
#include "compiler/driver/compile.h"
#include "compiler/driver/compile_checks.h"
#include "compiler/driver/github_on.h"
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

CommandAction SetupImportCommand(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  app.add_option("file", args->file, "A .gitlab-ci.yml or a GitHub workflow")->required();
  app.add_option("-o,--out", args->output, "Write the Pipe file here (default, or `-`: stdout)");
  app.add_option("--root", args->root, "Repository root for local includes and reusable workflows");
  app.add_option("--vendor", args->vendor, "Read the file as gitlab or github (default: detect)")
      ->check(CLI::IsMember({"auto", "gitlab", "github"}))
      ->capture_default_str();
  app.add_option("--secret", args->secrets, "Treat the variable NAME as a secret; repeatable")
      ->allow_extra_args(false);
  AddReportOptions(app, args->report);
  return [args]() {
    if (args->output == "-") args->output.clear();  // `-o -`: stdout, as the usual convention
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
    VerifyFrontEnd(p, kind == import::ConfigKind::GitHub ? "the GitHub importer" : "the GitLab importer");
    if (!p) {
      int rc = sink.diagnostics().empty() ? 0 : EmitReport(sink.diagnostics(), sm, args->report);
      return rc == 0 ? 1 : rc;
    }
    import::PipeWriteOptions wo;
    wo.source_name = args->file;
    wo.templates = &templates;
    std::string pipe = import::WritePipe(*p, wo);
    if (kind == import::ConfigKind::GitHub && p->raw_github.contains("on")) {
      // The workflow's `on:` goes when the Pipe triggers alone build the same one.
      wo.github_on_from_triggers = true;
      std::string without_on = import::WritePipe(*p, wo);
      if (TriggersSayGitHubOn(without_on, p->raw_github["on"])) pipe = std::move(without_on);
    }
    // What was written must pass `pipec check` (docs/cli.md): when it does not (a construct
    // the writer cannot express yet), the file is still written, and its errors are reported
    // with the YAML's problems, so import exits 1 with the reason.
    Compilation written;
    std::string shown = args->output.empty() ? "<stdout>.pipe" : args->output;
    bool valid = CheckWrittenPipe(shown, pipe, written);
    std::vector<Diagnostic> report = sink.diagnostics();
    if (!valid) {
      std::vector<Diagnostic> errors;
      for (const Diagnostic& d : written.diags.diagnostics())
        if (d.severity == Severity::Error) errors.push_back(d);
      // The written file is the first one `written` registered; ranges in other files (a
      // std module) cannot be shown against `sm` and are dropped.
      FileId at = sm.AddFile(shown, written.sources.file(0).contents);
      auto remap = [&](SourceRange r) { return r.file == 0 ? SourceRange{at, r.begin, r.end} : SourceRange{}; };
      for (Diagnostic d : errors) {
        d.range = remap(d.range);
        for (DiagNote& n : d.notes) n.range = remap(n.range);
        d.Note({}, "in the Pipe text import wrote: `pipec check` rejects it");
        report.push_back(std::move(d));
      }
    }
    // Problems of the YAML are reported (stderr) but do not stop the conversion.
    int rc = report.empty() ? 0 : EmitReport(report, sm, args->report);
    if (!valid && rc == 0) rc = 1;
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
                               60, SetupImportCommand);

}  // namespace
}  // namespace pipec::driver
