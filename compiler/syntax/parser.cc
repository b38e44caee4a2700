#include "compiler/syntax/parser.h"
#include "compiler/syntax/hints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>
#include <typeinfo>
#include <nlohmann/json.hpp>

#include "PipeLexer.h"
#include "PipeParser.h"
#include "antlr4-runtime.h"
#include "compiler/diag/utf8.h"
#include "compiler/syntax/fast_lexer.h"
#include "compiler/syntax/string_literal.h"

namespace pipec::syntax {
namespace {

using pipegen::PipeLexer;
using pipegen::PipeParser;
using antlr4::ParserRuleContext;
using antlr4::Token;

// Thrown from the error listener after kMaxSyntaxErrors to stop parsing at once.
struct StopParsing {};

// The text as ANTLR reads it, code point by code point, decoded only when ANTLR's lexer runs:
// the fast lexer's tokens do not read it (issue 13: the copy was 4 bytes per character).
// ANTLRInputStream would drop a leading byte-order mark itself; the source reader has dropped
// the file's one already, so another is a character like any other (two BOMs: fmt aborted on
// text cut inside the second).
class CodePointInput : public antlr4::ANTLRInputStream {
 public:
  void Load(std::string_view valid_utf8) {
    _data = DecodeUtf8(valid_utf8);
    p = 0;
  }
};

// Maps ANTLR's code-point indexes to byte offsets (sources are UTF-8, ANTLR counts code points).
// In an ASCII text, the usual one, they are the same and no table is kept.
class Positions {
 public:
  Positions(FileId file, const SourceManager& sm)
      : file_(file), sm_(sm), text_(sm.file(file).contents) {
    if (std::all_of(text_.begin(), text_.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
      return;
    cp_to_byte_.reserve(text_.size() + 1);
    for (size_t i = 0; i < text_.size(); ++i)
      if (!IsUtf8Continuation(text_[i])) cp_to_byte_.push_back(i);
    cp_to_byte_.push_back(text_.size());
  }
  size_t Byte(size_t cp) const {
    if (cp_to_byte_.empty()) return std::min(cp, text_.size());
    return cp < cp_to_byte_.size() ? cp_to_byte_[cp] : cp_to_byte_.back();
  }
  size_t CodePoints() const { return cp_to_byte_.empty() ? text_.size() : cp_to_byte_.size() - 1; }
  SourceRange OfToken(const Token* t) const {
    if (t->getType() == Token::EOF) return AtEnd();
    size_t b = Byte(t->getStartIndex());
    size_t e = Byte(t->getStopIndex() + 1);
    // In ASCII text a token on one line has its place already: ANTLR's line, and its column in
    // code points, which are bytes here (no search of the line table per token).
    if (cp_to_byte_.empty() && e >= b && e <= text_.size() && t->getLine() > 0 &&
        std::memchr(text_.data() + b, '\n', e - b) == nullptr) {
      auto line = static_cast<uint32_t>(t->getLine());
      auto column = static_cast<uint32_t>(t->getCharPositionInLine() + 1);
      return {file_, {line, column}, {line, static_cast<uint32_t>(column + (e - b))}};
    }
    return {file_, sm_.LocOf(file_, b), sm_.LocOf(file_, e)};
  }
  SourceRange OfTokens(const Token* first, const Token* last) const {
    SourceRange a = OfToken(first);
    if (!last || last == first) return a;  // a one-token rule (names): placed once
    SourceRange b = OfToken(last);
    if (b.end < a.begin) b = a;
    return {file_, a.begin, b.end};
  }
  SourceRange Of(ParserRuleContext* ctx) const { return OfTokens(ctx->getStart(), ctx->getStop()); }
  SourceRange AtEnd() const {
    const std::string& s = sm_.file(file_).contents;
    size_t end = s.size();
    // Point at the last non-space character's end, so the marker lands on a visible line.
    while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' ')) --end;
    SourceLoc loc = sm_.LocOf(file_, end);
    return {file_, loc, {loc.line, loc.column + 1}};
  }
  size_t ByteOfToken(const Token* t) const { return Byte(t->getStartIndex()); }
  FileId file() const { return file_; }

 private:
  FileId file_;
  const SourceManager& sm_;
  std::string_view text_;  // the file's contents (SourceManager's files do not move)
  std::vector<size_t> cp_to_byte_;  // empty for ASCII text
};

std::string Quote(std::string_view s) { return fmt::format("`{}`", s); }

// A character as messages show it: one outside ASCII (often invisible: a no-break space, a
// byte-order mark in mid-file) gets its code point too. The text is valid UTF-8 (checked on read).
std::string QuoteChar(std::string_view s) {
  if (s.empty() || static_cast<unsigned char>(s[0]) < 0x80) return Quote(s);
  auto c = static_cast<unsigned char>(s[0]);
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  uint32_t cp = c & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F);
  for (size_t i = 1; i < n && i < s.size(); ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return fmt::format("`{}` (U+{:04X})", s, cp);
}

std::string DescribeTokenType(const antlr4::dfa::Vocabulary& vocab, size_t type) {
  switch (type) {
    case Token::EOF: return "end of file";
    case PipeLexer::ID: return "a name";
    case PipeLexer::STRING: return "a string";
    case PipeLexer::INT: return "an integer";
    case PipeLexer::FLOAT: return "a number";
    case PipeLexer::DURATION: return "a duration such as `30d` or `2h`";
    default: break;
  }
  std::string lit = vocab.getLiteralName(type);
  if (lit.size() >= 2 && lit.front() == '\'') return Quote(lit.substr(1, lit.size() - 2));
  return vocab.getSymbolicName(type);
}

std::string DescribeFound(const Token* t) {
  if (t->getType() == Token::EOF) return "end of file";
  if (t->getType() == PipeLexer::STRING) return "a string";
  std::string text = t->getText();
  if (text.size() > 40) text = text.substr(0, 40) + "...";
  return Quote(text);
}

// Turns ANTLR's complaints into plain words: "expected `}` ..., found `x`".
class ErrorListener : public antlr4::BaseErrorListener {
 public:
  ErrorListener(const Positions& pos, DiagnosticSink& sink, std::set<size_t> quiet_tokens,
                bool quiet_at_eof)
      : pos_(pos), sink_(sink), quiet_tokens_(std::move(quiet_tokens)), quiet_at_eof_(quiet_at_eof) {}

  void syntaxError(antlr4::Recognizer* recognizer, Token* offending, size_t, size_t,
                   const std::string& msg, std::exception_ptr) override {
    if (!offending) return;
    if (offending->getType() == Token::EOF && quiet_at_eof_) return;
    if (quiet_tokens_.count(offending->getTokenIndex())) return;
    if (last_index_ == offending->getTokenIndex()) return;  // one complaint per token
    last_index_ = offending->getTokenIndex();
    // One complaint per top-level declaration: what follows the first is mostly the
    // parser's recovery tripping over the same mistake.
    if (auto* parser = dynamic_cast<PipeParser*>(recognizer)) {
      antlr4::RuleContext* top = parser->getContext();
      while (top && top->parent && top->parent->parent) top = dynamic_cast<antlr4::RuleContext*>(top->parent);
      if (auto* prc = dynamic_cast<ParserRuleContext*>(top); prc && prc->getStart() &&
          prc->getRuleIndex() != PipeParser::RuleFile) {
        if (!reported_items_.insert(prc->getStart()->getTokenIndex()).second) return;
      }
    }
    if (++count_ > kMaxSyntaxErrors) {
      sink_.Report(DiagKind::TooManyErrors, pos_.OfToken(offending),
                   fmt::format("too many syntax errors; stopping after {}", kMaxSyntaxErrors));
      throw StopParsing{};
    }
    auto* parser = dynamic_cast<PipeParser*>(recognizer);
    std::string expected;
    if (parser) expected = DescribeExpected(*parser);
    std::string message = expected.empty()
                              ? fmt::format("unexpected {}", DescribeFound(offending))
                              : fmt::format("expected {}, found {}", expected, DescribeFound(offending));
    Diagnostic& d = sink_.Report(DiagKind::SyntaxError, pos_.OfToken(offending), message);
    if (parser) AddHint(*parser, offending, d);
    if (parser) AddContextNote(*parser, d);
    (void)msg;
  }

 private:
  std::string DescribeExpected(PipeParser& parser) {
    std::vector<ssize_t> types;
    try {
      types = parser.getExpectedTokens().toList();
    } catch (...) {
      return "";
    }
    std::set<size_t> set(types.begin(), types.end());
    size_t rule = parser.getContext() ? parser.getContext()->getRuleIndex() : 0;
    bool block = set.count(PipeLexer::RBRACE) && set.count(PipeLexer::RUN) && set.count(PipeLexer::NEEDS);
    (void)rule;
    expected_class_ = Expected::Other;
    if (block) {
      expected_class_ = Expected::JobItem;
      return "a job item (`run`, `needs`, `stage`, `when`, `in`, `out`, `env`, `image`, ...) or `}`";
    }
    if (set.count(PipeLexer::JOB) && set.count(PipeLexer::TEMPLATE) && !set.count(PipeLexer::ID)) {
      expected_class_ = Expected::Declaration;
      return "a declaration (`job`, `template`, `on`, `var`, `secret`, `cache`, `default`, "
             "`import`, `stages`)";
    }
    if (set.count(PipeLexer::ID) && set.size() > 20) {
      set.erase(PipeLexer::ID);
      // Every soft keyword is a name too: say "a name" once, plus the real punctuation.
      std::vector<std::string> others;
      for (size_t t : set)
        if (t == PipeLexer::LBRACE || t == PipeLexer::RBRACE || t == PipeLexer::LBRACK ||
            t == PipeLexer::RBRACK || t == PipeLexer::LPAREN || t == PipeLexer::RPAREN ||
            t == PipeLexer::STRING || t == PipeLexer::INT || t == PipeLexer::FLOAT ||
            t == PipeLexer::DURATION || t == PipeLexer::TRUE || t == PipeLexer::FALSE ||
            t == PipeLexer::NOT)
          others.push_back(DescribeTokenType(parser.getVocabulary(), t));
      std::string s = "a name";
      for (size_t i = 0; i < others.size(); ++i)
        s += (i + 1 == others.size() ? " or " : ", ") + others[i];
      return s;
    }
    std::vector<std::string> names;
    for (size_t t : set) names.push_back(DescribeTokenType(parser.getVocabulary(), t));
    if (names.empty()) return "";
    if (names.size() > 8) {
      names.resize(8);
      names.push_back("...");
    }
    std::string s;
    for (size_t i = 0; i < names.size(); ++i) {
      if (i) s += (i + 1 == names.size() && names[i] != "...") ? " or " : ", ";
      s += names[i];
    }
    return s;
  }

  // What to write instead, for words and forms from GitLab CI and GitHub Actions.
  void AddHint(PipeParser& parser, Token* offending, Diagnostic& d) {
    std::string word = offending->getText();
    SourceRange here = pos_.OfToken(offending);
    if (expected_class_ == Expected::JobItem) {
      if (auto hint = JobItemHint(word)) {
        d.Note(here, fmt::format("`{}` is a GitLab/GitHub key; {}", word, *hint));
        return;
      }
    } else if (expected_class_ == Expected::Declaration) {
      if (auto hint = DeclarationHint(word)) {
        d.Note(here, fmt::format("`{}` is a GitLab/GitHub key; {}", word, *hint));
        return;
      }
    }
    // `image: "x"`, `stage: test`: Pipe items take no colon.
    if (offending->getType() == PipeLexer::COLON) {
      antlr4::TokenStream* tokens = parser.getTokenStream();
      for (size_t k = offending->getTokenIndex(); tokens && k-- > 0;) {
        Token* prev = tokens->get(k);
        if (prev->getChannel() != Token::DEFAULT_CHANNEL) continue;
        if (JobItemHint(prev->getText()) || prev->getType() == PipeLexer::IMAGE ||
            prev->getType() == PipeLexer::STAGE || prev->getType() == PipeLexer::NEEDS ||
            prev->getType() == PipeLexer::WHEN || prev->getType() == PipeLexer::SERVICES ||
            prev->getType() == PipeLexer::TIMEOUT || prev->getType() == PipeLexer::RETRY ||
            prev->getType() == PipeLexer::RUN || prev->getType() == PipeLexer::RUNNER ||
            prev->getType() == PipeLexer::SHELL || prev->getType() == PipeLexer::ENVIRONMENT)
          d.Note(here, fmt::format("Pipe items take no `:`; write `{} ...`", prev->getText()))
              .Fix(here, "");
        break;
      }
    }
  }

  // "in job `train` opened at 3:1" for errors inside a job/template body.
  void AddContextNote(PipeParser& parser, Diagnostic& d) {
    for (auto* ctx = parser.getContext(); ctx; ctx = dynamic_cast<ParserRuleContext*>(ctx->parent)) {
      std::string what;
      PipeParser::NameContext* name = nullptr;
      if (auto* j = dynamic_cast<PipeParser::JobDeclContext*>(ctx)) { what = "job"; name = j->name(); }
      else if (auto* t = dynamic_cast<PipeParser::TemplateDeclContext*>(ctx)) { what = "template"; name = t->name(); }
      if (what.empty()) continue;
      if (!name) return;
      SourceRange r = pos_.Of(name);
      d.Note(r, fmt::format("in {} `{}`", what, name->getText()));
      return;
    }
  }

  enum class Expected { Other, JobItem, Declaration };
  Expected expected_class_ = Expected::Other;  // what DescribeExpected found
  const Positions& pos_;
  DiagnosticSink& sink_;
  std::set<size_t> quiet_tokens_;
  bool quiet_at_eof_;
  size_t last_index_ = static_cast<size_t>(-1);
  std::set<size_t> reported_items_;
  int count_ = 0;
};

// ---- the pre-scan: bad characters, unterminated strings, bracket structure ----

struct PreScan {
  std::vector<std::unique_ptr<Token>> tokens;  // what the parser sees
  std::set<size_t> quiet_tokens;                // indexes whose parser errors are redundant
  bool quiet_at_eof = false;
  bool fatal = false;                           // do not parse at all
};

std::string DescribeOpener(const std::vector<std::unique_ptr<Token>>& toks, size_t open_index) {
  const std::string bracket = toks[open_index]->getText();
  // Walk back to the keyword that owns this bracket.
  for (size_t k = open_index, steps = 0; k-- > 0 && steps < 40; ++steps) {
    size_t t = toks[k]->getType();
    if (t == PipeLexer::LBRACE || t == PipeLexer::RBRACE) break;
    std::string next = k + 1 < toks.size() ? toks[k + 1]->getText() : "";
    switch (t) {
      case PipeLexer::JOB: return fmt::format("job `{}`", next);
      case PipeLexer::TEMPLATE: return fmt::format("template `{}`", next);
      case PipeLexer::CACHE: if (bracket == "{") return fmt::format("cache `{}`", next); break;
      case PipeLexer::DEFAULT: return "`default` block";
      case PipeLexer::ENV: if (bracket == "{") return "`env` block"; break;
      case PipeLexer::MATRIX: if (bracket == "{") return "`matrix` block"; break;
      case PipeLexer::INPUTS: if (bracket == "{") return "`inputs` block"; break;
      case PipeLexer::RAW: return "`raw` block";
      case PipeLexer::ENVIRONMENT: if (bracket == "{") return fmt::format("environment `{}`", next); break;
      default: break;
    }
    if (bracket != "{") break;
  }
  if (bracket == "[") return "list";
  if (bracket == "(") return "parenthesis";
  return "block";
}

// The token as a CommonToken the pre-scan can rewrite (type, text, stop index). The fast
// lexer's tokens are not CommonTokens; such a token is replaced by a copy that is.
antlr4::CommonToken* Rewritable(std::unique_ptr<Token>& tok) {
  if (auto* common = dynamic_cast<antlr4::CommonToken*>(tok.get())) return common;
  tok = std::make_unique<antlr4::CommonToken>(tok.get());
  return static_cast<antlr4::CommonToken*>(tok.get());
}

char CloserOf(size_t type) {
  return type == PipeLexer::LBRACE ? '}' : type == PipeLexer::LBRACK ? ']' : ')';
}

// `7days`, `30min`, `2 hours`: the duration a number and the name after it spell, when the
// pre-scan reads them as that duration (and says so), else nullopt.
std::optional<std::string> SpelledDuration(const Token* number, const Token* unit) {
  if (!unit || (number->getType() != PipeLexer::DURATION && number->getType() != PipeLexer::INT)) return std::nullopt;
  std::string unit_text = unit->getText();
  if (unit_text.empty() ||
      !std::all_of(unit_text.begin(), unit_text.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  bool adjacent = unit->getStartIndex() == number->getStopIndex() + 1;
  bool same_line = unit->getLine() == number->getLine();
  std::optional<std::string> duration = DurationSpelling(number->getText() + unit_text);
  // Apart (`2 hours`) only for a whole unit word: `retry 2` then a name on the same line
  // is some other mistake.
  if (duration && (adjacent || (same_line && unit_text.size() >= 3))) return duration;
  return std::nullopt;
}

PreScan Scan(std::vector<std::unique_ptr<Token>> all, const Positions& pos, DiagnosticSink& sink) {
  PreScan out;
  std::vector<size_t> stack;  // open brackets, as indexes in out.tokens (described when reported)
  int not_run = 0;
  int bool_ops = 0;  // `and`/`or` since the last `when`
  size_t lexical_errors = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    std::unique_ptr<Token>& tok = all[i];
    size_t type = tok->getType();
    if (type == PipeLexer::BAD_CHAR) {
      // `&&`, `||` and `!` from shell or C: say the Pipe word and read it as that word, so
      // one slip gives one error and not a knock-on complaint about the next operand.
      std::string text = tok->getText();
      const Token* next = i + 1 < all.size() ? all[i + 1].get() : nullptr;
      bool doubled = next && next->getType() == PipeLexer::BAD_CHAR && next->getText() == text &&
                     next->getStartIndex() == tok->getStopIndex() + 1 && (text == "&" || text == "|");
      std::string op = doubled ? text + text : text;
      std::optional<std::string_view> word = ConditionOperatorWord(op);
      if (word && (doubled || text == "!")) {
        antlr4::CommonToken* writable = Rewritable(tok);
        SourceRange r = pos.OfToken(tok.get());
        if (doubled) r.end = pos.OfToken(next).end;
        if (++lexical_errors <= kMaxSyntaxErrors)
          sink.Report(DiagKind::UnexpectedChar, r,
                      fmt::format("`{}` is not a Pipe operator; conditions use `{}`", op, *word))
              .Fix(r, std::string(*word));
        writable->setType(*word == "and" ? PipeLexer::AND : *word == "or" ? PipeLexer::OR : PipeLexer::NOT);
        writable->setText(std::string(*word));
        if (doubled) {
          writable->setStopIndex(next->getStopIndex());
          ++i;
        }
        type = tok->getType();
      } else {
        if (++lexical_errors <= kMaxSyntaxErrors) {
          Diagnostic& d = sink.Report(DiagKind::UnexpectedChar, pos.OfToken(tok.get()),
                                      fmt::format("unexpected character {}", QuoteChar(text)));
          if (word) d.Note({}, fmt::format("conditions use `{}`", *word));
        }
        continue;
      }
    }
    // `7days`, `30min`, `2 hours`: say the duration form and read it as that duration.
    if (std::optional<std::string> duration = SpelledDuration(tok.get(), i + 1 < all.size() ? all[i + 1].get() : nullptr)) {
      const Token* unit = all[i + 1].get();
      bool adjacent = unit->getStartIndex() == tok->getStopIndex() + 1;
      std::string spelled = tok->getText() + unit->getText();
      antlr4::CommonToken* writable = Rewritable(tok);
      SourceRange r = pos.OfToken(tok.get());
      r.end = pos.OfToken(unit).end;
      sink.Report(DiagKind::BadLiteral, r,
                  fmt::format("`{}` is not a duration; write `{}`",
                              adjacent ? spelled : tok->getText() + " " + unit->getText(), *duration))
          .Note({}, "durations are a number and a unit, s m h d w, combined like `1h30m`")
          .Fix(r, *duration);
      writable->setType(PipeLexer::DURATION);
      writable->setText(*duration);
      writable->setStopIndex(unit->getStopIndex());
      type = PipeLexer::DURATION;
      ++i;
    }
    if (type == PipeLexer::UNTERMINATED_STRING) {
      bool triple = !out.tokens.empty() && out.tokens.back()->getType() == PipeLexer::STRING &&
                    out.tokens.back()->getText() == "\"\"" &&
                    out.tokens.back()->getStopIndex() + 1 == tok->getStartIndex();
      if (triple) {
        SourceRange r = pos.OfToken(out.tokens.back().get());
        r.end = {r.begin.line, r.begin.column + 3};
        sink.Report(DiagKind::UnterminatedString, r,
                    "this `\"\"\"` string is never closed; add `\"\"\"` after its last line");
        out.tokens.pop_back();
        out.quiet_at_eof = true;
        break;  // everything after it is inside the string
      }
      ++lexical_errors;
      SourceRange r = pos.OfToken(tok.get());
      sink.Report(DiagKind::UnterminatedString, {r.file, r.begin, {r.begin.line, r.begin.column + 1}},
                  "this string is not closed before the end of the line; add `\"`")
          .Note({}, "use `\"\"\"` ... `\"\"\"` for text that spans lines");
      // Let the parser see a closed string so one mistake gives one error.
      antlr4::CommonToken* ct = Rewritable(tok);
      ct->setType(PipeLexer::STRING);
      ct->setText(tok->getText() + "\"");
      type = PipeLexer::STRING;
    }
    // `a and b and c ...` builds a tree as deep as it has operators, and every later stage
    // (AST, sema, emitters) walks it recursively: bound the operators of one `when` like
    // bracket nesting, so no input can overflow the stack (docs/language.md, Limits).
    if (type == PipeLexer::WHEN) {
      bool_ops = 0;
    } else if (type == PipeLexer::AND || type == PipeLexer::OR) {
      if (++bool_ops > kMaxNesting) {
        sink.Report(DiagKind::NestingTooDeep, pos.OfToken(tok.get()),
                    fmt::format("more than {} `and`/`or` operators in one condition", kMaxNesting));
        out.fatal = true;
        return out;
      }
    }
    if (type == PipeLexer::NOT) {
      if (++not_run > kMaxNesting) {
        sink.Report(DiagKind::NestingTooDeep, pos.OfToken(tok.get()),
                    fmt::format("more than {} `not` in a row", kMaxNesting));
        out.fatal = true;
        return out;
      }
    } else if (tok->getChannel() == Token::DEFAULT_CHANNEL) {
      not_run = 0;
    }
    if (type == PipeLexer::LBRACE || type == PipeLexer::LBRACK || type == PipeLexer::LPAREN) {
      if (stack.size() >= static_cast<size_t>(kMaxNesting)) {
        sink.Report(DiagKind::NestingTooDeep, pos.OfToken(tok.get()),
                    fmt::format("brackets nest deeper than {} levels", kMaxNesting));
        out.fatal = true;
        return out;
      }
      out.tokens.push_back(std::move(tok));
      stack.push_back(out.tokens.size() - 1);
      continue;
    }
    if (type == PipeLexer::RBRACE || type == PipeLexer::RBRACK || type == PipeLexer::RPAREN) {
      char closer = tok->getText()[0];
      if (stack.empty()) {
        sink.Report(DiagKind::UnclosedBlock, pos.OfToken(tok.get()),
                    fmt::format("`{}` closes nothing", closer));
        out.quiet_tokens.insert(out.tokens.size());
        out.fatal = true;
      } else {
        const Token* open = out.tokens[stack.back()].get();
        if (CloserOf(open->getType()) != closer) {
          SourceRange o = pos.OfToken(open);
          sink.Report(DiagKind::UnclosedBlock, pos.OfToken(tok.get()),
                      fmt::format("expected `{}` to close {} opened at {}:{}, found `{}`",
                                  CloserOf(open->getType()), DescribeOpener(out.tokens, stack.back()), o.begin.line,
                                  o.begin.column, closer))
              .Note(o, "opened here");
          out.fatal = true;
        }
        stack.pop_back();
      }
    }
    out.tokens.push_back(std::move(tok));
  }
  if (!stack.empty() && !out.quiet_at_eof) {
    // Report the outermost unclosed bracket: that is where the user lost track.
    size_t index = stack.front();
    const Token* open = out.tokens[index].get();
    SourceRange o = pos.OfToken(open);
    sink.Report(DiagKind::UnclosedBlock, pos.AtEnd(),
                fmt::format("expected `{}` to close {} opened at {}:{}", CloserOf(open->getType()),
                            DescribeOpener(out.tokens, index), o.begin.line, o.begin.column))
        .Note(o, "opened here");
    out.quiet_at_eof = true;
    out.fatal = true;
  }
  return out;
}

// ---- building the AST from the parse tree ----

// Whether `a` and `b` are one type, by the identity of their type_info's name. The types
// tested here are each defined once in the program (the generated parser's contexts, and
// ANTLR's tree nodes from its runtime, both linked statically into pipec and the tests; nothing
// is loaded with dlopen), so each has one type_info and one name.
// std::type_info's == compares the names with strcmp whenever the pointers differ (GCC does
// not assume merged names), that is for every miss in the chains below: 2% of a 10,000-job
// `pipec check`.
bool SameType(const std::type_info& a, const std::type_info& b) { return a.name() == b.name(); }

// `c` as the labeled alternative T (a generated class nothing derives from), or nullptr.
// Compares the dynamic type instead of dynamic_cast, which walks the class hierarchy and
// compares type names with strcmp at each step: the chains of alternatives below (up to 24
// job items) made dynamic_cast 18% of the instructions of a 10,000-job `pipec check`.
template <typename T, typename Context>
T* Alt(Context* c) {
  return c && SameType(typeid(*c), typeid(T)) ? static_cast<T*>(c) : nullptr;
}

// ANTLR 4.9's parse tree holds terminals (TerminalNodeImpl, ErrorNodeImpl) and rule contexts.
bool IsTerminal(const std::type_info& type) {
  return SameType(type, typeid(antlr4::tree::TerminalNodeImpl)) || SameType(type, typeid(antlr4::tree::ErrorNodeImpl));
}
antlr4::RuleContext* AsRule(antlr4::tree::ParseTree* t) {
  if (IsTerminal(typeid(*t))) return nullptr;
  return static_cast<antlr4::RuleContext*>(t);
}

// What the generated accessors give, found by type (Alt) rather than a dynamic_cast per child.
// First<T> and All<T> are for rules without labeled alternatives (the child is exactly a T);
// OfRule<T> takes every alternative of rule `rule`.
template <typename T>
T* First(antlr4::ParserRuleContext* c) {
  for (antlr4::tree::ParseTree* child : c->children)
    if (T* t = Alt<T>(child)) return t;
  return nullptr;
}

template <typename T>
std::vector<T*> All(antlr4::ParserRuleContext* c) {
  std::vector<T*> out;
  for (antlr4::tree::ParseTree* child : c->children)
    if (T* t = Alt<T>(child)) out.push_back(t);
  return out;
}

template <typename T>
std::vector<T*> OfRule(antlr4::ParserRuleContext* c, size_t rule) {
  std::vector<T*> out;
  for (antlr4::tree::ParseTree* child : c->children)
    if (antlr4::RuleContext* r = AsRule(child); r && r->getRuleIndex() == rule)
      out.push_back(static_cast<T*>(r));
  return out;
}

// The i-th child token of type `type`, as the generated `ctx->STRING(i)` gives it, without the
// runtime's dynamic_cast per child (a failing cross-cast, the dearest kind, for each rule
// context among them: 1,600 instructions per `out` item's accessor).
antlr4::tree::TerminalNode* Tok(antlr4::ParserRuleContext* c, size_t type, size_t i = 0) {
  for (antlr4::tree::ParseTree* child : c->children) {
    if (!IsTerminal(typeid(*child))) continue;
    auto* node = static_cast<antlr4::tree::TerminalNode*>(child);
    if (node->getSymbol()->getType() == type && i-- == 0) return node;
  }
  return nullptr;
}

class AstBuilder {
 public:
  AstBuilder(const Positions& pos, const SourceManager& sm, DiagnosticSink& sink)
      : pos_(pos), sm_(sm), sink_(sink) {}

  std::unique_ptr<ast::File> Build(PipeParser::FileContext* ctx,
                                   const std::vector<ast::Comment>& comments) {
    std::unique_ptr<ast::File> file = Start(comments);
    if (auto* h = ctx->header()) Header(h, *file);
    for (auto* item : ctx->topItem()) TopItem(item, *file);
    return file;
  }

  // Piece by piece, for a file parsed one top-level item at a time (ParseFile).
  std::unique_ptr<ast::File> Start(const std::vector<ast::Comment>& comments) {
    auto file = std::make_unique<ast::File>();
    file->file = pos_.file();
    file->comments = comments;
    comments_ = &file->comments;
    return file;
  }

  void Header(PipeParser::HeaderContext* h, ast::File& f) {
    ast::Header header;
    header.name = Name(h->name());
    header.version = Int(h->INT()->getSymbol());
    header.range = pos_.Of(h);
    f.header = std::move(header);
  }

 private:
  SourceRange R(ParserRuleContext* c) const { return pos_.Of(c); }
  SourceRange R(antlr4::tree::TerminalNode* t) const { return pos_.OfToken(t->getSymbol()); }

  // The text of a rule that is one token (a name, a literal, a kind): the token's own text.
  // RuleContext::getText builds it through a std::stringstream, a tenth of the AST's time.
  static std::string OneToken(ParserRuleContext* c) {
    return c->getStart() == c->getStop() ? c->getStart()->getText() : c->getText();
  }
  ast::Ident Name(PipeParser::NameContext* c) { return {OneToken(c), R(c)}; }

  ast::QualifiedName Qualified(PipeParser::QualifiedNameContext* c) {
    ast::QualifiedName q;
    for (auto* n : All<PipeParser::NameContext>(c)) q.parts.push_back(Name(n));
    q.range = R(c);
    return q;
  }

  ast::StringLit Str(antlr4::tree::TerminalNode* t) {
    const Token* tok = t->getSymbol();
    return DecodeString(tok->getText(), pos_.file(), pos_.ByteOfToken(tok), sm_, sink_);
  }

  int64_t Int(const Token* tok) {
    int64_t v = 0;
    std::string text = tok->getText();
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc()) {
      sink_.Report(DiagKind::BadLiteral, pos_.OfToken(tok),
                   fmt::format("integer `{}` is out of range", text.substr(0, 40)));
    }
    return v;
  }

  int64_t Duration(const Token* tok) {
    std::string text = tok->getText();
    // Every product and sum stays below 2^44: past the 2^40-second limit a number only sets
    // `overflow` (found by UBSan: `999999999999999999 * 10` overflowed int64_t).
    constexpr int64_t kMax = int64_t{1} << 40;
    int64_t total = 0;
    size_t i = 0;
    bool overflow = false;
    while (i < text.size()) {
      int64_t n = 0;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        if (n <= kMax)
          n = n * 10 + (text[i] - '0');
        else
          overflow = true;
        ++i;
      }
      int64_t unit = 1;
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 604800; break;
      }
      ++i;
      if (n > kMax / unit || total > kMax) {
        overflow = true;
        continue;
      }
      total += n * unit;
    }
    if (overflow || total > kMax) {
      sink_.Report(DiagKind::BadLiteral, pos_.OfToken(tok),
                   fmt::format("duration `{}` is too long", text.substr(0, 40)));
      return 0;
    }
    return total;
  }

  ast::Expr Literal(PipeParser::LiteralContext* c) {
    ast::Expr e;
    e.range = R(c);
    e.spelling = OneToken(c);
    if (auto* str = Tok(c, PipeParser::STRING)) {
      e.kind = ast::Expr::Kind::String;
      e.str = Str(str);
    } else if (auto* i = Tok(c, PipeParser::INT)) {
      e.kind = ast::Expr::Kind::Int;
      e.int_value = Int(i->getSymbol());
    } else if (c->FLOAT()) {
      e.kind = ast::Expr::Kind::Float;
      e.float_value = std::strtod(e.spelling.c_str(), nullptr);
      if (!std::isfinite(e.float_value))
        sink_.Report(DiagKind::BadLiteral, e.range, "number is out of range");
    } else if (c->DURATION()) {
      e.kind = ast::Expr::Kind::Duration;
      e.int_value = Duration(c->DURATION()->getSymbol());
    } else {
      e.kind = ast::Expr::Kind::Bool;
      e.int_value = c->TRUE() ? 1 : 0;
    }
    return e;
  }

  ast::Expr ListExpr(PipeParser::ListExprContext* c) {
    ast::Expr e;
    e.kind = ast::Expr::Kind::List;
    e.range = R(c);
    for (auto* x : c->expr()) e.list.push_back(Expr(x));
    return e;
  }

  ast::Expr Expr(PipeParser::ExprContext* c) {
    // Children found once, by type (the generated accessors cast every child each call).
    if (auto* literal = First<PipeParser::LiteralContext>(c)) return Literal(literal);
    if (auto* list = First<PipeParser::ListExprContext>(c)) return ListExpr(list);
    ast::Expr e;
    e.kind = ast::Expr::Kind::Name;
    e.name = Qualified(c->qualifiedName());
    e.range = R(c);
    return e;
  }

  std::vector<ast::StringLit> StrList(PipeParser::StringListContext* c) {
    std::vector<ast::StringLit> out;
    if (!c) return out;
    for (auto* s : c->STRING()) out.push_back(Str(s));
    return out;
  }

  ast::TypeRef Type(PipeParser::TypeContext* c) {
    ast::TypeRef t;
    t.range = R(c);
    if (c->STRING_T()) t.kind = ast::TypeKind::String;
    else if (c->INT_T()) t.kind = ast::TypeKind::Int;
    else if (c->FLOAT_T()) t.kind = ast::TypeKind::Float;
    else if (c->BOOL()) t.kind = ast::TypeKind::Bool;
    else if (c->DURATION_T()) t.kind = ast::TypeKind::Duration;
    else if (c->PATH_T()) t.kind = ast::TypeKind::Path;
    else if (c->SECRET()) t.kind = ast::TypeKind::Secret;
    else {
      t.kind = ast::TypeKind::List;
      t.element = std::make_shared<ast::TypeRef>(Type(c->type()));
    }
    return t;
  }

  // `#` lines directly above `line` (no blank line between), without the `#`.
  std::string DocAbove(uint32_t line) {
    std::vector<std::string> lines;
    uint32_t want = line - 1;
    for (auto it = comments_->rbegin(); it != comments_->rend(); ++it) {
      if (it->range.begin.line > want) continue;
      if (it->range.begin.line < want) break;
      std::string_view src = sm_.Line(pos_.file(), want);
      if (src.find_first_not_of(" \t") != src.find('#')) break;  // a trailing comment
      std::string text = it->text.substr(1);
      if (!text.empty() && text[0] == ' ') text.erase(0, 1);
      lines.push_back(text);
      --want;
    }
    std::string doc;
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) doc += (doc.empty() ? "" : "\n") + *it;
    return doc;
  }

  ast::Param Param(PipeParser::ParamContext* c) {
    ast::Param p;
    p.name = Name(c->name());
    p.type = Type(c->type());
    if (c->expr()) p.default_value = Expr(c->expr());
    p.range = R(c);
    p.doc = DocAbove(p.range.begin.line);
    return p;
  }

  std::optional<ast::Base> Base(PipeParser::BaseContext* c) {
    if (!c) return std::nullopt;
    ast::Base b;
    b.name = Qualified(First<PipeParser::QualifiedNameContext>(c));
    std::vector<PipeParser::ArgContext*> args = All<PipeParser::ArgContext>(c);
    b.args.reserve(args.size());
    for (auto* a : args)
      b.args.push_back({Name(First<PipeParser::NameContext>(a)), Expr(First<PipeParser::ExprContext>(a)), R(a)});
    b.range = {pos_.file(), b.name.range.begin, R(c).end};  // from the name, not the `:`
    return b;
  }

  ast::Condition Cond(PipeParser::ConditionContext* c) {
    ast::Condition out;
    out.range = R(c);
    using Op = ast::Condition::Op;
    if (auto* n = Alt<PipeParser::NotCondContext>(c)) {
      out.op = Op::Not;
      out.args.push_back(Cond(n->condition()));
    } else if (auto* a = Alt<PipeParser::AndCondContext>(c)) {
      out.op = Op::And;
      out.args.push_back(Cond(a->condition(0)));
      out.args.push_back(Cond(a->condition(1)));
    } else if (auto* o = Alt<PipeParser::OrCondContext>(c)) {
      out.op = Op::Or;
      out.args.push_back(Cond(o->condition(0)));
      out.args.push_back(Cond(o->condition(1)));
    } else if (auto* p = Alt<PipeParser::ParenCondContext>(c)) {
      return Cond(p->condition());
    } else if (auto* t = Alt<PipeParser::TriggerIsCondContext>(c)) {
      out.op = Op::TriggerIs;
      out.triggers.push_back(TriggerRef(t->triggerRef()));
    } else if (auto* t = Alt<PipeParser::TriggerInCondContext>(c)) {
      out.op = Op::TriggerIn;
      for (auto* r : t->triggerRef()) out.triggers.push_back(TriggerRef(r));
    } else if (auto* cmp = Alt<PipeParser::CompareCondContext>(c)) {
      out.op = cmp->EQ() ? Op::Eq : Op::Ne;
      out.left = Operand(cmp->operand(0));
      out.right = Operand(cmp->operand(1));
    } else if (auto* m = Alt<PipeParser::MatchesCondContext>(c)) {
      out.op = Op::Matches;
      out.left = Operand(m->operand());
      out.pattern = Str(m->STRING());
    } else if (auto* ch = Alt<PipeParser::ChangedCondContext>(c)) {
      out.op = Op::Changed;
      out.paths = StrList(ch->stringList());
    } else if (auto* tr = Alt<PipeParser::TruthyCondContext>(c)) {
      out.op = Op::Truthy;
      out.left = Operand(tr->operand());
    }
    return out;
  }

  ast::QualifiedName TriggerRef(PipeParser::TriggerRefContext* c) {
    ast::QualifiedName q;
    for (auto* n : c->name()) q.parts.push_back(Name(n));
    q.range = R(c);
    return q;
  }

  ast::Expr Operand(PipeParser::OperandContext* c) {
    if (c->literal()) return Literal(c->literal());
    ast::Expr e;
    e.kind = ast::Expr::Kind::Name;
    e.name = Qualified(c->qualifiedName());
    e.range = R(c);
    return e;
  }

  nlohmann::ordered_json RawValue(PipeParser::RawValueContext* c) {
    if (c->rawObject()) return RawObject(c->rawObject());
    if (c->literal()) {
      ast::Expr e = Literal(c->literal());
      switch (e.kind) {
        case ast::Expr::Kind::String: return e.str.Flat();
        case ast::Expr::Kind::Int: return e.int_value;
        case ast::Expr::Kind::Float: return e.float_value;
        case ast::Expr::Kind::Bool: return e.int_value != 0;
        default: return e.spelling;  // durations stay as written ("30d")
      }
    }
    if (c->name()) return OneToken(c->name());
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (auto* v : c->rawValue()) arr.push_back(RawValue(v));
    return arr;
  }

  nlohmann::ordered_json RawObject(PipeParser::RawObjectContext* c) {
    nlohmann::ordered_json obj = nlohmann::ordered_json::object();
    for (auto* m : c->rawMember()) {
      std::string key = m->name() ? OneToken(m->name()) : Str(m->STRING()).Flat();
      if (obj.contains(key))
        sink_.Report(DiagKind::DuplicateItem, R(m), fmt::format("key `{}` appears twice in this raw block", key));
      obj[key] = RawValue(m->rawValue());
    }
    return obj;
  }

  std::vector<ast::JobItem> Items(const std::vector<PipeParser::JobItemContext*>& items) {
    std::vector<ast::JobItem> out;
    out.reserve(items.size());
    for (auto* c : items) {
      ast::JobItem item;
      item.range = R(c);
      if (!JobItem(c, item)) continue;
      out.push_back(std::move(item));
    }
    return out;
  }

  bool JobItem(PipeParser::JobItemContext* c, ast::JobItem& item) {
    if (auto* x = Alt<PipeParser::StageItemContext>(c)) {
      item.value = ast::StageItem{Name(First<PipeParser::NameContext>(x))};
    } else if (auto* x = Alt<PipeParser::NeedsItemContext>(c)) {
      ast::NeedsItem n;
      for (auto* r : x->needRef()) {
        n.jobs.push_back(Qualified(r->qualifiedName()));
        n.optional.push_back(Tok(r, PipeParser::OPTIONAL) != nullptr);
      }
      item.value = std::move(n);
    } else if (auto* x = Alt<PipeParser::RunWhenItemContext>(c)) {
      item.value = ast::RunWhenItem{x->ALWAYS() ? "always" : x->MANUAL() ? "manual" : "on_failure"};
    } else if (auto* x = Alt<PipeParser::WhenItemContext>(c)) {
      item.value = ast::WhenItem{Cond(x->condition())};
    } else if (auto* x = Alt<PipeParser::ImageItemContext>(c)) {
      item.value = ast::ImageItem{Expr(x->expr())};
    } else if (auto* x = Alt<PipeParser::ServicesItemContext>(c)) {
      item.value = ast::ServicesItem{StrList(x->stringList())};
    } else if (auto* x = Alt<PipeParser::RunnerItemContext>(c)) {
      item.value = ast::RunnerItem{StrList(x->stringList())};
    } else if (auto* x = Alt<PipeParser::ShellItemContext>(c)) {
      item.value = ast::ShellItem{Str(x->STRING())};
    } else if (auto* x = Alt<PipeParser::EnvItemContext>(c)) {
      ast::EnvItem env;
      for (auto* e : x->envEntry()) env.entries.push_back({Name(e->name()), Expr(e->expr()), R(e)});
      item.value = std::move(env);
    } else if (auto* x = Alt<PipeParser::MatrixItemContext>(c)) {
      ast::MatrixItem m;
      for (auto* e : x->matrixEntry())
        m.entries.push_back({Name(e->name()), ListExpr(e->listExpr()), R(e)});
      item.value = std::move(m);
    } else if (auto* x = Alt<PipeParser::InItemContext>(c)) {
      ast::InItem in;
      auto names = All<PipeParser::NameContext>(x);
      auto name = [&](size_t i) { return i < names.size() ? names[i] : nullptr; };
      in.name = Name(name(0));
      in.job = Name(name(1));
      in.output = Name(name(2));
      if (auto* at = Tok(x, PipeParser::STRING)) in.at = Str(at);
      item.value = std::move(in);
    } else if (auto* x = Alt<PipeParser::RunItemContext>(c)) {
      item.value = ast::RunItem{Str(Tok(x, PipeParser::STRING))};
    } else if (auto* x = Alt<PipeParser::SetupItemContext>(c)) {
      item.value = ast::SetupItem{Str(x->STRING())};
    } else if (auto* x = Alt<PipeParser::TeardownItemContext>(c)) {
      item.value = ast::TeardownItem{Str(x->STRING())};
    } else if (auto* x = Alt<PipeParser::OutFileItemContext>(c)) {
      ast::OutItem o;
      o.name = Name(First<PipeParser::NameContext>(x));
      auto* kind = First<PipeParser::OutKindContext>(x);
      o.kind = OneToken(kind);
      o.kind_range = R(kind);
      o.path = Str(Tok(x, PipeParser::STRING));
      if (auto* expire = Tok(x, PipeParser::DURATION))
        o.expire_seconds = Duration(expire->getSymbol());
      o.publish = Tok(x, PipeParser::PUBLISH) != nullptr;
      item.value = std::move(o);
    } else if (auto* x = Alt<PipeParser::OutValueItemContext>(c)) {
      ast::OutItem o;
      o.name = Name(First<PipeParser::NameContext>(x));
      auto* type = First<PipeParser::ValueTypeContext>(x);
      o.kind = OneToken(type);
      o.kind_range = R(type);
      o.value = true;
      o.path = Str(Tok(x, PipeParser::STRING));
      item.value = std::move(o);
    } else if (auto* x = Alt<PipeParser::EnvironmentItemContext>(c)) {
      ast::EnvironmentItem e;
      e.name = Name(x->name());
      if (auto* b = x->envBlock())
        for (auto* s : b->envSetting()) {
          if (s->URL()) e.url = Str(s->STRING());
          else e.manual_approval = true;
        }
      item.value = std::move(e);
    } else if (auto* x = Alt<PipeParser::TimeoutItemContext>(c)) {
      item.value = ast::TimeoutItem{Duration(x->DURATION()->getSymbol())};
    } else if (auto* x = Alt<PipeParser::RetryItemContext>(c)) {
      item.value = ast::RetryItem{Int(x->INT()->getSymbol())};
    } else if (Alt<PipeParser::AllowFailureItemContext>(c)) {
      item.value = ast::AllowFailureItem{};
    } else if (auto* x = Alt<PipeParser::UsesCacheItemContext>(c)) {
      ast::UsesCacheItem u;
      for (auto* n : x->name()) u.caches.push_back(Name(n));
      item.value = std::move(u);
    } else if (auto* x = Alt<PipeParser::TriggerPipelineItemContext>(c)) {
      ast::TriggerPipelineItem t;
      t.path = Str(x->STRING());
      for (auto* in : x->triggerInput()) t.inputs.push_back({Name(in->name()), Expr(in->expr())});
      item.value = std::move(t);
    } else if (auto* x = Alt<PipeParser::TriggerProjectItemContext>(c)) {
      ast::TriggerProjectItem t;
      t.project = Str(x->STRING(0));
      if (x->BRANCH()) t.branch = Str(x->STRING(1));
      item.value = std::move(t);
    } else if (auto* x = Alt<PipeParser::RawItemContext>(c)) {
      auto* rb = x->rawBlock();
      item.value = ast::RawItem{rb->GITLAB() ? "gitlab" : "github", support::OrderedJsonBox(RawObject(rb->rawObject()))};
    } else {
      return false;
    }
    return true;
  }

  void Trigger(PipeParser::TriggerDeclContext* c, ast::File& f) {
    ast::TriggerDecl t;
    t.range = R(c);
    auto* spec = c->triggerSpec();
    using K = ast::TriggerDecl::Kind;
    if (auto* x = dynamic_cast<PipeParser::PushTriggerContext*>(spec)) {
      t.kind = K::Push;
      // `branches` and `paths` are both optional: tell the lists apart by their keyword.
      size_t list = 0;
      for (auto* child : x->children) {
        auto* term = dynamic_cast<antlr4::tree::TerminalNode*>(child);
        if (!term) continue;
        size_t type = term->getSymbol()->getType();
        if (type == PipeLexer::BRANCHES) t.branches = StrList(x->stringList(list++));
        if (type == PipeLexer::PATHS) t.paths = StrList(x->stringList(list++));
      }
    } else if (auto* x = dynamic_cast<PipeParser::MrTriggerContext*>(spec)) {
      t.kind = K::MergeRequest;
      t.targets = StrList(x->stringList());
    } else if (auto* x = dynamic_cast<PipeParser::TagTriggerContext*>(spec)) {
      t.kind = K::Tag;
      t.tag = Str(x->STRING());
    } else if (auto* x = dynamic_cast<PipeParser::ScheduleTriggerContext*>(spec)) {
      t.kind = K::Schedule;
      t.name = Name(x->name());
      size_t s = 0;
      for (auto* child : x->children) {
        auto* term = dynamic_cast<antlr4::tree::TerminalNode*>(child);
        if (!term) continue;
        size_t type = term->getSymbol()->getType();
        if (type == PipeLexer::CRON) { t.cron = Str(x->STRING(s++)); t.has_cron = true; }
        if (type == PipeLexer::TZ) { t.tz = Str(x->STRING(s++)); t.has_tz = true; }
        if (type == PipeLexer::BRANCH) { t.branch = Str(x->STRING(s++)); t.has_branch = true; }
      }
    } else if (auto* x = dynamic_cast<PipeParser::ManualTriggerContext*>(spec)) {
      t.kind = K::Manual;
      if (x->paramBlock())
        for (auto* p : x->paramBlock()->param()) t.inputs.push_back(Param(p));
    } else if (auto* x = dynamic_cast<PipeParser::WebhookTriggerContext*>(spec)) {
      t.kind = K::Webhook;
      t.name = Name(x->name());
      if (x->paramBlock())
        for (auto* p : x->paramBlock()->param()) t.inputs.push_back(Param(p));
    }
    f.triggers.push_back(std::move(t));
  }

 public:
  // One top-level item (the whole-file Build, or ParseFile item by item).
  void TopItem(PipeParser::TopItemContext* c, ast::File& f) {
    // Most top items are jobs: the one child's type first, before the accessors below (each
    // searches the children with a dynamic_cast).
    antlr4::tree::ParseTree* only = c->children.size() == 1 ? c->children[0] : nullptr;
    if (auto* x = Alt<PipeParser::JobDeclContext>(only)) return Job(x, f);
    if (auto* x = c->importDecl()) {
      ast::Import imp;
      imp.range = R(x);
      PipeParser::SelectionContext* sel = nullptr;
      if (auto* s = dynamic_cast<PipeParser::ImportStdContext*>(x)) {
        imp.is_std = true;
        imp.std_name = Name(s->name(0));
        sel = s->selection();
        if (s->name().size() > 1) imp.alias = Name(s->name(1));
      } else if (auto* l = dynamic_cast<PipeParser::ImportLocalContext*>(x)) {
        imp.path = Str(l->STRING());
        sel = l->selection();
        if (l->name()) imp.alias = Name(l->name());
      }
      if (sel)
        for (auto* n : sel->name()) imp.selection.push_back(Name(n));
      f.imports.push_back(std::move(imp));
    } else if (auto* x = c->triggerDecl()) {
      Trigger(x, f);
    } else if (auto* x = c->varDecl()) {
      f.vars.push_back({Name(x->name()), Type(x->type()), Expr(x->expr()), R(x)});
    } else if (auto* x = c->secretDecl()) {
      ast::SecretDecl s;
      s.name = Name(x->name());
      s.range = R(x);
      for (auto* a : x->secretAttr()) {
        if (a->MASKED()) s.masked = true;
        else if (a->PROTECTED()) s.protected_ = true;
        else if (a->FILE()) s.file = true;
        else if (a->name()) s.environment = Name(a->name());
        else if (a->STRING()) s.environment = ast::Ident{Str(a->STRING()).Flat(), R(a->STRING())};
      }
      f.secrets.push_back(std::move(s));
    } else if (auto* x = c->stagesDecl()) {
      ast::StagesDecl s;
      for (auto* n : x->name()) s.stages.push_back(Name(n));
      s.range = R(x);
      f.stages.push_back(std::move(s));
    } else if (auto* x = c->defaultDecl()) {
      f.defaults.push_back({Items(x->jobItem()), R(x)});
    } else if (auto* x = c->cacheDecl()) {
      ast::CacheDecl cd;
      cd.name = Name(x->name());
      cd.range = R(x);
      for (auto* item : x->cacheItem()) {
        if (auto* k = dynamic_cast<PipeParser::CacheKeyFilesContext*>(item)) cd.key_files = StrList(k->stringList());
        else if (auto* k = dynamic_cast<PipeParser::CacheKeyContext*>(item)) cd.key = Str(k->STRING());
        else if (auto* p = dynamic_cast<PipeParser::CachePathsContext*>(item)) cd.paths = StrList(p->stringList());
        else if (auto* p = dynamic_cast<PipeParser::CachePolicyContext*>(item)) cd.policy = Name(p->name());
      }
      f.caches.push_back(std::move(cd));
    } else if (auto* x = c->templateDecl()) {
      ast::TemplateDecl t;
      t.name = Name(x->name());
      for (auto* p : x->param()) t.params.push_back(Param(p));
      t.base = Base(x->base());
      t.items = Items(x->jobItem());
      t.range = R(x);
      t.doc = DocAbove(t.range.begin.line);
      f.templates.push_back(std::move(t));
    } else if (auto* x = c->jobDecl()) {
      Job(x, f);
    } else if (auto* x = c->rawBlock()) {
      f.raws.push_back({x->GITLAB() ? "gitlab" : "github", support::OrderedJsonBox(RawObject(x->rawObject())), R(x)});
    }
  }

  void Job(PipeParser::JobDeclContext* x, ast::File& f) {
    ast::JobDecl j;
    j.name = Name(First<PipeParser::NameContext>(x));
    j.base = Base(First<PipeParser::BaseContext>(x));
    j.items = Items(OfRule<PipeParser::JobItemContext>(x, PipeParser::RuleJobItem));
    j.range = R(x);
    f.jobs.push_back(std::move(j));
  }

 private:
  const Positions& pos_;
  const SourceManager& sm_;
  DiagnosticSink& sink_;
  std::vector<ast::Comment>* comments_ = nullptr;
};

// ---- the streaming path: the usual, well-formed file ----

// Thrown by StreamingScan when the file needs the pre-scan's diagnostics or rewrites.
struct NeedsPreScan {};

// The fast lexer's tokens, one at a time, as the parser asks for them (issue 13: a file's
// tokens all at once took a fifth of its parse's memory). It checks what the pre-scan (Scan)
// checks, and gives up, throwing NeedsPreScan, wherever Scan would report or rewrite anything;
// comments go straight to the AST. So a file it streams to the end parses exactly as through
// Scan.
class StreamingScan : public antlr4::TokenSource {
 public:
  StreamingScan(FastLexer& lexer, const Positions& pos, std::vector<ast::Comment>& comments,
                antlr4::CharStream* input)
      : lexer_(lexer), pos_(pos), comments_(comments), input_(input) {}

  std::unique_ptr<Token> nextToken() override {
    for (;;) {
      std::unique_ptr<Token> tok = pending_ ? std::move(pending_) : Lex();
      if (!tok) return End();
      if (tok->getType() == PipeLexer::COMMENT) {
        comments_.push_back({tok->getText(), pos_.OfToken(tok.get())});
        continue;
      }
      Check(tok.get());
      return tok;
    }
  }
  size_t getLine() const override { return lexer_.line(); }
  size_t getCharPositionInLine() override { return lexer_.column(); }
  antlr4::CharStream* getInputStream() override { return input_; }
  std::string getSourceName() override { return input_->getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }

 private:
  std::unique_ptr<Token> Lex() {
    bool declined = false;
    std::unique_ptr<Token> tok = lexer_.Next(declined);
    if (declined) throw NeedsPreScan{};
    return tok;
  }

  // Scan's checks, in its order, for a token on the parser's channel.
  void Check(const Token* tok) {
    size_t type = tok->getType();
    if (type == PipeLexer::DURATION || type == PipeLexer::INT) {
      pending_ = Lex();  // Scan reads the token after a number, whatever it is
      if (SpelledDuration(tok, pending_.get())) throw NeedsPreScan{};
    }
    if (type == PipeLexer::WHEN) {
      bool_ops_ = 0;
    } else if ((type == PipeLexer::AND || type == PipeLexer::OR) && ++bool_ops_ > kMaxNesting) {
      throw NeedsPreScan{};
    }
    if (type == PipeLexer::NOT) {
      if (++not_run_ > kMaxNesting) throw NeedsPreScan{};
    } else {
      not_run_ = 0;
    }
    if (type == PipeLexer::LBRACE || type == PipeLexer::LBRACK || type == PipeLexer::LPAREN) {
      if (open_.size() >= static_cast<size_t>(kMaxNesting)) throw NeedsPreScan{};
      open_.push_back(type);
    } else if (type == PipeLexer::RBRACE || type == PipeLexer::RBRACK || type == PipeLexer::RPAREN) {
      if (open_.empty() || CloserOf(open_.back()) != tok->getText()[0]) throw NeedsPreScan{};
      open_.pop_back();
    }
  }

  std::unique_ptr<Token> End() {
    if (!open_.empty()) throw NeedsPreScan{};  // an unclosed bracket
    auto eof = std::make_unique<antlr4::CommonToken>(std::make_pair(this, input_), Token::EOF,
                                                      Token::DEFAULT_CHANNEL, lexer_.code_points(),
                                                      lexer_.code_points() - 1);
    eof->setLine(lexer_.line());
    eof->setCharPositionInLine(lexer_.column());
    eof->setText("<EOF>");
    return eof;
  }

  FastLexer& lexer_;
  const Positions& pos_;
  std::vector<ast::Comment>& comments_;
  antlr4::CharStream* input_;
  std::unique_ptr<Token> pending_;
  std::vector<size_t> open_;  // the open brackets' token types
  int not_run_ = 0;
  int bool_ops_ = 0;
};

// ANTLR 4.9's UnbufferedTokenStream with the costs of its per-token paths taken out (issue 13:
// 4% and then 1.3% of a 10,000-job `pipec check`): `add` numbered each token through a
// dynamic_cast to WritableToken, and LT, LA and consume (the parser's and the prediction's,
// several calls a token) went through virtual calls of one another and of sync, fill and add.
// Every token StreamingScan gives is a WritableToken (a SlimToken, or the CommonToken at the
// end). The logic is 4.9's (UnbufferedTokenStream.cpp), line for line.
class ItemTokenStream final : public antlr4::UnbufferedTokenStream {
 public:
  using UnbufferedTokenStream::UnbufferedTokenStream;

  // 4.9's LT, LA and consume, calling each other and fill directly instead of through the
  // virtual LT, LA, sync, fill and add (the parser calls them several times a token).
  Token* LT(ssize_t i) override {
    if (i < 1) return UnbufferedTokenStream::LT(i);  // LT(-1), and 4.9's error for 0
    size_t at = _p + static_cast<size_t>(i) - 1;
    if (at >= _tokens.size()) Fill(at + 1 - _tokens.size());
    return at < _tokens.size() ? _tokens[at].get() : _tokens.back().get();  // past the end: EOF
  }
  size_t LA(ssize_t i) override { return ItemTokenStream::LT(i)->getType(); }
  void consume() override {
    if (ItemTokenStream::LA(1) == Token::EOF) throw antlr4::IllegalStateException("cannot consume EOF");
    _lastToken = _tokens[_p].get();  // LT(-1)
    if (_p == _tokens.size() - 1 && _numMarkers == 0) {  // no mark: the buffer can go
      _tokens.clear();
      _p = 0;
      _lastTokenBufferStart = _lastToken;
    } else {
      ++_p;
    }
    ++_currentTokenIndex;
    if (_p >= _tokens.size()) Fill(1);
  }

 protected:
  void add(std::unique_ptr<Token> t) override {
    static_cast<antlr4::WritableToken*>(t.get())->setTokenIndex(getBufferStartIndex() +
                                                                 _tokens.size());
    _tokens.push_back(std::move(t));
  }

 private:
  // 4.9's fill: up to `n` more tokens, none after EOF.
  void Fill(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (!_tokens.empty() && _tokens.back()->getType() == Token::EOF) return;
      ItemTokenStream::add(_tokenSource->nextToken());
    }
  }
};

// Parses the file one top-level item at a time with SLL, bailing out at the first error
// (the rule `file : header? topItem* EOF` unrolled). Each item's parse tree becomes AST and
// is freed before the next item is parsed, and the tokens stream through an unbuffered stream
// that frees each one once its item is built (the mark keeps an item's tokens for the AST
// builder). The AST's own diagnostics are staged; they are reported only if the whole file
// parsed. False when SLL gave up (NeedsPreScan from `source` propagates).
[[nodiscard]] bool ParseItemByItem(antlr4::TokenSource& source, ast::File& ast, AstBuilder& builder,
                                   const ParseOptions& options) {
  ItemTokenStream tokens(&source);
  PipeParser parser(&tokens);
  if (ParseOptions::PredictionCheck* check = options.check_predictions)
    parser.UseDfaFirstPrediction(&check->checked, &check->mismatched);
  else if (options.dfa_first)
    parser.UseDfaFirstPrediction();
  parser.removeErrorListeners();
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  try {
    // `header` (first, if at all) and a top-level item start with different keywords.
    for (bool first = true; tokens.LA(1) != Token::EOF; first = false) {
      ssize_t item_tokens = tokens.mark();
      if (first && tokens.LA(1) == PipeLexer::PIPELINE)
        builder.Header(parser.header(), ast);
      else
        builder.TopItem(parser.topItem(), ast);
      parser.getTreeTracker().reset();
      parser.ReleaseTerminals();
      tokens.release(item_tokens);
    }
  } catch (const antlr4::RuntimeException&) {
    // ParseCancellationException: SLL gave up. Any other error of the runtime (none is
    // known) also leaves the file to the whole-file stage rather than ending pipec.
    return false;
  }
  return true;
}

// ANTLR's ListTokenSource throws (a char const*: an abort) on an empty list: a file of nothing
// but characters the lexer rejects (a no-break space) still parses, to its end.
void EnsureEof(std::vector<std::unique_ptr<Token>>& tokens, size_t code_points) {
  if (!tokens.empty()) return;
  auto eof = std::make_unique<antlr4::CommonToken>(Token::EOF, "<EOF>");
  eof->setStartIndex(code_points);
  eof->setStopIndex(code_points - 1);
  eof->setLine(1);
  tokens.push_back(std::move(eof));
}

}  // namespace

std::unique_ptr<ast::File> ParseFile(FileId file, const SourceManager& sm, DiagnosticSink& sink,
                                     const ParseOptions& options) {
  const std::string& text = sm.file(file).contents;
  size_t errors_before = sink.error_count();

  // Sources are checked UTF-8 when read (source_reader.h); text made in memory may not be.
  if (FindInvalidUtf8(text) != std::string::npos) {
    sink.Report(DiagKind::InvalidUtf8, {file, {1, 1}, {1, 1}}, "the text is not valid UTF-8");
    return nullptr;
  }
  Positions pos(file, sm);
  CodePointInput input;
  PipeLexer lexer(&input);
  lexer.removeErrorListeners();
  // The hand-written lexer takes the usual file; ANTLR's lexes the rest (fast_lexer.h).
  TokenOrigin origin{text, &lexer, &input};
  // The parsed AST, with the builder's staged diagnostics reported.
  auto finish = [&](std::unique_ptr<ast::File> ast, const DiagnosticSink& staged) -> std::unique_ptr<ast::File> {
    for (const Diagnostic& d : staged.diagnostics()) sink.Report(d);
    if (sink.error_count() > errors_before) return nullptr;
    return ast;
  };

  // Stage 0, the usual file: the fast lexer's tokens streamed to the parser, item by item.
  // Anything the pre-scan would report or rewrite, or SLL's giving up, leaves the file to
  // the stages below, which start again from the text.
  if (FastLexer fast(origin); options.stream && fast.Usable()) {
    DiagnosticSink staged;
    AstBuilder builder(pos, sm, staged);
    std::unique_ptr<ast::File> ast = builder.Start({});
    StreamingScan source(fast, pos, ast->comments, &input);
    bool parsed = false;
    try {
      parsed = ParseItemByItem(source, *ast, builder, options);
    } catch (const NeedsPreScan&) {
    }
    if (parsed) return finish(std::move(ast), staged);
  }

  std::optional<TokenList> fast = LexFast(origin);
  std::vector<std::unique_ptr<Token>> all;
  if (fast) {
    all = std::move(*fast);
  } else {
    input.Load(text);
    lexer.setInputStream(&input);
    all = lexer.getAllTokens();
  }

  std::vector<ast::Comment> comments;
  for (const auto& t : all)
    if (t->getType() == PipeLexer::COMMENT) comments.push_back({t->getText(), pos.OfToken(t.get())});

  PreScan scan = Scan(std::move(all), pos, sink);
  if (scan.fatal) return nullptr;

  // Stage 1: the pre-scanned tokens, SLL item by item. When SLL fails, stage 2 builds the AST
  // again. Comments (already collected) are not the parser's: an unbuffered stream does not
  // skip hidden tokens.
  {
    std::erase_if(scan.tokens, [](const std::unique_ptr<Token>& t) { return t->getChannel() != Token::DEFAULT_CHANNEL; });
    EnsureEof(scan.tokens, pos.CodePoints());
    antlr4::ListTokenSource source(std::move(scan.tokens));
    DiagnosticSink staged;
    AstBuilder builder(pos, sm, staged);
    std::unique_ptr<ast::File> ast = builder.Start(comments);
    if (ParseItemByItem(source, *ast, builder, options)) return finish(std::move(ast), staged);
  }
  // Stage 2, only for a file SLL could not parse: full LL with recovery and plain-worded
  // errors, over the whole file. The first stage consumed the tokens, so the text is lexed and
  // scanned again, silently (the first scan reported what it found).
  if (input.size() == 0) input.Load(text);
  input.reset();
  PipeLexer relexer(&input);
  relexer.removeErrorListeners();
  DiagnosticSink reported_already;
  scan = Scan(relexer.getAllTokens(), pos, reported_already);
  EnsureEof(scan.tokens, pos.CodePoints());
  antlr4::ListTokenSource source(std::move(scan.tokens));
  antlr4::CommonTokenStream tokens(&source);
  PipeParser parser(&tokens);
  parser.removeErrorListeners();
  PipeParser::FileContext* tree = nullptr;
  ErrorListener listener(pos, sink, scan.quiet_tokens, scan.quiet_at_eof);
  {
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    parser.addErrorListener(&listener);
    try {
      tree = parser.file();
    } catch (const StopParsing&) {
      return nullptr;
    }
  }
  if (sink.error_count() > errors_before) return nullptr;
  AstBuilder builder(pos, sm, sink);
  auto ast = builder.Build(tree, comments);
  if (sink.error_count() > errors_before) return nullptr;
  return ast;
}

namespace {

std::string DescribeRange(const SourceRange& r) {
  return fmt::format("{}:{}-{}:{}", r.begin.line, r.begin.column, r.end.line, r.end.column);
}

// One line per diagnostic, comment and declaration (with its items): what the two paths must
// agree on.
std::vector<std::string> Digest(const ast::File* f, const DiagnosticSink& sink) {
  std::vector<std::string> out;
  for (const Diagnostic& d : sink.diagnostics())
    out.push_back(fmt::format("diagnostic {} {} {}", static_cast<int>(d.kind), DescribeRange(d.range), d.message));
  if (!f) {
    out.push_back("no AST");
    return out;
  }
  for (const ast::Comment& c : f->comments) out.push_back(fmt::format("comment {} {}", DescribeRange(c.range), c.text));
  auto items = [&](std::string_view what, const ast::Ident& name, const std::vector<ast::JobItem>& list) {
    out.push_back(fmt::format("{} {} {} items", what, name.text, list.size()));
    for (const ast::JobItem& item : list)
      out.push_back(fmt::format("  {} {}", item.Keyword(), DescribeRange(item.range)));
  };
  if (f->header) out.push_back(fmt::format("header {} {}", f->header->name.text, DescribeRange(f->header->range)));
  for (const auto& x : f->imports) out.push_back("import " + DescribeRange(x.range));
  for (const auto& x : f->triggers) out.push_back("trigger " + DescribeRange(x.range));
  for (const auto& x : f->vars) out.push_back("var " + x.name.text + " " + DescribeRange(x.range));
  for (const auto& x : f->secrets) out.push_back("secret " + x.name.text + " " + DescribeRange(x.range));
  for (const auto& x : f->stages) out.push_back(fmt::format("stages {} {}", x.stages.size(), DescribeRange(x.range)));
  for (const auto& x : f->defaults) items("default", {}, x.items);
  for (const auto& x : f->caches) out.push_back("cache " + x.name.text + " " + DescribeRange(x.range));
  for (const auto& x : f->templates) {
    items("template", x.name, x.items);
    out.push_back(fmt::format("  {} params, doc {}", x.params.size(), x.doc));
  }
  for (const auto& x : f->jobs) {
    items("job", x.name, x.items);
    if (x.base) out.push_back(fmt::format("  base {} {} args", x.base->name.Joined(), x.base->args.size()));
  }
  for (const auto& x : f->raws) out.push_back("raw " + x.vendor + " " + DescribeRange(x.range));
  return out;
}

}  // namespace

namespace {

std::optional<std::string> ParsesDisagree(FileId file, const SourceManager& sm, const ParseOptions& a_options,
                                          std::string_view a_name, const ParseOptions& b_options,
                                          std::string_view b_name) {
  DiagnosticSink a_sink, b_sink;
  std::unique_ptr<ast::File> a_ast = ParseFile(file, sm, a_sink, a_options);
  std::unique_ptr<ast::File> b_ast = ParseFile(file, sm, b_sink, b_options);
  std::vector<std::string> a = Digest(a_ast.get(), a_sink), b = Digest(b_ast.get(), b_sink);
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::string_view x = i < a.size() ? std::string_view(a[i]) : "(nothing)";
    std::string_view y = i < b.size() ? std::string_view(b[i]) : "(nothing)";
    if (x != y) return fmt::format("{}: {}\n{}: {}", a_name, x, b_name, y);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> StreamingPathDisagreement(FileId file, const SourceManager& sm) {
  return ParsesDisagree(file, sm, {.stream = true}, "streamed", {.stream = false}, "pre-scanned");
}

std::optional<std::string> DfaFirstDisagreement(FileId file, const SourceManager& sm) {
  return ParsesDisagree(file, sm, {.dfa_first = true}, "DFA first", {.dfa_first = false}, "ANTLR's prediction");
}

}  // namespace pipec::syntax
