#include "lint/shell_lexer.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pipec::lint {
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

 private:
  char Peek(size_t k) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }

  void AddWord(ShellWord w) {
    if (cur_.words.empty() && IsAssignment(w.raw)) {
      cur_.assignments.push_back(std::move(w));
      return;
    }
    if (cur_.words.empty() && cur_.assignments.empty() && IsPrefixKeyword(w.value)) return;
    if (cur_.words.empty() && IsNonCommandKeyword(w.value)) skip_ = true;
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
        if (!p.quoted) r.heredoc_vars = ExpandedVars(body, body_start);
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
      w.value += c;
      ++i_;
    }
    w.raw = std::string(s_.substr(w.offset, i_ - w.offset));
    w.vars = ExpandedVars(w.raw, w.offset);
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
  bool in_single = false, in_double = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && !in_single) {
      ++i;
      continue;
    }
    if (c == '\'' && !in_double) {
      in_single = !in_single;
      continue;
    }
    if (c == '"' && !in_single) {
      in_double = !in_double;
      continue;
    }
    if (c != '$' || in_single || i + 1 >= text.size()) continue;
    size_t j = i + 1;
    if (text[j] == '{') {
      ++j;
      if (j < text.size() && (text[j] == '!' || text[j] == '#')) ++j;  // ${!X} ${#X}
    }
    size_t name_start = j;
    if (j >= text.size() || !IsNameStart(text[j])) continue;
    while (j < text.size() && IsNameChar(text[j])) ++j;
    out.push_back({std::string(text.substr(name_start, j - name_start)),
                   static_cast<uint32_t>(base + i)});
  }
  return out;
}

std::vector<ShellCommand> LexShell(std::string_view script) { return Lexer(script).Run(); }

}  // namespace pipec::lint
