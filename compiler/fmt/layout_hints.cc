#include "compiler/fmt/layout_hints.h"

#include <algorithm>

namespace pipec::formatter {
namespace {

class Collector {
 public:
  Collector(const SourceManager& sm, FileId file, const std::vector<LayoutToken>& tokens)
      : sm_(sm), file_(file), tokens_(tokens) {}

  size_t Off(SourceLoc loc) const { return sm_.Offset(file_, loc); }
  void Start(const SourceRange& r) {
    if (r.valid()) hints.unit_starts.insert(Off(r.begin));
  }

  // Indices of the tokens inside `r` (half-open byte range).
  std::pair<size_t, size_t> Span(const SourceRange& r) const {
    if (!r.valid()) return {0, 0};
    size_t b = Off(r.begin), e = Off(r.end);
    auto lo = std::lower_bound(tokens_.begin(), tokens_.end(), b,
                               [](const LayoutToken& t, size_t o) { return t.offset < o; });
    auto hi = std::lower_bound(tokens_.begin(), tokens_.end(), e,
                               [](const LayoutToken& t, size_t o) { return t.offset < o; });
    return {static_cast<size_t>(lo - tokens_.begin()), static_cast<size_t>(hi - tokens_.begin())};
  }
  // The first token `text` inside `r`, if any.
  const LayoutToken* First(const SourceRange& r, std::string_view text) const {
    auto [b, e] = Span(r);
    for (size_t i = b; i < e; ++i)
      if (tokens_[i].Is(text)) return &tokens_[i];
    return nullptr;
  }
  void Body(const SourceRange& r) {
    if (const LayoutToken* t = First(r, "{")) hints.body_braces.insert(t->offset);
  }
  void ArgParen(const SourceRange& r) {
    if (const LayoutToken* t = First(r, "(")) hints.arg_parens.insert(t->offset);
  }
  void Type(const ast::TypeRef& t) {
    auto [b, e] = Span(t.range);
    for (size_t i = b; i < e; ++i)
      if (tokens_[i].Is("[")) hints.type_brackets.insert(tokens_[i].offset);
  }
  void Param(const ast::Param& p) {
    Start(p.range);
    Type(p.type);
  }

  // Significant tokens (no comments) before index i.
  const LayoutToken* Prev(size_t i, int back) const {
    while (i > 0) {
      --i;
      if (tokens_[i].kind == LayoutToken::Kind::Comment) continue;
      if (--back == 0) return &tokens_[i];
    }
    return nullptr;
  }

  // Cache items (`key files [..]`, `key ".."`, `paths [..]`, `policy NAME`) and environment
  // settings (`url ".."`, `approval manual`): a keyword right after the end of the previous one.
  void KeywordItems(const SourceRange& r, std::initializer_list<std::string_view> words,
                    std::string_view name_taker) {
    auto [b, e] = Span(r);
    bool in_block = false;
    for (size_t i = b; i < e; ++i) {
      const LayoutToken& t = tokens_[i];
      if (t.Is("{")) { in_block = true; continue; }
      if (!in_block || t.kind != LayoutToken::Kind::Word) continue;
      if (std::find(words.begin(), words.end(), t.text) == words.end()) continue;
      const LayoutToken* p = Prev(i, 1);
      const LayoutToken* p2 = Prev(i, 2);
      if (p && (p->Is("{") || p->Is("]") || p->kind == LayoutToken::Kind::String ||
                (p2 && p2->Is(name_taker))))
        hints.unit_starts.insert(t.offset);
    }
  }

  // Raw blocks: every member key is a name or string right before `:`.
  void Raw(const SourceRange& r) {
    auto [b, e] = Span(r);
    for (size_t i = b; i + 1 < e; ++i) {
      size_t j = i + 1;
      while (j < e && tokens_[j].kind == LayoutToken::Kind::Comment) ++j;
      if (j < e && tokens_[j].Is(":") && tokens_[i].kind != LayoutToken::Kind::Comment)
        hints.unit_starts.insert(tokens_[i].offset);
    }
  }

  void Items(const std::vector<ast::JobItem>& items) {
    for (const ast::JobItem& it : items) {
      Start(it.range);
      if (const auto* env = std::get_if<ast::EnvItem>(&it.value)) {
        for (const auto& e : env->entries) Start(e.range);
      } else if (const auto* m = std::get_if<ast::MatrixItem>(&it.value)) {
        for (const auto& e : m->entries) Start(e.range);
      } else if (const auto* tp = std::get_if<ast::TriggerPipelineItem>(&it.value)) {
        for (const auto& in : tp->inputs) Start(in.name.range);
      } else if (std::holds_alternative<ast::EnvironmentItem>(it.value)) {
        KeywordItems(it.range, {"url", "approval"}, "approval");
        if (const LayoutToken* t = First(it.range, "{")) hints.settings_braces.insert(t->offset);
      } else if (std::holds_alternative<ast::RawItem>(it.value)) {
        Raw(it.range);
      }
    }
  }

  void Base(const std::optional<ast::Base>& b) {
    if (b) ArgParen(b->range);
  }

  LayoutHints hints;

 private:
  const SourceManager& sm_;
  FileId file_;
  const std::vector<LayoutToken>& tokens_;
};

}  // namespace

LayoutHints CollectLayoutHints(const ast::File& f, const SourceManager& sm,
                               const std::vector<LayoutToken>& tokens) {
  Collector c(sm, f.file, tokens);
  if (f.header) c.Start(f.header->range);
  for (const auto& x : f.imports) {
    c.Start(x.range);
    c.ArgParen(x.range);
  }
  for (const auto& x : f.triggers) {
    c.Start(x.range);
    for (const auto& p : x.inputs) c.Param(p);
  }
  for (const auto& x : f.vars) {
    c.Start(x.range);
    c.Type(x.type);
  }
  for (const auto& x : f.secrets) c.Start(x.range);
  for (const auto& x : f.stages) c.Start(x.range);
  for (const auto& x : f.defaults) {
    c.Start(x.range);
    c.Body(x.range);
    c.Items(x.items);
  }
  for (const auto& x : f.caches) {
    c.Start(x.range);
    c.Body(x.range);
    c.KeywordItems(x.range, {"key", "paths", "policy"}, "policy");
  }
  for (const auto& x : f.templates) {
    c.Start(x.range);
    c.ArgParen(x.range);  // the parameter list comes before anything else with a `(`
    for (const auto& p : x.params) c.Param(p);
    c.Base(x.base);
    c.Items(x.items);
    // The body is the first `{` after the parameters and base (neither contains braces).
    auto [b, e] = c.Span(x.range);
    for (size_t i = b; i < e; ++i)
      if (tokens[i].Is("{")) {
        c.hints.body_braces.insert(tokens[i].offset);
        break;
      }
  }
  for (const auto& x : f.jobs) {
    c.Start(x.range);
    c.Body(x.range);
    c.Base(x.base);
    c.Items(x.items);
  }
  for (const auto& x : f.raws) {
    c.Start(x.range);
    c.Raw(x.range);
  }
  return std::move(c.hints);
}

}  // namespace pipec::formatter
