#pragma once
// Files embedded into the binary at build time (see cmake/EmbedFiles.cmake).
#include <span>
#include <string_view>

namespace pipec {

struct EmbeddedFile {
  std::string_view path;  // relative to the repository root, e.g. "stdlib/python.pipe"
  std::string_view contents;
};

std::span<const EmbeddedFile> StdlibFiles();
std::span<const EmbeddedFile> RuleDocFiles();

}  // namespace pipec
