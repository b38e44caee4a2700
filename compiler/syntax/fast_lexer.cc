#include "compiler/syntax/fast_lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <new>
#include <set>
#include <vector>

#include "PipeLexer.h"
#include "compiler/diag/utf8.h"
#include "antlr4-runtime.h"

namespace pipec::syntax {
namespace {

using pipegen::PipeLexer;

constexpr bool IsLetter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool IsIdStart(unsigned char c) { return IsLetter(c) || c == '_'; }
constexpr bool IsIdPart(unsigned char c) { return IsIdStart(c) || IsDigit(c) || c == '-'; }
// IsIdPart as a table, for the scan of every ID's bytes (the call per byte was not inlined).
constexpr std::array<bool, 256> kIdPart = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = IsIdPart(static_cast<unsigned char>(c));
  return t;
}();
bool IsDurationUnit(unsigned char c) { return c == 's' || c == 'm' || c == 'h' || c == 'd' || c == 'w'; }

// What the fast path knows of the grammar. The literal tokens (keywords, punctuation) are read
// from the generated lexer; the other token rules are written out below, so a grammar with a
// rule this file does not know switches the fast path off (`usable`), and the unit test that
// expects it on fails, pointing here.
// The literals are looked up by their first byte, then length and bytes: a file's every ID and
// punctuation token is looked up, and hashing a std::string made of each cost 3% of a large
// file's check.
class Literals {
 public:
  void Add(std::string text, size_t type) {
    auto& bucket = by_first_[static_cast<unsigned char>(text[0])];
    for (const Literal& l : bucket)
      if (l.text == text) return;  // the first type given a text keeps it, as emplace did
    longest_ = std::max(longest_, text.size());
    bucket.push_back({std::move(text), type});
  }
  // The literal's type, 0 when `text` is none.
  size_t Find(std::string_view text) const {
    if (text.empty()) return 0;
    for (const Literal& l : by_first_[static_cast<unsigned char>(text[0])])
      if (l.text == text) return l.type;
    return 0;
  }
  size_t longest() const { return longest_; }

 private:
  struct Literal {
    std::string text;
    size_t type;
  };
  std::array<std::vector<Literal>, 256> by_first_;
  size_t longest_ = 0;
};

struct Grammar {
  Literals keywords;     // literals shaped like an ID: `job`
  Literals punctuation;  // the other literals: `{`, `==`
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
        g.keywords.Add(text, type);
      } else if (std::none_of(text.begin(), text.end(), [&](char c) { return unsafe(static_cast<unsigned char>(c)); })) {
        g.punctuation.Add(text, type);
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

// The fast path's tokens (issue 13): ANTLR's CommonToken is 112 bytes, each its own heap
// block with a copy of its text, so a 10,000-job file's 200,000 tokens took 25 MB and an
// eighth of `pipec check`'s time in malloc. A SlimToken is a third of that: its text is a view
// of the source (which outlives the parse), positions are 32-bit (sources are at most 16 MiB;
// LexFast declines larger text), and it comes from a pool, a free list over large blocks. The
// setters ANTLR's token streams use work; text set by hand is kept in its own string.
class SlimToken;

// The pool the tokens come from. Tokens are created and destroyed on one thread (one parse),
// so the pool is per thread; its blocks but the first (64 KiB) go back to the heap when its
// last token is destroyed.
class TokenPool {
 public:
  void* Allocate(size_t size);
  void Release(void* p);

 private:
  union Slot {
    Slot* next;
    alignas(std::max_align_t) std::byte storage[64];
  };
  std::vector<std::unique_ptr<Slot[]>> blocks_;
  Slot* free_ = nullptr;
  size_t live_ = 0;
  static constexpr size_t kFirstBlockSlots = 1024;
  size_t next_block_slots_ = kFirstBlockSlots;
};

thread_local TokenPool token_pool;

void* TokenPool::Allocate(size_t size) {
  if (size > sizeof(Slot)) throw std::bad_alloc();  // a static_assert below rules it out
  if (!free_) {
    // Blocks double up to 64 K slots (4 MiB): few allocations for a large file, little
    // waste for a small one.
    size_t n = next_block_slots_;
    next_block_slots_ = std::min<size_t>(n * 2, 64 * 1024);
    blocks_.push_back(std::make_unique_for_overwrite<Slot[]>(n));
    Slot* block = blocks_.back().get();
    for (size_t i = n; i-- > 0;) {
      block[i].next = free_;
      free_ = &block[i];
    }
  }
  Slot* slot = free_;
  free_ = slot->next;
  ++live_;
  return slot;
}

void TokenPool::Release(void* p) {
  auto* slot = static_cast<Slot*>(p);
  slot->next = free_;
  free_ = slot;
  if (--live_ == 0 && blocks_.size() > 1) {
    // Keep the first block: a stream of tokens destroyed one by one would otherwise make and
    // free one each time.
    blocks_.resize(1);
    free_ = nullptr;
    for (size_t i = kFirstBlockSlots; i-- > 0;) {
      blocks_[0][i].next = free_;
      free_ = &blocks_[0][i];
    }
    next_block_slots_ = 2 * kFirstBlockSlots;
  }
}

class SlimToken final : public antlr4::WritableToken {
 public:
  SlimToken(const TokenOrigin* shared, uint32_t type, uint32_t channel, uint32_t start_cp, uint32_t stop_cp,
            uint32_t line, uint32_t column, uint32_t byte_begin, uint32_t byte_size)
      : shared_(shared),
        type_(type),
        channel_(channel),
        start_(start_cp),
        stop_(stop_cp),
        line_(line),
        column_(column),
        byte_begin_(byte_begin),
        byte_size_(byte_size) {}

  static void* operator new(size_t size) { return token_pool.Allocate(size); }
  static void operator delete(void* p) { token_pool.Release(p); }

  std::string getText() const override {
    return text_ ? *text_ : std::string(shared_->text.substr(byte_begin_, byte_size_));
  }
  size_t getType() const override { return type_; }
  size_t getLine() const override { return line_; }
  size_t getCharPositionInLine() const override { return column_; }
  size_t getChannel() const override { return channel_; }
  size_t getTokenIndex() const override { return index_; }
  size_t getStartIndex() const override { return start_; }
  size_t getStopIndex() const override { return stop_; }
  antlr4::TokenSource* getTokenSource() const override { return shared_->source; }
  antlr4::CharStream* getInputStream() const override { return shared_->input; }
  std::string toString() const override {
    return fmt::format("[@{},{}:{}='{}',<{}>,{}:{}]", static_cast<ptrdiff_t>(index_), start_, stop_, getText(),
                       type_, line_, column_);
  }

  void setText(const std::string& text) override { text_ = std::make_unique<std::string>(text); }
  void setType(size_t type) override { type_ = static_cast<uint32_t>(type); }
  void setLine(size_t line) override { line_ = static_cast<uint32_t>(line); }
  void setCharPositionInLine(size_t column) override { column_ = static_cast<uint32_t>(column); }
  void setChannel(size_t channel) override { channel_ = static_cast<uint32_t>(channel); }
  void setTokenIndex(size_t index) override { index_ = index; }

 private:
  const TokenOrigin* shared_;
  std::unique_ptr<std::string> text_;  // set by setText, else the source's bytes
  size_t index_ = INVALID_INDEX;
  uint32_t type_, channel_, start_, stop_, line_, column_, byte_begin_, byte_size_;
};
static_assert(sizeof(SlimToken) <= 64, "a SlimToken must fit a pool slot");

}  // namespace

// The lexer's state (FastLexer's implementation).
class FastLexerImpl {
 public:
  explicit FastLexerImpl(const TokenOrigin& origin) : text_(origin.text), shared_(&origin) {}

  // False when the whole text is not for the fast path: invalid UTF-8 is ANTLR's to refuse
  // (ParseFile reports it; valid, every lead byte below starts a whole sequence), and
  // SlimToken's positions are 32-bit.
  bool Usable() const {
    return TheGrammar().usable && text_.size() < std::numeric_limits<uint32_t>::max() &&
           FindInvalidUtf8(text_) == std::string_view::npos;
  }

  // The next token (comments too), nullptr at the end of the text; `declined` when it meets
  // one it is not sure of.
  std::unique_ptr<antlr4::Token> Next(bool& declined) {
    const Grammar& g = TheGrammar();
    declined = false;
    while (at_ < text_.size()) {
      unsigned char c = Peek(0);
      // Blanks are ASCII: Advance's work without its sequence length.
      if (c == ' ' || c == '\t' || c == '\r') {
        ++at_;
        ++cp_;
        ++column_;
        continue;
      }
      if (c == '\n') {
        ++at_;
        ++cp_;
        ++line_;
        column_ = 0;
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
        if (!String()) {
          declined = true;
          return nullptr;
        }
        type = PipeLexer::STRING;
      } else if (IsDigit(c)) {
        type = Number();
      } else if (IsIdStart(c)) {
        // An ID is ASCII on one line: one byte, one code point, one column each.
        size_t end = at_;
        while (end < text_.size() && kIdPart[static_cast<unsigned char>(text_[end])]) ++end;
        cp_ += end - at_;
        column_ += end - at_;
        at_ = end;
        size_t keyword = g.keywords.Find(Taken());
        type = keyword == 0 ? size_t{PipeLexer::ID} : keyword;
      } else {
        // The longest punctuation that matches; anything else is a BAD_CHAR: ANTLR's to report.
        size_t longest = std::min(g.punctuation.longest(), text_.size() - at_);
        for (size_t n = longest; n > 0 && type == 0; --n) {
          size_t p = g.punctuation.Find(text_.substr(at_, n));
          if (p == 0) continue;
          for (size_t k = 0; k < n; ++k) Advance();
          type = p;
        }
        if (type == 0) {
          declined = true;
          return nullptr;
        }
      }
      return std::make_unique<SlimToken>(shared_, static_cast<uint32_t>(type), static_cast<uint32_t>(channel),
                                         static_cast<uint32_t>(start_cp_), static_cast<uint32_t>(cp_ - 1),
                                         static_cast<uint32_t>(start_line_), static_cast<uint32_t>(start_column_),
                                         static_cast<uint32_t>(start_), static_cast<uint32_t>(at_ - start_));
    }
    return nullptr;
  }

  size_t code_points() const { return cp_; }
  size_t line() const { return line_; }
  size_t column() const { return column_; }

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
  const TokenOrigin* shared_;
  size_t at_ = 0, cp_ = 0, line_ = 1, column_ = 0;
  size_t start_ = 0, start_cp_ = 0, start_line_ = 1, start_column_ = 0;
};

namespace {

std::string Describe(const antlr4::Token* t) {
  if (!t) return "no token";
  return fmt::format("type {} channel {} [{}, {}] line {} column {} text `{}`", t->getType(), t->getChannel(),
                     t->getStartIndex(), t->getStopIndex(), t->getLine(), t->getCharPositionInLine(), t->getText());
}

}  // namespace

FastLexer::FastLexer(const TokenOrigin& origin) : lexer_(std::make_unique<FastLexerImpl>(origin)) {}
FastLexer::~FastLexer() = default;
bool FastLexer::Usable() const { return lexer_->Usable(); }
std::unique_ptr<antlr4::Token> FastLexer::Next(bool& declined) { return lexer_->Next(declined); }
size_t FastLexer::code_points() const { return lexer_->code_points(); }
size_t FastLexer::line() const { return lexer_->line(); }
size_t FastLexer::column() const { return lexer_->column(); }

std::optional<TokenList> LexFast(const TokenOrigin& origin) {
  FastLexer lexer(origin);
  if (!lexer.Usable()) return std::nullopt;
  TokenList tokens;
  tokens.reserve(origin.text.size() / 5);
  bool declined = false;
  while (std::unique_ptr<antlr4::Token> token = lexer.Next(declined)) tokens.push_back(std::move(token));
  if (declined) return std::nullopt;
  return tokens;
}

std::optional<std::string> FastLexerDisagreement(std::string_view text, bool* declined) {
  antlr4::ANTLRInputStream input(std::string{});
  PipeLexer lexer(&input);
  TokenOrigin origin{text, &lexer, &input};
  std::optional<TokenList> fast = LexFast(origin);
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
