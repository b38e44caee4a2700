#include "compiler/syntax/fast_lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "PipeLexer.h"
#include "compiler/diag/utf8.h"
#include "antlr4-runtime.h"

namespace pipec::syntax {
namespace {

using pipegen::PipeLexer;

bool IsLetter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsIdStart(unsigned char c) { return IsLetter(c) || c == '_'; }
bool IsIdPart(unsigned char c) { return IsIdStart(c) || IsDigit(c) || c == '-'; }
bool IsDurationUnit(unsigned char c) { return c == 's' || c == 'm' || c == 'h' || c == 'd' || c == 'w'; }

// What the fast path knows of the grammar. The literal tokens (keywords, punctuation) are read
// from the generated lexer; the other token rules are written out below, so a grammar with a
// rule this file does not know switches the fast path off (`usable`), and the unit test that
// expects it on fails, pointing here.
struct Grammar {
  std::unordered_map<std::string, size_t> keywords;     // literals shaped like an ID: `job`
  std::unordered_map<std::string, size_t> punctuation;  // the other literals: `{`, `==`
  size_t longest_punctuation = 0;
  bool usable = true;
};

const Grammar& TheGrammar() {
  static const Grammar grammar = [] {
    Grammar g;
    antlr4::ANTLRInputStream nothing("");
    PipeLexer lexer(&nothing);
    const antlr4::dfa::Vocabulary& vocab = lexer.getVocabulary();
    // The rules this lexer implements by hand (TRIPLE_STRING is emitted as STRING; WS is skipped).
    const std::set<std::string> by_hand = {"DURATION", "FLOAT", "INT", "ID", "TRIPLE_STRING", "STRING",
                                           "UNTERMINATED_STRING", "COMMENT", "WS", "BAD_CHAR"};
    for (size_t type = 1; type <= vocab.getMaxTokenType(); ++type) {
      std::string literal = vocab.getLiteralName(type);
      if (literal.size() < 3 || literal.front() != '\'' || literal.back() != '\'') {
        if (!by_hand.count(vocab.getSymbolicName(type))) g.usable = false;
        continue;
      }
      std::string text = literal.substr(1, literal.size() - 2);
      auto unsafe = [](unsigned char c) {
        // A literal starting like another rule's token (a digit, a quote, `#`, a space) or
        // written with an escape would need that rule's order: not known here.
        return IsIdPart(c) || c == '"' || c == '#' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
               c == '\\' || c >= 0x80;
      };
      if (IsIdStart(static_cast<unsigned char>(text[0])) && std::all_of(text.begin(), text.end(), [](char c) {
            return IsIdPart(static_cast<unsigned char>(c));
          })) {
        g.keywords.emplace(text, type);
      } else if (std::none_of(text.begin(), text.end(), [&](char c) { return unsafe(static_cast<unsigned char>(c)); })) {
        g.punctuation.emplace(text, type);
        g.longest_punctuation = std::max(g.longest_punctuation, text.size());
      } else {
        g.usable = false;
      }
    }
    return g;
  }();
  return grammar;
}

// Bytes of the (valid) UTF-8 sequence led by `c`.
size_t SequenceLength(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  return 4;
}

class Lexer {
 public:
  Lexer(std::string_view text, antlr4::TokenSource* source, antlr4::CharStream* input)
      : text_(text), source_{source, input} {}

  std::optional<TokenList> Run() {
    const Grammar& g = TheGrammar();
    // Invalid UTF-8 is ANTLR's to refuse (ParseFile reports it); then every lead byte below
    // starts a whole sequence.
    if (!g.usable || FindInvalidUtf8(text_) != std::string_view::npos) return std::nullopt;
    TokenList tokens;
    tokens.reserve(text_.size() / 5);
    while (at_ < text_.size()) {
      unsigned char c = Peek(0);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        Advance();
        continue;
      }
      Begin();
      size_t type = 0;
      size_t channel = antlr4::Token::DEFAULT_CHANNEL;
      if (c == '#') {
        while (at_ < text_.size() && Peek(0) != '\r' && Peek(0) != '\n') Advance();
        type = PipeLexer::COMMENT;
        channel = antlr4::Token::HIDDEN_CHANNEL;
      } else if (c == '"') {
        if (!String()) return std::nullopt;
        type = PipeLexer::STRING;
      } else if (IsDigit(c)) {
        type = Number();
      } else if (IsIdStart(c)) {
        while (at_ < text_.size() && IsIdPart(Peek(0))) Advance();
        auto keyword = g.keywords.find(std::string(Taken()));
        type = keyword == g.keywords.end() ? size_t{PipeLexer::ID} : keyword->second;
      } else {
        // The longest punctuation that matches; anything else is a BAD_CHAR: ANTLR's to report.
        size_t longest = std::min(g.longest_punctuation, text_.size() - at_);
        for (size_t n = longest; n > 0 && type == 0; --n) {
          auto p = g.punctuation.find(std::string(text_.substr(at_, n)));
          if (p == g.punctuation.end()) continue;
          for (size_t k = 0; k < n; ++k) Advance();
          type = p->second;
        }
        if (type == 0) return std::nullopt;
      }
      auto token = std::make_unique<antlr4::CommonToken>(source_, type, channel, start_cp_, cp_ - 1);
      token->setLine(start_line_);
      token->setCharPositionInLine(start_column_);
      token->setText(std::string(Taken()));
      tokens.push_back(std::move(token));
    }
    return tokens;
  }

 private:
  unsigned char Peek(size_t ahead) const {
    return at_ + ahead < text_.size() ? static_cast<unsigned char>(text_[at_ + ahead]) : 0;
  }

  // One code point, counted as ANTLR's lexer counts it (a line feed starts a new line).
  void Advance() {
    unsigned char c = Peek(0);
    if (c == '\n') {
      ++line_;
      column_ = 0;
    } else {
      ++column_;
    }
    at_ += SequenceLength(c);
    ++cp_;
  }
  void Begin() {
    start_ = at_;
    start_cp_ = cp_;
    start_line_ = line_;
    start_column_ = column_;
  }
  std::string_view Taken() const { return text_.substr(start_, at_ - start_); }

  // TRIPLE_STRING : '"""' .*? '"""'  and  STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"'.
  // Unterminated either way: decline (ANTLR's tokens say which, for the diagnostic).
  [[nodiscard]] bool String() {
    if (Peek(1) == '"' && Peek(2) == '"') {
      size_t close = text_.find("\"\"\"", at_ + 3);
      if (close == std::string_view::npos) return false;
      while (at_ < close + 3) Advance();
      return true;
    }
    Advance();  // the opening quote
    for (;;) {
      unsigned char c = Peek(0);
      if (at_ >= text_.size() || c == '\r' || c == '\n') return false;
      Advance();
      if (c == '"') return true;
      if (c == '\\') {  // an escape takes the next character, whatever it is, but not a line end
        if (at_ >= text_.size() || Peek(0) == '\r' || Peek(0) == '\n') return false;
        Advance();
      }
    }
  }

  // DURATION : [0-9]+ [smhdw] ([0-9]+ [smhdw])* ;  FLOAT : [0-9]+ '.' [0-9]+ ;  INT : [0-9]+ ;
  // the longest match, as ANTLR's lexer takes it (`1h30` is a duration `1h` and an int `30`).
  size_t Number() {
    auto digits_from = [&](size_t i) {
      while (i < text_.size() && IsDigit(static_cast<unsigned char>(text_[i]))) ++i;
      return i;
    };
    size_t end = digits_from(at_);
    size_t type = PipeLexer::INT;
    if (end < text_.size() && IsDurationUnit(static_cast<unsigned char>(text_[end]))) {
      type = PipeLexer::DURATION;
      ++end;
      for (;;) {
        size_t more = digits_from(end);
        if (more == end || more >= text_.size() || !IsDurationUnit(static_cast<unsigned char>(text_[more]))) break;
        end = more + 1;
      }
    } else if (end + 1 < text_.size() && text_[end] == '.' && IsDigit(static_cast<unsigned char>(text_[end + 1]))) {
      type = PipeLexer::FLOAT;
      end = digits_from(end + 1);
    }
    while (at_ < end) Advance();
    return type;
  }

  std::string_view text_;
  std::pair<antlr4::TokenSource*, antlr4::CharStream*> source_;
  size_t at_ = 0, cp_ = 0, line_ = 1, column_ = 0;
  size_t start_ = 0, start_cp_ = 0, start_line_ = 1, start_column_ = 0;
};

std::string Describe(const antlr4::Token* t) {
  if (!t) return "no token";
  return fmt::format("type {} channel {} [{}, {}] line {} column {} text `{}`", t->getType(), t->getChannel(),
                     t->getStartIndex(), t->getStopIndex(), t->getLine(), t->getCharPositionInLine(), t->getText());
}

}  // namespace

std::optional<TokenList> LexFast(std::string_view text, antlr4::TokenSource* source, antlr4::CharStream* input) {
  return Lexer(text, source, input).Run();
}

std::optional<std::string> FastLexerDisagreement(std::string_view text, bool* declined) {
  antlr4::ANTLRInputStream input(std::string{});
  PipeLexer lexer(&input);
  std::optional<TokenList> fast = LexFast(text, &lexer, &input);
  if (declined) *declined = !fast;
  if (!fast) return std::nullopt;
  // LexFast took the text, so it is valid UTF-8 without a leading byte-order mark (which
  // ANTLRInputStream would drop): both lexers read the same code points.
  input.load(std::string(text));
  lexer.removeErrorListeners();
  TokenList antlr = lexer.getAllTokens();
  for (size_t i = 0; i < std::max(fast->size(), antlr.size()); ++i) {
    const antlr4::Token* a = i < antlr.size() ? antlr[i].get() : nullptr;
    const antlr4::Token* f = i < fast->size() ? (*fast)[i].get() : nullptr;
    if (!a || !f || a->getType() != f->getType() || a->getChannel() != f->getChannel() ||
        a->getStartIndex() != f->getStartIndex() || a->getStopIndex() != f->getStopIndex() ||
        a->getLine() != f->getLine() || a->getCharPositionInLine() != f->getCharPositionInLine() ||
        a->getText() != f->getText())
      return fmt::format("token {}: ANTLR {}, fast {}", i, Describe(a), Describe(f));
  }
  return std::nullopt;
}

}  // namespace pipec::syntax
