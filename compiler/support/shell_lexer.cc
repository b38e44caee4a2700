#include "compiler/support/shell_lexer.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pipec::shell {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool IsMeta(char c) {
  return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')' ||
         c == '\n' || IsBlank(c);
}

// Words that start compound commands; the command proper follows them.
bool IsPrefixKeyword(std::string_view w) {
  static constexpr std::array<std::string_view, 14> kWords = {
      "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "!", "time",
      "esac"};
  return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

// Compound commands whose words are not a command invocation.
bool IsNonCommandKeyword(std::string_view w) {
  return w == "for" || w == "case" || w == "select" || w == "function";
}

bool IsAssignment(std::string_view raw) {
  if (raw.empty() || !IsNameStart(raw[0])) return false;
  size_t i = 1;
  while (i < raw.size() && IsNameChar(raw[i])) ++i;
  if (i < raw.size() && raw[i] == '+') ++i;
  return i < raw.size() && raw[i] == '=';
}

// `${{ ... }}` at t[i]: pushes it and returns the index of its last `}` (npos when unclosed).
size_t Expression(std::string_view t, size_t i, uint32_t base, std::vector<ShellVarRef>& out) {
  size_t end = t.find("}}", i + 3);
  if (end == std::string_view::npos) return end;
  std::string_view inner = t.substr(i + 3, end - i - 3);
  size_t a = inner.find_first_not_of(" \t\n");
  size_t b = inner.find_last_not_of(" \t\n");
  std::string name = a == std::string_view::npos ? "" : std::string(inner.substr(a, b - a + 1));
  out.push_back({std::move(name), static_cast<uint32_t>(base + i), true,
                 static_cast<uint32_t>(end + 2 - i)});
  return end + 1;
}

// The index of the `)` closing the `(` at t[open], honouring quotes and escapes; t.size()
// when unclosed.
size_t ClosingParen(std::string_view t, size_t open) {
  int depth = 0;
  bool in_double = false;
  for (size_t i = open; i < t.size(); ++i) {
    char c = t[i];
    if (c == '\\') {
      ++i;
    } else if (c == '"') {
      in_double = !in_double;
    } else if (c == '\'' && !in_double) {
      size_t end = t.find('\'', i + 1);
      if (end == std::string_view::npos) return t.size();
      i = end;
    } else if (!in_double && c == '(') {
      ++depth;
    } else if (!in_double && c == ')' && --depth == 0) {
      return i;
    }
  }
  return t.size();
}

// Nested `$(...)` deeper than this is not scanned (bounded recursion on hostile input).
constexpr int kMaxNesting = 64;

// Expansions in `t`. In a heredoc body quotes are ordinary characters; `$(...)` and
// backquotes are scanned as scripts of their own (their quoting starts afresh).
void Scan(std::string_view t, uint32_t base, bool heredoc, int depth,
          std::vector<ShellVarRef>& out) {
  bool in_double = false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '$' && t.compare(i, 3, "${{") == 0) {
      size_t last = Expression(t, i, base, out);
      if (last == std::string_view::npos) return;
      i = last;
      continue;
    }
    if (c == '\\') {
      ++i;
      continue;
    }
    if (!heredoc && c == '\'' && !in_double) {
      // Literal text; only `${{ }}` (replaced before the shell runs) counts in it.
      size_t end = t.find('\'', i + 1);
      if (end == std::string_view::npos) end = t.size();
      for (size_t e = t.find("${{", i + 1); e < end; e = t.find("${{", e + 3))
        if (size_t last = Expression(t, e, base, out); last == std::string_view::npos) break;
      i = end;
      continue;
    }
    if (!heredoc && c == '"') {
      in_double = !in_double;
      continue;
    }
    if (c == '`') {
      size_t end = i + 1;
      while (end < t.size() && t[end] != '`') end += t[end] == '\\' ? 2 : 1;
      end = std::min(end, t.size());
      if (depth < kMaxNesting)
        Scan(t.substr(i + 1, end - i - 1), static_cast<uint32_t>(base + i + 1), false, depth + 1,
             out);
      i = end;
      continue;
    }
    if (c != '$' || i + 1 >= t.size()) continue;
    char n = t[i + 1];
    if (n == '\'' && !in_double && !heredoc) {  // $'...': ANSI-C quoting, literal
      size_t j = i + 2;
      while (j < t.size() && t[j] != '\'') j += t[j] == '\\' ? 2 : 1;
      i = std::min(j, t.size());
      continue;
    }
    if (n == '(') {
      size_t close = ClosingParen(t, i + 1);
      if (depth < kMaxNesting)
        Scan(t.substr(i + 2, close > i + 2 ? close - i - 2 : 0), static_cast<uint32_t>(base + i + 2),
             false, depth + 1, out);
      i = close;
      continue;
    }
    size_t j = i + 1;
    bool braced = n == '{';
    if (braced) {
      ++j;
      if (j < t.size() && (t[j] == '!' || t[j] == '#')) ++j;  // ${!X} ${#X}
    }
    size_t name_start = j;
    if (j >= t.size() || !IsNameStart(t[j])) continue;
    while (j < t.size() && IsNameChar(t[j])) ++j;
    out.push_back({std::string(t.substr(name_start, j - name_start)), static_cast<uint32_t>(base + i),
                   false, static_cast<uint32_t>(j - i)});
    i = j - 1;  // `${X:-$Y}`: the scan goes on inside the braces
  }
}

std::vector<ShellVarRef> HeredocVars(std::string_view body, uint32_t base) {
  std::vector<ShellVarRef> out;
  Scan(body, base, true, 0, out);
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<ShellCommand> Run() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (IsBlank(c)) {
        ++i_;
      } else if (c == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
        i_ += 2;  // line continuation
      } else if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '\n') {
        ++i_;
        EndCommand(false);
        ReadHeredocs();
      } else if (c == ';' || c == '(' || c == ')') {
        ++i_;
        if (c == ';' && i_ < s_.size() && s_[i_] == ';') ++i_;  // `;;` in case
        EndCommand(false);
      } else if (c == '&' && Peek(1) == '&') {
        i_ += 2;
        EndCommand(false);
      } else if (c == '|' && Peek(1) == '|') {
        i_ += 2;
        EndCommand(false);
      } else if (c == '|') {
        i_ += Peek(1) == '&' ? 2 : 1;
        EndCommand(true);
      } else if (c == '&' && Peek(1) != '>') {
        ++i_;
        EndCommand(false);
      } else if ((c == '<' || c == '>') && Peek(1) == '(') {
        AddWord(ReadWord());  // process substitution
      } else if (c == '<' || c == '>' || c == '&') {
        ReadRedirect(-1);
      } else {
        ShellWord w = ReadWord();
        bool fd = !w.raw.empty() && w.raw.size() <= 2 &&
                  std::all_of(w.raw.begin(), w.raw.end(), ::isdigit) && i_ < s_.size() &&
                  (s_[i_] == '<' || s_[i_] == '>');
        if (fd)
          ReadRedirect(std::stoi(w.raw));
        else
          AddWord(std::move(w));
      }
    }
    EndCommand(false);
    return std::move(out_);
  }

  // Every expansion the lexer met, in script order (after Run()).
  std::vector<ShellVarRef> TakeAllVars() {
    std::stable_sort(all_.begin(), all_.end(),
                     [](const ShellVarRef& a, const ShellVarRef& b) { return a.offset < b.offset; });
    return std::move(all_);
  }

 private:
  char Peek(size_t k) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }

  void AddWord(ShellWord w) {
    if (cur_.words.empty() && IsAssignment(w.raw)) {
      cur_.assignments.push_back(std::move(w));
      return;
    }
    if (cur_.words.empty() && cur_.assignments.empty() && IsPrefixKeyword(w.value)) return;
    if (cur_.words.empty() && IsNonCommandKeyword(w.value)) skip_ = true;
    // Room for a few words at once: a ShellWord is large, and growing one by one moved them.
    if (cur_.words.empty()) cur_.words.reserve(4);
    cur_.words.push_back(std::move(w));
  }

  void EndCommand(bool piped) {
    bool empty = cur_.words.empty() && cur_.assignments.empty() && cur_.redirects.empty();
    if (!empty && !skip_) {
      cur_.pipeline = pipeline_;
      cur_.piped_out = piped;
      cur_.piped_in = piped_in_;
      out_.push_back(std::move(cur_));
    }
    cur_ = ShellCommand();
    skip_ = false;
    piped_in_ = piped && !empty;
    if (!piped) ++pipeline_;
  }

  void ReadRedirect(int fd) {
    ShellRedirect r;
    r.fd = fd;
    size_t start = i_;
    if (s_.compare(i_, 3, "<<<") == 0) {
      i_ += 3;
    } else if (s_.compare(i_, 3, "<<-") == 0) {
      i_ += 3;
    } else if (s_.compare(i_, 2, "<<") == 0 || s_.compare(i_, 2, ">>") == 0 ||
               s_.compare(i_, 2, ">&") == 0 || s_.compare(i_, 2, ">|") == 0 ||
               s_.compare(i_, 2, "<&") == 0) {
      i_ += 2;
    } else if (s_.compare(i_, 3, "&>>") == 0) {
      i_ += 3;
    } else if (s_.compare(i_, 2, "&>") == 0) {
      i_ += 2;
    } else {
      i_ += 1;
    }
    r.op = std::string(s_.substr(start, i_ - start));
    while (i_ < s_.size() && IsBlank(s_[i_])) ++i_;
    r.target = ReadWord();
    if (r.op == "<<" || r.op == "<<-") {
      bool quoted = r.target.raw.find_first_of("'\"\\") != std::string::npos;
      pending_.push_back({out_.size(), cur_.redirects.size(), r.target.value, r.op == "<<-", quoted});
    }
    cur_.redirects.push_back(std::move(r));
  }

  // Reads heredoc bodies that start after the newline just consumed.
  void ReadHeredocs() {
    if (pending_.empty()) return;
    for (const Pending& p : pending_) {
      // The command owning the heredoc was pushed when its line ended.
      ShellCommand* owner = p.command < out_.size() ? &out_[p.command] : nullptr;
      std::string body;
      uint32_t body_start = static_cast<uint32_t>(i_);
      while (i_ < s_.size()) {
        size_t eol = s_.find('\n', i_);
        if (eol == std::string_view::npos) eol = s_.size();
        std::string_view line = s_.substr(i_, eol - i_);
        i_ = std::min(eol + 1, s_.size());
        std::string_view check = line;
        if (p.strip_tabs)
          while (!check.empty() && check.front() == '\t') check.remove_prefix(1);
        if (check == p.delimiter) break;
        body.append(line);
        body += '\n';
      }
      if (owner && p.index < owner->redirects.size()) {
        ShellRedirect& r = owner->redirects[p.index];
        if (!p.quoted) {
          r.heredoc_vars = HeredocVars(body, body_start);
          all_.insert(all_.end(), r.heredoc_vars.begin(), r.heredoc_vars.end());
        }
        r.heredoc_body = std::move(body);
      }
    }
    pending_.clear();
  }

  // Skips a balanced construct starting at s_[i_] == open (after any `$`), honouring quotes.
  void SkipBalanced(char open, char close, std::string* inner) {
    int depth = 0;
    size_t start = i_ + 1;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '\'' && open != '{') {
        size_t end = s_.find('\'', i_ + 1);
        i_ = end == std::string_view::npos ? s_.size() : end + 1;
        continue;
      }
      if (c == open) ++depth;
      if (c == close && --depth == 0) {
        if (inner) *inner = std::string(s_.substr(start, i_ - start));
        ++i_;
        return;
      }
      ++i_;
    }
    if (inner) *inner = std::string(s_.substr(start));
  }

  // `$(...)`, `<(...)` or `>(...)` at s_[i_]: its body is kept for the rules to lex.
  void TakeSubstitution(ShellWord& w) {
    size_t at = i_;
    ++i_;
    std::string inner;
    SkipBalanced('(', ')', &inner);
    w.substs.push_back(inner);
    w.value.append(s_.substr(at, i_ - at));
  }

  // A character ReadWord appends as it is (any other is a case of its own there).
  static bool Plain(char c, bool in_double) {
    if (c == '\\' || c == '"' || c == '$' || c == '`') return false;
    return in_double || (c != '\'' && !IsMeta(c));
  }

  ShellWord ReadWord() {
    ShellWord w;
    w.offset = static_cast<uint32_t>(i_);
    bool in_double = false;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (!in_double && IsMeta(c)) {
        // `<(...)` / `>(...)` process substitution belongs to the word.
        if ((c == '<' || c == '>') && Peek(1) == '(') {
          TakeSubstitution(w);
          continue;
        }
        break;
      }
      if (c == '\\') {
        if (i_ + 1 < s_.size()) {
          if (s_[i_ + 1] == '\n') {
            i_ += 2;
            continue;
          }
          w.value += s_[i_ + 1];
        }
        i_ += 2;
        continue;
      }
      if (c == '"') {
        in_double = !in_double;
        ++i_;
        continue;
      }
      if (c == '\'' && !in_double) {
        size_t end = s_.find('\'', i_ + 1);
        if (end == std::string_view::npos) end = s_.size();
        w.value.append(s_.substr(i_ + 1, end - i_ - 1));
        i_ = std::min(end + 1, s_.size());
        continue;
      }
      if (c == '$' && Peek(1) == '(') {
        TakeSubstitution(w);
        continue;
      }
      if (c == '$' && Peek(1) == '{') {
        size_t at = i_;
        ++i_;
        SkipBalanced('{', '}', nullptr);
        w.value.append(s_.substr(at, i_ - at));
        continue;
      }
      if (c == '`') {
        size_t end = s_.find('`', i_ + 1);
        if (end == std::string_view::npos) end = s_.size();
        w.substs.emplace_back(s_.substr(i_ + 1, end - i_ - 1));
        w.value.append(s_.substr(i_, std::min(end + 1, s_.size()) - i_));
        i_ = std::min(end + 1, s_.size());
        continue;
      }
      // A run of characters none of the cases above takes, appended at once.
      size_t run = i_ + 1;
      while (run < s_.size() && Plain(s_[run], in_double)) ++run;
      w.value.append(s_.substr(i_, run - i_));
      i_ = run;
    }
    w.raw = std::string(s_.substr(w.offset, i_ - w.offset));
    // Every expansion starts with `$` or is in backquotes: most words have neither.
    if (std::any_of(w.raw.begin(), w.raw.end(), [](char c) { return c == '$' || c == '`'; })) {
      w.vars = ExpandedVars(w.raw, w.offset);
      all_.insert(all_.end(), w.vars.begin(), w.vars.end());
    }
    return w;
  }

  struct Pending {
    size_t command;
    size_t index;
    std::string delimiter;
    bool strip_tabs;
    bool quoted;
  };

  std::string_view s_;
  size_t i_ = 0;
  std::vector<ShellCommand> out_;
  ShellCommand cur_;
  std::vector<Pending> pending_;
  std::vector<ShellVarRef> all_;
  int pipeline_ = 0;
  bool piped_in_ = false;
  bool skip_ = false;
};

}  // namespace

bool ShellCommand::StdoutToLog() const {
  if (piped_out) return false;
  for (const ShellRedirect& r : redirects) {
    bool stdout_fd = r.fd == -1 || r.fd == 1;
    if ((r.op == ">" || r.op == ">>" || r.op == ">|") && stdout_fd) return false;
    if (r.op == "&>" || r.op == "&>>") return false;
  }
  return true;
}

std::string_view ShellCommand::Name() const {
  if (words.empty()) return {};
  std::string_view v = words[0].value;
  size_t slash = v.rfind('/');  // /usr/bin/env -> env
  return slash == std::string_view::npos ? v : v.substr(slash + 1);
}

std::vector<ShellVarRef> ExpandedVars(std::string_view text, uint32_t base) {
  std::vector<ShellVarRef> out;
  Scan(text, base, false, 0, out);
  return out;
}

std::vector<ShellVarRef> ScriptVars(std::string_view script) {
  if (script.find('$') == std::string_view::npos) return {};  // every reference starts with `$`
  Lexer lexer(script);
  lexer.Run();
  return lexer.TakeAllVars();
}

std::vector<ShellCommand> LexShell(std::string_view script) { return Lexer(script).Run(); }

}  // namespace pipec::shell
