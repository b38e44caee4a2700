#pragma once
// For the syntax tests: every .pipe file of the repository (examples, stdlib, tests, bench,
// fuzz), as (path relative to the repository, text). PIPEC_SOURCE_ROOT is the repository.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace pipec::syntax::testing {

inline std::vector<std::pair<std::string, std::string>> RepositoryPipeFiles() {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> files;
  for (const char* dir : {"examples", "stdlib", "tests", "bench", "fuzz"}) {
    fs::path root = fs::path(PIPEC_SOURCE_ROOT) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".pipe") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      files.emplace_back(fs::relative(entry.path(), PIPEC_SOURCE_ROOT).string(), text.str());
    }
  }
  return files;
}

}  // namespace pipec::syntax::testing
