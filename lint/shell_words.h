#pragma once
// Small questions about lexed shell commands that several script rules ask.
#include <string_view>

#include "compiler/support/shell_lexer.h"

namespace pipec::lint {

// A POSIX-like shell that `NAME -c TEXT` / `NAME FILE` runs code with.
bool IsShell(std::string_view name);

// Whether a word names `file` (`install.sh` and `./install.sh` alike).
bool NamesFile(const shell::ShellWord& word, std::string_view file);

}  // namespace pipec::lint
