#include "compiler/fmt/formatter.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "compiler/fmt/equivalence.h"
#include "compiler/fmt/layout_hints.h"
#include "compiler/fmt/layout_lexer.h"
#include "compiler/fmt/triple_string.h"
#include "compiler/syntax/parser.h"
#include "compiler/diag/utf8.h"

namespace pipec::formatter {
namespace {

using Kind = LayoutToken::Kind;

// A token, or a bracketed group of nodes.
struct Node {
  // Body: job/template/default/cache block. Map: `{}` entries joined by commas when on one
  // line; Settings: the same without commas (environment settings take none).
  enum class Group { None, Body, Map, Settings, Args, Cond, List, Type };
  const LayoutToken* tok = nullptr;  // leaf
  Group group = Group::None;
  const LayoutToken* open = nullptr;
  const LayoutToken* close = nullptr;
  std::vector<Node> kids;

  bool is_group() const { return group != Group::None; }
  const LayoutToken& first() const { return is_group() ? *open : *tok; }
  bool is_comment() const { return tok && tok->kind == Kind::Comment; }
  bool own_line_comment() const { return is_comment() && tok->first_on_line; }
};

// One line-level unit (a declaration, job item, block entry or list element) with the
// comments that belong to it.
struct Unit {
  std::vector<const Node*> nodes;
  bool has_code() const {
    for (const Node* n : nodes)
      if (!n->is_comment()) return true;
    return false;
  }
  bool has_comment() const {
    for (const Node* n : nodes)
      if (n->is_comment()) return true;
    return false;
  }
};

struct Split {
  std::vector<const Node*> head;  // comments on the opening bracket's line
  std::vector<Unit> units;
  std::vector<const Node*> tail;  // own-line comments after the last unit
};

// Groups `kids` into units: at commas (lists) or at the AST's unit starts (blocks, file).
// Commas between the entries of a `{}` map are optional in Pipe and dropped (`drop_commas`);
// list commas are written back by the printer; other commas belong to their unit.
Split SplitUnits(const std::vector<Node>& kids, bool by_comma, bool drop_commas,
                 const std::set<size_t>& starts) {
  Split s;
  Unit cur;
  std::vector<const Node*> pending;  // own-line comments not yet placed
  for (const Node& n : kids) {
    if (n.is_comment()) {
      if (n.own_line_comment()) {
        pending.push_back(&n);
      } else if (cur.has_code()) {
        cur.nodes.push_back(&n);
      } else if (!s.units.empty() && pending.empty()) {
        s.units.back().nodes.push_back(&n);  // after a separating comma
      } else if (s.units.empty() && pending.empty()) {
        s.head.push_back(&n);
      } else {
        cur.nodes.push_back(&n);
      }
      continue;
    }
    if (!n.is_group() && n.tok->Is(",")) {
      if (drop_commas) continue;
      if (!by_comma) {
        cur.nodes.push_back(&n);  // part of the unit: `needs a, b`, `stages x, y`
        continue;
      }
      for (const Node* c : pending) cur.nodes.push_back(c);
      pending.clear();
      if (cur.has_code()) s.units.push_back(std::move(cur));
      cur = Unit();
      continue;
    }
    if (!by_comma && cur.has_code() && starts.count(n.first().offset)) {
      s.units.push_back(std::move(cur));
      cur = Unit();
    }
    for (const Node* c : pending) cur.nodes.push_back(c);
    pending.clear();
    cur.nodes.push_back(&n);
  }
  if (cur.has_code()) {
    s.units.push_back(std::move(cur));
  } else {
    for (const Node* c : cur.nodes) s.tail.push_back(c);
  }
  for (const Node* c : pending) s.tail.push_back(c);
  return s;
}

bool IsMap(Node::Group g) { return g == Node::Group::Map || g == Node::Group::Settings; }

size_t Columns(std::string_view s) {
  size_t nl = s.rfind('\n');
  if (nl != std::string_view::npos) s = s.substr(nl + 1);
  size_t n = 0;
  for (char c : s)
    if (!IsUtf8Continuation(c)) ++n;  // code points, not bytes
  return n;
}

struct UnitContext {
  bool base_colon = false;   // the next unit-level `:` introduces a base (job/template)
  bool import_unit = false;  // `import std/x (a, b)` keeps a space before `(`
};

// Whether a space separates `prev` from `next` on one line. `next_group` is the kind of
// bracket `next` opens (None for closers and other tokens).
bool NeedSpace(const LayoutToken& prev, const LayoutToken& next, Node::Group next_group,
               bool base_colon, bool import_unit) {
  std::string_view p = prev.kind == Kind::String ? "\"" : prev.text;
  std::string_view n = next.kind == Kind::String ? "\"" : next.text;
  if (n == ",") return false;
  if (p == "." || n == "." || p == "/" || n == "/") return false;
  if (p == "(" || p == "[") return false;
  if (n == ")" || n == "]") return false;
  if (p == "{" && n == "}") return false;
  if (n == ":") return base_colon;
  if (n == "(") return next_group == Node::Group::Cond || import_unit;
  if (n == "[") return next_group != Node::Group::Type;
  return true;
}

class Printer {
 public:
  explicit Printer(const LayoutHints& hints) : hints_(hints) {}

  std::string Take() { return std::move(out_); }
  bool line_open() const { return open_; }

  void Begin(int indent) {
    line_.assign(static_cast<size_t>(indent), ' ');
    indent_ = indent;
    open_ = true;
    prev_ = nullptr;
  }
  void End() {
    if (!open_) return;
    while (!line_.empty() && line_.back() == ' ') line_.pop_back();
    out_ += line_;
    out_ += '\n';
    line_.clear();
    open_ = false;
  }
  void Blank() {
    End();
    if (!out_.empty() && (out_.size() < 2 || out_.substr(out_.size() - 2) != "\n\n")) out_ += '\n';
  }
  void OwnLineComment(const LayoutToken& c, int indent) {
    End();
    Begin(indent);
    line_ += c.text;
    End();
  }

  // A unit at `indent`; `suffix` (a list comma) follows its last code token.
  void RenderUnit(const Unit& u, int indent, std::string_view suffix = "") {
    UnitContext ctx;
    const Node* first_code = nullptr;
    const Node* last_code = nullptr;
    for (const Node* n : u.nodes)
      if (!n->is_comment()) {
        if (!first_code) first_code = n;
        last_code = n;
      }
    if (first_code && !first_code->is_group()) {
      ctx.base_colon = first_code->tok->Is("job") || first_code->tok->Is("template");
      ctx.import_unit = first_code->tok->Is("import");
    }
    bool code_seen = false;
    bool first = true;
    for (size_t k = 0; k < u.nodes.size(); ++k) {
      const Node* n = u.nodes[k];
      // `job x { ... }  # pipec: ignore[...]` on one line: the comment covers the job
      // because it is on the job's first line, so it moves after the `{` to stay there.
      const Node* next = k + 1 < u.nodes.size() ? u.nodes[k + 1] : nullptr;
      if (n->group == Node::Group::Body && next && next->is_comment() && !next->own_line_comment() &&
          OneLine(*n) && !FitsInline(*n)) {
        if (!open_) Begin(code_seen ? indent + kContinuationIndent : indent);
        code_seen = true;
        RenderGroup(*n, ctx, next);
        ++k;
        first = false;
        if (n == last_code) line_ += suffix;
        continue;
      }
      EmitNode(*n, indent, ctx, code_seen, first);
      first = false;
      if (n == last_code) line_ += suffix;
    }
  }

  // Whether the group goes on the current line (a one-line body that fits; see Inline).
  bool FitsInline(const Node& g) const {
    std::optional<std::string> text = Inline(g);
    if (!text) return false;
    bool space = prev_ && NeedSpace(*prev_, *g.open, g.group, false, false);
    return Columns(line_) + (space ? 1 : 0) + Columns(*text) <= static_cast<size_t>(kLineWidth);
  }

  // True when the group's tokens were all on one source line.
  static bool OneLine(const Node& g) {
    if (g.close->first_on_line) return false;
    for (const Node& k : g.kids)
      if (k.first().first_on_line || (k.is_group() && !OneLine(k))) return false;
    return true;
  }

  // Everything of one unit's sequence: comments, tokens, groups.
  void EmitNode(const Node& n, int indent, UnitContext& ctx, bool& code_seen, bool first) {
    if (n.is_comment()) {
      if (n.own_line_comment()) {
        if (!first && !code_seen && n.tok->blank_before) Blank();
        OwnLineComment(*n.tok, code_seen ? indent + kContinuationIndent : indent);
      } else {
        if (!open_) Begin(indent + kContinuationIndent);
        line_ += "  ";
        line_ += n.tok->text;
        End();
      }
      return;
    }
    if (!open_) {
      if (!first && !code_seen && n.first().blank_before) Blank();
      Begin(code_seen ? indent + kContinuationIndent : indent);
    }
    code_seen = true;
    if (!n.is_group()) {
      bool base = false;
      if (n.tok->Is(":") && ctx.base_colon) {
        base = true;
        ctx.base_colon = false;
      }
      Append(*n.tok, Node::Group::None, base, ctx.import_unit);
      return;
    }
    RenderGroup(n, ctx);
  }

  void Append(const LayoutToken& t, Node::Group group, bool base_colon, bool import_unit) {
    if (prev_ && NeedSpace(*prev_, t, group, base_colon, import_unit)) line_ += ' ';
    if (t.triple())
      line_ += ReindentTripleString(t.text, indent_);
    else
      line_ += t.text;
    prev_ = &t;
  }

  // `moved_comment`: a trailing comment written after the opening `{` (see RenderUnit).
  void RenderGroup(const Node& g, UnitContext& ctx, const Node* moved_comment = nullptr) {
    using G = Node::Group;
    if (g.group == G::Cond || g.group == G::Type) {  // always inline, part of the unit
      Append(*g.open, g.group, false, ctx.import_unit);
      bool code_seen = true;
      UnitContext inner;
      for (const Node& k : g.kids) EmitNode(k, indent_, inner, code_seen, false);
      if (!open_) Begin(indent_ + kContinuationIndent);
      Append(*g.close, G::None, false, false);
      return;
    }
    {
      if (std::optional<std::string> text = Inline(g)) {
        bool space = prev_ && NeedSpace(*prev_, *g.open, g.group, false, ctx.import_unit);
        if (Columns(line_) + (space ? 1 : 0) + Columns(*text) <= static_cast<size_t>(kLineWidth)) {
          if (space) line_ += ' ';
          line_ += *text;
          prev_ = g.close;
          return;
        }
      }
    }
    bool lists = g.group == G::Args || g.group == G::List;
    Split s = SplitUnits(g.kids, lists, IsMap(g.group), hints_.unit_starts);
    int indent = indent_;
    Append(*g.open, g.group, false, ctx.import_unit);
    if (moved_comment) s.head.insert(s.head.begin(), moved_comment);
    if (s.units.empty() && s.head.empty() && s.tail.empty()) {
      Append(*g.close, G::None, false, false);
      return;
    }
    for (const Node* c : s.head) {
      line_ += "  ";
      line_ += c->tok->text;
    }
    End();
    for (size_t i = 0; i < s.units.size(); ++i) {
      const Unit& u = s.units[i];
      if (i > 0 && u.nodes.front()->first().blank_before) Blank();
      RenderUnit(u, indent + kIndent, lists ? "," : "");
      End();
    }
    for (size_t i = 0; i < s.tail.size(); ++i) {
      if (s.tail[i]->tok->blank_before && !s.units.empty()) Blank();
      OwnLineComment(*s.tail[i]->tok, indent + kIndent);
    }
    Begin(indent);
    Append(*g.close, G::None, false, false);
  }

  // The group on one line, or nullopt when it must be a block (comments, `"""`, a body the
  // author wrote over several lines). A body stays on one line only as the author wrote it,
  // its items two spaces apart: `job a { image "x"  run "y" }`.
  std::optional<std::string> Inline(const Node& g) const {
    using G = Node::Group;
    if (g.group == G::Body && !OneLine(g)) return std::nullopt;
    if (g.group == G::Cond || g.group == G::Type) {
      std::string out(g.open->text);
      const LayoutToken* prev = g.open;
      if (!InlineSeq(g.kids, prev, out)) return std::nullopt;
      out += g.close->text;
      return out;
    }
    bool lists = g.group == G::Args || g.group == G::List;
    Split s = SplitUnits(g.kids, lists, IsMap(g.group), hints_.unit_starts);
    if (!s.head.empty() || !s.tail.empty()) return std::nullopt;
    std::vector<std::string> parts;
    for (const Unit& u : s.units) {
      if (u.has_comment()) return std::nullopt;
      std::string part;
      const LayoutToken* prev = nullptr;
      for (const Node* n : u.nodes)
        if (!InlineOne(*n, prev, part)) return std::nullopt;
      parts.push_back(std::move(part));
    }
    std::string joined =
        fmt::format("{}", fmt::join(parts, g.group == G::Settings || g.group == G::Body ? "  " : ", "));
    if (IsMap(g.group) || g.group == G::Body) return parts.empty() ? std::string("{}") : "{ " + joined + " }";
    return std::string(g.open->text) + joined + std::string(g.close->text);
  }

  bool InlineSeq(const std::vector<Node>& nodes, const LayoutToken*& prev, std::string& out) const {
    for (const Node& n : nodes)
      if (!InlineOne(n, prev, out)) return false;
    return true;
  }
  bool InlineOne(const Node& n, const LayoutToken*& prev, std::string& out) const {
    if (n.is_comment()) return false;
    const LayoutToken& first = n.first();
    if (prev && NeedSpace(*prev, first, n.group, false, false)) out += ' ';
    if (!n.is_group()) {
      if (n.tok->text.find('\n') != std::string_view::npos) return false;
      out += n.tok->text;
      prev = n.tok;
      return true;
    }
    std::optional<std::string> text = Inline(n);
    if (!text) return false;
    out += *text;
    prev = n.close;
    return true;
  }

 private:
  const LayoutHints& hints_;
  std::string out_;
  std::string line_;
  int indent_ = 0;
  bool open_ = false;
  const LayoutToken* prev_ = nullptr;  // last token on the current line (spacing)
};

// Builds the bracket tree of tokens[i..) up to the closer of the enclosing group.
std::vector<Node> BuildTree(const std::vector<LayoutToken>& toks, size_t& i, const LayoutHints& hints,
                            int depth) {
  std::vector<Node> out;
  while (i < toks.size()) {
    const LayoutToken& t = toks[i];
    if (t.Is("}") || t.Is("]") || t.Is(")")) return out;
    Node n;
    if (depth < 400 && (t.Is("{") || t.Is("[") || t.Is("("))) {
      n.open = &t;
      if (t.Is("{"))
        n.group = hints.body_braces.count(t.offset)       ? Node::Group::Body
                  : hints.settings_braces.count(t.offset) ? Node::Group::Settings
                                                          : Node::Group::Map;
      else if (t.Is("["))
        n.group = hints.type_brackets.count(t.offset) ? Node::Group::Type : Node::Group::List;
      else
        n.group = hints.arg_parens.count(t.offset) ? Node::Group::Args : Node::Group::Cond;
      ++i;
      n.kids = BuildTree(toks, i, hints, depth + 1);
      if (i >= toks.size()) return out;  // unbalanced: the parser would have refused it
      n.close = &toks[i];
      ++i;
    } else {
      n.tok = &t;
      ++i;
    }
    out.push_back(std::move(n));
  }
  return out;
}

std::string LeadingKeyword(const Unit& u) {
  for (const Node* n : u.nodes)
    if (!n->is_comment()) return n->is_group() ? "" : std::string(n->tok->text);
  return "";
}

}  // namespace

std::string FormatFile(const ast::File& ast, const SourceManager& sm, FileId file) {
  std::string_view text = sm.file(file).contents;
  std::vector<LayoutToken> toks = ScanLayoutTokens(text);
  LayoutHints hints = CollectLayoutHints(ast, sm, toks);
  size_t i = 0;
  std::vector<Node> top = BuildTree(toks, i, hints, 0);
  Split s = SplitUnits(top, false, false, hints.unit_starts);

  // Top level: a blank line between declarations, except between one-line declarations of
  // the same keyword that were adjacent in the source (a run of imports, secrets, vars).
  std::string out;
  std::string prev_kw;
  bool prev_single = false;
  for (const Node* c : s.head) out += std::string(c->tok->text) + "\n";
  for (size_t k = 0; k < s.units.size(); ++k) {
    const Unit& u = s.units[k];
    Unit leading, decl;
    for (const Node* n : u.nodes) (decl.nodes.empty() && n->own_line_comment() ? leading : decl).nodes.push_back(n);
    Printer body(hints);
    body.RenderUnit(decl, 0);
    body.End();
    std::string decl_text = body.Take();
    bool single = std::count(decl_text.begin(), decl_text.end(), '\n') == 1;
    std::string kw = LeadingKeyword(u);
    if (k > 0) {
      // Blocks (`job`, `template`, `cache`, `default`) are always set apart, even on one line.
      bool block = kw == "job" || kw == "template" || kw == "cache" || kw == "default";
      bool together =
          prev_single && single && kw == prev_kw && !block && !u.nodes.front()->first().blank_before;
      if (!together) out += '\n';
    }
    for (size_t j = 0; j < leading.nodes.size(); ++j) {
      if (j > 0 && leading.nodes[j]->tok->blank_before) out += '\n';
      out += std::string(leading.nodes[j]->tok->text) + "\n";
    }
    if (!leading.nodes.empty() && decl.nodes.front()->first().blank_before) out += '\n';
    out += decl_text;
    prev_kw = kw;
    prev_single = single;
  }
  for (size_t j = 0; j < s.tail.size(); ++j) {
    if (!out.empty() && s.tail[j]->tok->blank_before) out += '\n';
    out += std::string(s.tail[j]->tok->text) + "\n";
  }
  // Strip trailing spaces of comment lines, but not of the lines inside a `"""` string, whose
  // trailing spaces are part of its value (`docker login -u ci \` continued on the next line).
  // Where the strings are comes from the layout scanner: a `"""` in a comment or in a `"..."`
  // string opens nothing (counting them per line stripped a string's line; fuzz_fmt, seed 21).
  std::vector<std::pair<size_t, size_t>> triples;  // [begin, end) of each `"""` string
  for (const LayoutToken& t : ScanLayoutTokens(out))
    if (t.triple()) triples.emplace_back(t.offset, t.offset + t.text.size());
  auto triple = triples.begin();
  std::string clean;
  clean.reserve(out.size());
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    std::string_view line(out.data() + start, nl - start);
    while (triple != triples.end() && triple->second <= nl) ++triple;
    bool in_triple = triple != triples.end() && triple->first < nl;
    size_t end = line.size();
    if (!in_triple)  // the line's end is not inside a string that goes on
      while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) --end;
    clean.append(line.substr(0, end));
    clean += '\n';
    start = nl + 1;
  }
  return clean;
}

FormatOutcome FormatSource(FileId file, const SourceManager& sm, DiagnosticSink& sink) {
  FormatOutcome r;
  std::unique_ptr<ast::File> ast = syntax::ParseFile(file, sm, sink);
  if (!ast) return r;
  std::string out = FormatFile(*ast, sm, file);
  // Safety: the result must parse and carry the same tokens, values and comments.
  SourceManager check_sm;
  FileId check = check_sm.AddFile(std::string(sm.Path(file)), out);
  DiagnosticSink check_sink;
  if (!syntax::ParseFile(check, check_sm, check_sink)) {
    std::string why = check_sink.diagnostics().empty() ? "" : check_sink.diagnostics().front().message;
    r.internal_error = fmt::format("the formatted text does not parse ({})", why);
    return r;
  }
  std::string diff = FirstLayoutDifference(sm.file(file).contents, out);
  if (!diff.empty()) {
    r.internal_error = "formatting would change the file: " + diff;
    return r;
  }
  r.text = std::move(out);
  return r;
}

}  // namespace pipec::formatter
