#pragma once
// File paths a shell line mentions, for the "reads another job's artifact" check: words that
// look like relative paths (contain a `/` or a file extension), with whether the line writes
// them (redirect target, mkdir/touch/rm/cp/mv destination, `-o`/`--output`). Deliberately
// simple: no variables, globs or command substitutions are resolved, so a word with `$`, `*`
// or a backquote is skipped rather than guessed at.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pipec::import {

struct ScriptPath {
  std::string path;   // as written, without quotes and a leading "./"
  size_t offset = 0;  // byte offset of the word in the line
  size_t length = 0;  // bytes of the word as written
  bool writes = false;
};

std::vector<ScriptPath> ScriptPaths(std::string_view line);

// "./dist/" -> "dist", "a//b" -> "a/b": the form artifact paths and script words are compared in.
std::string CanonicalArtifactPath(std::string_view path);

}  // namespace pipec::import
