#pragma once
// The one POSIX-shell lexer of pipec. sema (unbound-secret-read), the YAML importers (which
// variables a script reads) and the checker's secret rules all read scripts through it, so
// they agree on what a script expands: `'$X'` expands nothing, `"'$X'"` expands X, `# $X` is a
// comment, a quoted heredoc expands nothing, `$(...)` and backquotes start a fresh quoting
// context. It splits a script into simple commands (words, redirections, pipelines), honouring
// quotes, escapes, comments, line continuations, heredocs and `$(...)`. It does not execute or
// fully parse shell; it is the part of the grammar the rules need to tell `echo "$TOKEN"`
// (printed) from `echo "$TOKEN" | docker login --password-stdin` (not printed).
//
// `${{ ... }}` (a GitHub expression or a Pipe interpolation) is replaced in the script text
// before any shell runs, so it is reported whatever the quoting around it (ShellVarRef with
// `expression` set and the trimmed inner text as `name`).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pipec::shell {

struct ShellVarRef {
  std::string name;         // X for $X / ${X...}; the inner text for ${{ ... }}
  uint32_t offset = 0;      // byte offset of the `$` in the script
  bool expression = false;  // a `${{ ... }}` expression, substituted before the shell runs
  // Bytes from the `$` through the name (`$X`, `${X`) or the closing `}}`.
  uint32_t length = 0;
};

struct ShellWord {
  std::string raw;       // as written, quotes included
  std::string value;     // quotes removed, expansions kept as written (`$X`, `$(..)`)
  uint32_t offset = 0;   // byte offset of the word in the script
  std::vector<ShellVarRef> vars;       // expansions in this word (not in '...'), nested ones included
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

// Every expansion ($X, ${X}, ${X:-d}, ${{ e }}) in one word or a piece of text, outside
// single quotes, including those inside `$(...)` and backquotes.
std::vector<ShellVarRef> ExpandedVars(std::string_view text, uint32_t base_offset = 0);

// Every expansion anywhere in a whole script, in order: command words, assignments,
// redirection targets, unquoted heredoc bodies, `for`/`case` headers; not comments, not
// single-quoted text, not quoted heredocs.
std::vector<ShellVarRef> ScriptVars(std::string_view script);

}  // namespace pipec::shell
