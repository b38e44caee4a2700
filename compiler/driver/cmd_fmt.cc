// `pipec fmt FILE... [--check]`: rewrite .pipe files in the canonical layout (docs/fmt.md),
// or with --check list the ones that are not in it. Files with syntax errors are refused.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "compiler/diag/text_format.h"
#include "compiler/driver/command.h"
#include "compiler/fmt/formatter.h"
#include "compiler/syntax/source_reader.h"

namespace pipec::driver {
namespace {

struct FmtArgs {
  std::vector<std::string> files;
  bool check = false;
};

// Writes `text` next to `path` and renames it over the file, so a crash or a full disk never
// leaves a half-written source. Keeps the file's permission bits. "" on success.
std::string WriteAtomically(const std::string& path, const std::string& text) {
  std::filesystem::path p(path);
  std::string tmpl = (p.parent_path() / ("." + p.filename().string() + ".pipec-fmt-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return std::string("cannot create a temporary file: ") + std::strerror(errno);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) ::fchmod(fd, st.st_mode & 07777);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(name.data());
      return "cannot write: " + err;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(name.data());
    return "cannot write: " + err;
  }
  if (std::rename(name.data(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(name.data());
    return "cannot replace the file: " + err;
  }
  return "";
}

CommandAction SetupFmtCommand(CLI::App& app) {
  auto args = std::make_shared<FmtArgs>();
  app.add_option("files", args->files, "The .pipe files to format")->required();
  app.add_flag("--check", args->check,
               "Change nothing; list the files that are not formatted and exit 1 if any");
  return [args]() {
    SourceManager sm;
    DiagnosticSink sink;
    int code = 0;
    size_t unformatted = 0;
    for (const std::string& path : args->files) {
      std::optional<FileId> file = syntax::ReadSourceFile(path, sm, sink);
      if (!file) {
        code = std::max(code, 1);
        continue;
      }
      formatter::FormatOutcome r = formatter::FormatSource(*file, sm, sink);
      if (!r.internal_error.empty()) {
        std::cerr << "pipec fmt: " << path << ": internal error, file left unchanged: "
                  << r.internal_error << "\n";
        code = 2;
        continue;
      }
      if (!r.text) {
        code = std::max(code, 1);
        continue;
      }
      if (*r.text == sm.file(*file).contents) continue;
      ++unformatted;
      if (args->check) {
        std::cout << path << "\n";
        code = std::max(code, 1);
        continue;
      }
      std::string err = WriteAtomically(path, *r.text);
      if (!err.empty()) {
        std::cerr << "pipec fmt: " << path << ": " << err << "\n";
        code = 2;
        continue;
      }
      std::cout << "formatted " << path << "\n";
    }
    std::vector<Diagnostic> diags = sink.diagnostics();
    if (!diags.empty()) {
      TextFormatOptions topts;
      std::cerr << FormatDiagnosticsText(diags, sm, topts);
      if (sink.has_errors()) std::cerr << "pipec fmt: files with errors are left unchanged\n";
    }
    if (args->check && unformatted > 0)
      std::cerr << unformatted << (unformatted == 1 ? " file is" : " files are")
                << " not formatted; run `pipec fmt` on "
                << (unformatted == 1 ? "it" : "them") << "\n";
    return code;
  };
}

const CommandRegistrar kFmt("fmt", "Format .pipe files in the canonical layout (--check: only list them)", 30,
                            SetupFmtCommand);

}  // namespace
}  // namespace pipec::driver
