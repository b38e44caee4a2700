#pragma once
// The formatter's own scanner: the tokens of a .pipe file (comments included) with the
// layout facts the ANTLR lexer throws away: whether a token starts its line and whether a
// blank line precedes it. It mirrors the lexer rules of grammar/Pipe.g4; it only ever runs
// on text the real parser accepted, so it has no error reporting of its own.
#include <cstddef>
#include <string_view>
#include <vector>

namespace pipec::formatter {

struct LayoutToken {
  enum class Kind { Word, Number, String, Punct, Comment };
  Kind kind = Kind::Word;
  std::string_view text;  // exact source text (a `"""` string keeps its newlines)
  size_t offset = 0;      // byte offset of the first character
  bool first_on_line = false;
  bool blank_before = false;  // an empty line separates it from the previous token

  bool Is(std::string_view punct_or_word) const {
    return kind != Kind::String && kind != Kind::Comment && text == punct_or_word;
  }
  bool triple() const { return kind == Kind::String && text.size() >= 6 && text.substr(0, 3) == "\"\"\""; }
};

std::vector<LayoutToken> ScanLayoutTokens(std::string_view text);

}  // namespace pipec::formatter
