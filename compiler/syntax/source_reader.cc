#include "compiler/syntax/source_reader.h"

#include "compiler/diag/utf8.h"

#include <fmt/format.h>


namespace pipec::syntax {

std::optional<FileId> AddSourceText(std::string path, std::string contents, SourceManager& sm,
                                    DiagnosticSink& sink, SourceRange from) {
  if (contents.size() > kMaxFileBytes) {
    FileId f = sm.AddFile(path, "");
    sink.Report(DiagKind::FileTooLarge, {f, {}, {}},
                fmt::format("{} is {} bytes; the limit is {} bytes (16 MiB)", path,
                            contents.size(), kMaxFileBytes));
    return std::nullopt;
  }
  // A UTF-8 byte-order mark is not text: drop it so every command (check, build, graph, fmt)
  // sees the same bytes and columns on line 1 count from the first visible character.
  // `pipec fmt` therefore writes a rewritten file without it (docs/fmt.md).
  if (contents.starts_with("\xEF\xBB\xBF")) contents.erase(0, 3);
  size_t nul = contents.find('\0');
  if (nul != std::string::npos) {
    FileId f = sm.AddFile(path, "");
    sink.Report(DiagKind::BinaryFile, {f, {}, {}},
                fmt::format("{} is not a text file (NUL byte at offset {})", path, nul));
    return std::nullopt;
  }
  size_t bad = FindInvalidUtf8(contents);
  FileId f = sm.AddFile(std::move(path), std::move(contents));
  const SourceFile& sf = sm.file(f);
  if (bad != std::string::npos) {
    SourceLoc loc = sm.LocOf(f, bad);
    // Show the line only up to the bad byte: the rest cannot be printed safely.
    sink.Report(DiagKind::InvalidUtf8, {f, loc, {loc.line, loc.column + 1}},
                fmt::format("invalid UTF-8 byte 0x{:02X} at line {}, column {}",
                            static_cast<unsigned char>(sf.contents[bad]), loc.line, loc.column))
        .Note({}, "pipec reads source files as UTF-8; re-save the file in that encoding");
    return std::nullopt;
  }
  for (size_t l = 0; l < sf.line_starts.size(); ++l) {
    size_t end = l + 1 < sf.line_starts.size() ? sf.line_starts[l + 1] - 1 : sf.contents.size();
    if (end - sf.line_starts[l] > kMaxLineBytes) {
      uint32_t line = static_cast<uint32_t>(l + 1);
      sink.Report(DiagKind::LineTooLong, {f, {line, 1}, {line, 2}},
                  fmt::format("line {} is {} bytes long; the limit is {} bytes", line,
                              end - sf.line_starts[l], kMaxLineBytes));
      return std::nullopt;
    }
  }
  bool blank = sf.contents.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) {
    sink.Report(DiagKind::EmptyFile, {f, {}, {}},
                fmt::format("{} is empty; a pipeline starts with `pipeline NAME version 1`",
                            sf.path));
    return std::nullopt;
  }
  (void)from;
  return f;
}

std::optional<FileId> ReadSourceFile(const std::string& path, SourceManager& sm,
                                     DiagnosticSink& sink, SourceRange from,
                                     const support::FileSystem& fs) {
  auto report_at = [&](DiagKind kind, std::string msg) {
    SourceRange r = from;
    if (!r.valid()) r = {sm.AddFile(path, ""), {}, {}};
    sink.Report(kind, r, std::move(msg));
  };
  using Kind = support::FileInfo::Kind;
  support::FileInfo info = fs.Stat(path);
  if (info.kind == Kind::Missing) {
    report_at(DiagKind::FileNotFound, fmt::format("cannot open {}: no such file", path));
    return std::nullopt;
  }
  if (info.kind != Kind::File) {
    report_at(DiagKind::NotAFile,
              fmt::format("{} is a {}, not a file", path,
                          info.kind == Kind::Directory ? "directory" : "special file"));
    return std::nullopt;
  }
  if (info.size > kMaxFileBytes) {
    report_at(DiagKind::FileTooLarge,
              fmt::format("{} is {} bytes; the limit is {} bytes (16 MiB)", path, info.size,
                          kMaxFileBytes));
    return std::nullopt;
  }
  std::optional<std::string> text = fs.Read(path);
  if (!text) {
    report_at(DiagKind::FileNotFound, fmt::format("cannot read {}", path));
    return std::nullopt;
  }
  return AddSourceText(path, std::move(*text), sm, sink, from);
}

}  // namespace pipec::syntax
