#pragma once
// A small POSIX-shell lexer for the secret rules: it splits a run script into simple
// commands (words, redirections, pipelines) and records which variables each word expands,
// honouring quotes, escapes, comments, line continuations, heredocs and `$(...)`. It does not
// execute or fully parse shell; it is the part of the grammar the rules need to tell
// `echo "$TOKEN"` (printed) from `echo "$TOKEN" | docker login --password-stdin` (not printed).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pipec::lint {

struct ShellVarRef {
  std::string name;
  uint32_t offset = 0;  // byte offset of the `$` in the script
};

struct ShellWord {
  std::string raw;       // as written, quotes included
  std::string value;     // quotes removed, expansions kept as written (`$X`, `$(..)`)
  uint32_t offset = 0;   // byte offset of the word in the script
  std::vector<ShellVarRef> vars;       // $X / ${X...} expanded by this word (not in '...')
  std::vector<std::string> substs;     // bodies of $(...) / `...` / <(...) in this word
};

struct ShellRedirect {
  std::string op;     // ">", ">>", "<", "<<", "<<<", ">&", "&>", ">|"
  int fd = -1;        // explicit fd before the operator, -1 when none
  ShellWord target;   // file name, heredoc delimiter, or here-string
  std::string heredoc_body;                 // "<<" only
  std::vector<ShellVarRef> heredoc_vars;    // expansions in an unquoted heredoc body
};

struct ShellCommand {
  std::vector<ShellWord> assignments;  // leading NAME=value words
  std::vector<ShellWord> words;        // command name and arguments (keywords like `if` dropped)
  std::vector<ShellRedirect> redirects;
  int pipeline = 0;         // commands joined by `|` share this number
  bool piped_out = false;   // stdout feeds the next command of the pipeline
  bool piped_in = false;
  // True when the command's stdout goes to the job log: not piped and not redirected to a file.
  bool StdoutToLog() const;
  std::string_view Name() const;  // first word's value ("" for a bare assignment)
};

std::vector<ShellCommand> LexShell(std::string_view script);

// Every variable name ($X, ${X}, ${X:-d}) expanded in `text`, outside single quotes.
std::vector<ShellVarRef> ExpandedVars(std::string_view text, uint32_t base_offset = 0);

}  // namespace pipec::lint
