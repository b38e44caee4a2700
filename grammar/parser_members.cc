// PipeParser's rule entry and exit, declared in Pipe.g4's `@parser::members`. ANTLR 4.9's own
// (Parser::enterRule, exitRule and enterOuterAlt) find a rule context's parent with a
// dynamic_cast<ParserRuleContext*>: over 150,000 rule entries of a 10,000-job file that was
// about 5% of `pipec check`'s instructions. A rule context's parent is always the
// ParserRuleContext of the rule that invoked it, so a static_cast is exact; later ANTLR runtimes
// made the same change (downCast). Otherwise these are 4.9's code: the generated rules call
// these members instead of Parser's (exitRule is not virtual; the member hides it).
//
// consume() is 4.9's too, but for where a token's tree node comes from: Parser made each with
// `new` through its tree tracker (a malloc and a free per token, 4% of the instructions). Here
// they come from blocks the parser keeps and reuses once ReleaseTerminals() says the trees
// holding them are gone. A TerminalNodeImpl owns nothing (its `children` stay empty), so its
// storage is reused without running its destructor.
#include "PipeLexer.h"
#include "PipeParser.h"

#include <array>
#include <cstdint>
#include <new>

namespace pipegen {

namespace {

// adaptivePredict (ANTLR 4.9's ParserATNSimulator) first walks the decision's DFA from its
// start state, one look-ahead token at a time, and returns the prediction of the first accept
// state it reaches; only a missing edge, the error state, a state that needs full context (LL
// mode) or semantic predicates take it into ATN simulation. Its general machinery around that
// walk (a std::function scope guard with a heap-allocated capture, the merge cache cleared,
// the recognizer's fields set) made each of a 10,000-job file's 53,000 predictions cost about
// 1,700 instructions, 9.5% of `pipec check`. This walk is 4.9's execATN loop for a DFA hit,
// nothing more; on any other case it restores the stream and asks 4.9's adaptivePredict, which
// starts from the same state and reads the same DFA, so the prediction is the same either way.
class DfaFirstSimulator final : public antlr4::atn::ParserATNSimulator {
 public:
  using ParserATNSimulator::ParserATNSimulator;

  void CheckAgainstAntlr(size_t *checked, size_t *mismatched) {
    checked_ = checked;
    mismatched_ = mismatched;
  }

  size_t adaptivePredict(antlr4::TokenStream *input, size_t decision, antlr4::ParserRuleContext *outer) override {
    antlr4::dfa::DFA &dfa = decisionToDFA[decision];
    antlr4::dfa::DFAState *state = dfa.isPrecedenceDfa() ? nullptr : dfa.s0;
    if (state != nullptr) {
      size_t alt = WalkDfa(input, state);
      if (alt != antlr4::atn::ATN::INVALID_ALT_NUMBER) {
        if (checked_ != nullptr) {
          ++*checked_;
          if (ParserATNSimulator::adaptivePredict(input, decision, outer) != alt) ++*mismatched_;
        }
        return alt;
      }
    }
    return ParserATNSimulator::adaptivePredict(input, decision, outer);
  }

 private:
  // The prediction of the accept state the look-ahead leads to, or INVALID_ALT_NUMBER when the
  // DFA does not settle it. The stream is back where it was either way.
  size_t WalkDfa(antlr4::TokenStream *input, antlr4::dfa::DFAState *state) {
    struct Restore {
      antlr4::TokenStream *input;
      size_t index;
      ssize_t mark;
      ~Restore() {
        input->seek(index);
        input->release(mark);
      }
    } restore{input, input->index(), input->mark()};
    const bool sll = getPredictionMode() == antlr4::atn::PredictionMode::SLL;
    size_t t = input->LA(1);
    for (;;) {
      antlr4::dfa::DFAState *next = Target(state, t);
      if (next == nullptr || next == ERROR.get()) return antlr4::atn::ATN::INVALID_ALT_NUMBER;
      if (next->requiresFullContext && !sll) return antlr4::atn::ATN::INVALID_ALT_NUMBER;
      if (next->isAcceptState)
        return next->predicates.empty() ? next->prediction : antlr4::atn::ATN::INVALID_ALT_NUMBER;
      state = next;
      if (t != antlr4::Token::EOF) {
        input->consume();
        t = input->LA(1);
      }
    }
  }

  // getExistingTargetState through a small cache of the edges this parser has followed. 4.9
  // reads an edge under the DFA's global read lock (two mutex round trips and a condition
  // variable signal, every step of every prediction). An edge, once there, never changes: 4.9
  // only ever adds edges, a state for an edge is computed the same way each time and
  // deduplicated against the DFA's states, and the DFA (static in PipeParser) and its states
  // live until the program ends. So an edge read once under the lock can be reused.
  antlr4::dfa::DFAState *Target(antlr4::dfa::DFAState *from, size_t t) {
    const uintptr_t key = reinterpret_cast<uintptr_t>(from);
    CachedEdge &e = edges_[((key >> 4) ^ (t * 0x9E3779B97F4A7C15u >> 40)) & (kCachedEdges - 1)];
    if (e.from == from && e.t == t) return e.to;
    antlr4::dfa::DFAState *to = getExistingTargetState(from, t);
    if (to != nullptr) e = {from, t, to};
    return to;
  }

  struct CachedEdge {
    antlr4::dfa::DFAState *from = nullptr;
    size_t t = 0;
    antlr4::dfa::DFAState *to = nullptr;
  };
  static constexpr size_t kCachedEdges = 1024;  // a power of two; 24 KiB a parser
  std::array<CachedEdge, kCachedEdges> edges_{};
  size_t *checked_ = nullptr;
  size_t *mismatched_ = nullptr;
};

}  // namespace

// The generated Initializer (the ATN deserialized, the DFAs and token names made), run on the
// first lexer or parser instead of at start-up, where it was half of the instructions of every
// pipec command that parses no Pipe (`--version`, `lint` of YAML, `run`). lazy_init.cmake
// removes the static Initializer objects from the generated files.
void PipeLexer::EnsureInitialized() { static const Initializer once; }
void PipeParser::EnsureInitialized() { static const Initializer once; }

void PipeParser::UseDfaFirstPrediction(size_t *checked, size_t *mismatched) {
  auto *mine = new DfaFirstSimulator(this, _atn, _decisionToDFA, _sharedContextCache);
  if (checked != nullptr && mismatched != nullptr) mine->CheckAgainstAntlr(checked, mismatched);
  mine->setPredictionMode(getInterpreter<antlr4::atn::ParserATNSimulator>()->getPredictionMode());
  delete _interpreter;  // the generated constructor's; the generated destructor deletes this one
  _interpreter = mine;
}

void PipeParser::enterRule(antlr4::ParserRuleContext *localctx, size_t state, size_t ruleIndex) {
  setState(state);
  _ctx = localctx;
  // Room for three children at once: the smallest block glibc's malloc gives holds three
  // pointers anyway (mimalloc, pipec's allocator, has a size class of exactly three), and
  // most rules have one to three children (growing 1, 2, 4 took three blocks). A job or
  // template has its keyword, name, base, braces and items (usually 6 to 12), a base its call
  // `: t(a: 1, b: 2)` (usually 4 to 8): growing 3, 6, 12 took three blocks and two copies.
  // A rule of labelled alternatives gets a context per alternative (enterOuterAlt): room there.
  size_t room = 3;
  if (ruleIndex == RuleJobDecl || ruleIndex == RuleTemplateDecl) room = 16;
  else if (ruleIndex == RuleBase) room = 8;
  else if (ruleIndex == RuleJobItem || ruleIndex == RuleCondition || ruleIndex == RuleCacheItem ||
           ruleIndex == RuleTriggerSpec || ruleIndex == RuleImportDecl) room = 0;
  if (room > 0) _ctx->children.reserve(room);
  _ctx->start = _input->LT(1);
  if (_buildParseTrees && _ctx->parent != nullptr) {
    static_cast<antlr4::ParserRuleContext *>(_ctx->parent)->addChild(_ctx);
  }
  if (!_parseListeners.empty()) {
    triggerEnterRuleEvent();
  }
}

void PipeParser::enterOuterAlt(antlr4::ParserRuleContext *localctx, size_t altNum) {
  localctx->setAltNumber(altNum);
  // A labelled alternative's context replaces the rule's in its parent.
  if (_buildParseTrees && _ctx != localctx && _ctx->parent != nullptr) {
    auto *parent = static_cast<antlr4::ParserRuleContext *>(_ctx->parent);
    parent->removeLastChild();
    parent->addChild(localctx);
  }
  if (_ctx != localctx) localctx->children.reserve(3);  // as enterRule's
  _ctx = localctx;
}

void PipeParser::exitRule() {
  // At EOF the parser cannot consume past it: LT(1) is the end of the file.
  _ctx->stop = _matchedEOF ? _input->LT(1) : _input->LT(-1);
  if (!_parseListeners.empty()) {
    triggerExitRuleEvent();
  }
  setState(_ctx->invokingState);
  _ctx = static_cast<antlr4::ParserRuleContext *>(_ctx->parent);
}

namespace {
constexpr size_t kTerminalsPerBlock = 1024;
constexpr size_t kTerminalSlot = sizeof(antlr4::tree::TerminalNodeImpl);  // a multiple of its alignment
static_assert(alignof(antlr4::tree::TerminalNodeImpl) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
              "new[] of bytes must align a terminal node");
}  // namespace

antlr4::Token *PipeParser::consume() {
  antlr4::Token *o = getCurrentToken();
  if (o->getType() != antlr4::Token::EOF) {
    _input->consume();
  }
  if (!_buildParseTrees && _parseListeners.empty()) {
    return o;
  }
  if (_errHandler->inErrorRecoveryMode(this)) {
    antlr4::tree::ErrorNode *node = createErrorNode(o);
    _ctx->addChild(node);
    for (auto *listener : _parseListeners) {
      listener->visitErrorNode(node);
    }
    return o;
  }
  size_t block = terminals_used_ / kTerminalsPerBlock;
  if (block == terminal_blocks_.size()) {
    terminal_blocks_.push_back(std::make_unique<unsigned char[]>(kTerminalsPerBlock * kTerminalSlot));
  }
  void *slot = terminal_blocks_[block].get() + (terminals_used_ % kTerminalsPerBlock) * kTerminalSlot;
  ++terminals_used_;
  antlr4::tree::TerminalNode *node = _ctx->addChild(new (slot) antlr4::tree::TerminalNodeImpl(o));
  for (auto *listener : _parseListeners) {
    listener->visitTerminal(node);
  }
  return o;
}

void PipeParser::ReleaseTerminals() { terminals_used_ = 0; }

}  // namespace pipegen
