// A hand-written lexer for the usual, well-formed `.pipe` file (issue 13: ANTLR's generated
// lexer was a third of `pipec check` on a large file, about 15 times slower than this one).
// The grammar stays the definition: keywords and punctuation come from the generated lexer's
// vocabulary, and anything this lexer is not certain of (a character the grammar rejects, an
// unterminated string) makes it decline, so that the caller runs ANTLR's lexer, whose tokens
// the parser's pre-scan turns into diagnostics. `FastLexerDisagreement` checks the two lexers
// against each other (unit tests over every `.pipe` file of the repository, and the pipe fuzzer).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace antlr4 {
class CharStream;
class Token;
class TokenSource;
}  // namespace antlr4

namespace pipec::syntax {

using TokenList = std::vector<std::unique_ptr<antlr4::Token>>;

// What the tokens of one text share: the text (their text is a view of it), and the token
// source and character stream they say they come from, as ANTLR's would.
struct TokenOrigin {
  std::string_view text;
  antlr4::TokenSource* source = nullptr;
  antlr4::CharStream* input = nullptr;
};

// The fast lexer, a token at a time (ParseFile streams them to the parser). The same
// lifetime rules as LexFast's tokens.
class FastLexerImpl;
class FastLexer {
 public:
  explicit FastLexer(const TokenOrigin& origin);
  ~FastLexer();
  FastLexer(const FastLexer&) = delete;
  FastLexer& operator=(const FastLexer&) = delete;

  // False when the fast path declines the whole text (invalid UTF-8, 4 GiB or more, a grammar
  // rule it does not know); then Next must not be called.
  [[nodiscard]] bool Usable() const;
  // The next token, hidden ones (comments) included; nullptr at the end of the text, or with
  // `declined` set when it meets a token it is not sure of (then ANTLR's lexer must run).
  [[nodiscard]] std::unique_ptr<antlr4::Token> Next(bool& declined);
  // Where it is: code points read, line (1-based) and column (0-based, in code points).
  size_t code_points() const;
  size_t line() const;
  size_t column() const;

 private:
  std::unique_ptr<FastLexerImpl> lexer_;
};

// The tokens `PipeLexer::getAllTokens()` gives for `origin.text` (valid UTF-8), with the same
// types, channels, code-point start and stop indexes, lines, columns and text; or nullopt when
// the fast path declines. `origin` and its text must outlive the tokens, and the tokens are
// destroyed on the thread that made them (they come from a per-thread pool).
[[nodiscard]] std::optional<TokenList> LexFast(const TokenOrigin& origin);

// For tests: nullopt when LexFast declines `text` or gives exactly ANTLR's tokens; otherwise
// the first difference, described. `declined` (if given) says whether it declined.
[[nodiscard]] std::optional<std::string> FastLexerDisagreement(std::string_view text, bool* declined = nullptr);

}  // namespace pipec::syntax
