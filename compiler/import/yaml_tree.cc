#include "compiler/import/yaml_tree.h"

#include "compiler/diag/utf8.h"
#include "compiler/support/regex.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>
#include <nlohmann/json.hpp>

namespace pipec::yaml {

const Node* Node::Get(std::string_view key) const {
  if (kind != Kind::Map) return nullptr;
  for (const auto& [k, v] : entries)
    if (k->kind == Kind::Scalar && k->scalar == key) return v.get();
  return nullptr;
}

NodePtr Node::GetPtr(std::string_view key) const {
  if (kind != Kind::Map) return nullptr;
  for (const auto& [k, v] : entries)
    if (k->kind == Kind::Scalar && k->scalar == key) return v;
  return nullptr;
}

const Node* Node::KeyNode(std::string_view key) const {
  if (kind != Kind::Map) return nullptr;
  for (const auto& [k, v] : entries)
    if (k->kind == Kind::Scalar && k->scalar == key) return k.get();
  return nullptr;
}

std::optional<bool> Node::AsBool() const {
  if (kind != Kind::Scalar || quoted) return std::nullopt;
  if (scalar == "true" || scalar == "True" || scalar == "TRUE") return true;
  if (scalar == "false" || scalar == "False" || scalar == "FALSE") return false;
  return std::nullopt;
}

std::optional<long long> Node::AsInt() const {
  if (kind != Kind::Scalar || quoted || scalar.empty()) return std::nullopt;
  long long v = 0;
  const char* b = scalar.data();
  const char* e = b + scalar.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e) return std::nullopt;
  return v;
}

namespace {

bool LooksLikeFloat(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && s.find_first_of("0123456789") != std::string::npos &&
         s.find_first_of("xXpP") == std::string::npos;
}

}  // namespace

std::string_view Node::TypeName() const {
  switch (kind) {
    case Kind::Null:
      return "null";
    case Kind::Sequence:
      return "array";
    case Kind::Map:
      return "hash";
    case Kind::Scalar:
      if (AsBool()) return "boolean";
      if (!quoted && (AsInt() || LooksLikeFloat(scalar))) return "number";
      return "string";
  }
  return "string";
}

nlohmann::json ToJson(const Node& node) {
  switch (node.kind) {
    case Node::Kind::Null:
      return nullptr;
    case Node::Kind::Scalar: {
      if (auto b = node.AsBool()) return *b;
      if (auto i = node.AsInt()) return *i;
      if (!node.quoted && LooksLikeFloat(node.scalar))
        return std::strtod(node.scalar.c_str(), nullptr);
      if (!node.quoted && (node.scalar == "null" || node.scalar == "~")) return nullptr;
      return node.scalar;
    }
    case Node::Kind::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const NodePtr& item : node.items) a.push_back(ToJson(*item));
      return a;
    }
    case Node::Kind::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [k, v] : node.entries) o[k->scalar] = ToJson(*v);
      return o;
    }
  }
  return nullptr;
}

NodePtr MakeMap(SourceRange range, std::vector<std::pair<NodePtr, NodePtr>> entries) {
  auto n = std::make_shared<Node>();
  n->kind = Node::Kind::Map;
  n->range = range;
  size_t w = 1, h = 1;
  for (const auto& [k, v] : entries) {
    w += k->weight + v->weight;
    h = std::max(h, v->height + 1);
  }
  n->weight = w;
  n->height = h;
  n->entries = std::move(entries);
  return n;
}

NodePtr MakeSeq(SourceRange range, std::vector<NodePtr> items) {
  auto n = std::make_shared<Node>();
  n->kind = Node::Kind::Sequence;
  n->range = range;
  size_t w = 1, h = 1;
  for (const NodePtr& i : items) {
    w += i->weight;
    h = std::max(h, i->height + 1);
  }
  n->weight = w;
  n->height = h;
  n->items = std::move(items);
  return n;
}

NodePtr FromJson(const nlohmann::json& value) {
  if (value.is_null()) return std::make_shared<Node>();
  if (value.is_string()) return MakeScalar({}, value.get<std::string>(), true);
  if (value.is_array()) {
    std::vector<NodePtr> items;
    for (const nlohmann::json& x : value) items.push_back(FromJson(x));
    return MakeSeq({}, std::move(items));
  }
  if (value.is_object()) {
    std::vector<std::pair<NodePtr, NodePtr>> entries;
    for (const auto& [k, v] : value.items()) entries.emplace_back(MakeScalar({}, k, false), FromJson(v));
    return MakeMap({}, std::move(entries));
  }
  return MakeScalar({}, value.dump(), false);  // numbers and booleans, as YAML writes them
}

NodePtr MakeScalar(SourceRange range, std::string text, bool quoted) {
  auto n = std::make_shared<Node>();
  n->kind = Node::Kind::Scalar;
  n->range = range;
  n->scalar = std::move(text);
  n->quoted = quoted;
  return n;
}

namespace {

// yaml-cpp's node tree forgets anchor names; its event stream has them. Maps each anchored
// node's start offset to its `&name` (the same offsets the tree's marks carry).
// Thrown when yaml-cpp starts a document where the previous one started: its parser made no
// progress and YAML::LoadAll would loop forever, appending empty documents until memory runs
// out (yaml-cpp 0.7, e.g. on " a: 1\n,\n"; fixed upstream in 0.9 by the same check).
struct NoProgress {
  YAML::Mark mark;
};

// One event pass over the stream before YAML::LoadAll: records anchor names (for `pipec
// import`) and stops a parser that makes no progress (NoProgress).
class AnchorNames : public YAML::EventHandler {
 public:
  std::map<int, std::string> names;
  void OnDocumentStart(const YAML::Mark& m) override {
    if (m.pos == last_doc_) throw NoProgress{m};
    last_doc_ = m.pos;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { Take(m, a); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a,
                const std::string&) override {
    Take(m, a);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a,
                       YAML::EmitterStyle::value) override {
    Take(m, a);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a,
                  YAML::EmitterStyle::value) override {
    Take(m, a);
  }
  void OnMapEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_ = name; }

 private:
  void Take(const YAML::Mark& m, YAML::anchor_t a) {
    if (a != 0 && !pending_.empty()) names[m.pos] = pending_;
    pending_.clear();
  }
  std::string pending_;
  int last_doc_ = -1;
};

// yaml-cpp 0.7 decodes the double-quoted escapes `\N` (U+0085) and `\_` (U+00A0) to the
// single bytes 0x85 and 0xA0 instead of their UTF-8 forms (its other escapes are encoded
// right), and the JSON writers threw on them (`pipec check` aborted on `"a\_b"`). The file is
// valid UTF-8 (Load checks it first), so an invalid byte in a scalar comes from those escapes.
void RepairYamlCppEscapes(std::string& s) {
  for (size_t from = 0;;) {
    size_t bad = FindInvalidUtf8(std::string_view(s).substr(from));
    if (bad == std::string_view::npos) return;
    bad += from;
    const auto byte = static_cast<unsigned char>(s[bad]);
    if (byte != 0x85 && byte != 0xA0) return;  // not from an escape; cannot happen (above)
    s.insert(bad, 1, '\xC2');                  // U+0085 and U+00A0 are C2 85 and C2 A0
    from = bad + 2;
  }
}

// Converts yaml-cpp's tree. Aliases share yaml-cpp nodes; a shared node has one start position,
// so (position, kind) identifies it and each is converted once: an alias bomb costs its text's
// size in memory, and `weight` tells how big it would be expanded.
class Converter {
 public:
  Converter(FileId file, DiagnosticSink& sink, MergeKeys merge_keys, const LoadLimits& limits,
            std::map<int, std::string> anchors)
      : file_(file),
        sink_(sink),
        merge_keys_(merge_keys),
        limits_(limits),
        anchors_(std::move(anchors)) {}

  // GitLab `spec:inputs` defaults, put in for `$[[ inputs.NAME ]]` as GitLab does before it
  // reads the configuration. Inputs without a default, and uses with functions
  // (`$[[ inputs.x | truncate(0,8) ]]`), stay as written.
  void SetInputDefaults(std::map<std::string, std::string> inputs) { inputs_ = std::move(inputs); }

  std::string Interpolate(const std::string& text) const {
    static const std::unique_ptr<const RE2> use =
        support::FixedRegex(R"(\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\])");
    std::string out;
    size_t last = 0;
    support::ForEachMatch(*use, text, [&](const support::RegexGroups& m) {
      auto found = inputs_.find(std::string(m[1]));
      if (found == inputs_.end()) return;
      size_t at = support::OffsetIn(text, m[0]);
      out.append(text, last, at - last).append(found->second);
      last = at + m[0].size();
    });
    out.append(text, last);
    return out;
  }

  NodePtr Convert(const YAML::Node& n, size_t depth) {
    if (failed_) return nullptr;
    if (depth > limits_.max_depth) {
      Fail(DiagKind::YamlTooDeep, RangeOf(n.Mark(), 1),
           fmt::format("YAML nesting is deeper than {} levels", limits_.max_depth));
      return nullptr;
    }
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: {
        auto node = std::make_shared<Node>();
        node->range = RangeOf(n.Mark(), 1);
        if (n.Tag() != "?" && n.Tag() != "!" && n.Tag() != "tag:yaml.org,2002:null")
          node->tag = n.Tag();
        return node;
      }
      case YAML::NodeType::Scalar: {
        auto node = std::make_shared<Node>();
        node->kind = Node::Kind::Scalar;
        node->scalar = n.Scalar();
        node->quoted = n.Tag() == "!";
        // Every scalar, not only `quoted` ones: a double-quoted scalar with a tag of its own
        // (`!t "a\_b"`) has that tag instead of "!", and aborted `check --dump-ir` (fuzzer).
        RepairYamlCppEscapes(node->scalar);
        if (n.Tag() != "?" && n.Tag() != "!") node->tag = n.Tag();
        // Plain single-line scalars: the range covers the text; otherwise the first character.
        uint32_t width = 1;
        if (!node->quoted && node->scalar.find('\n') == std::string::npos)
          width = static_cast<uint32_t>(std::max<size_t>(1, node->scalar.size()));
        node->range = RangeOf(n.Mark(), width);
        if (!inputs_.empty() && node->scalar.find("$[[") != std::string::npos)
          node->scalar = Interpolate(node->scalar);
        return node;
      }
      case YAML::NodeType::Sequence:
      case YAML::NodeType::Map:
        break;
    }
    auto key = std::make_pair(n.Mark().pos, n.Type() == YAML::NodeType::Map);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    NodePtr result = n.IsMap() ? ConvertMap(n, depth) : ConvertSeq(n, depth);
    if (!result) return nullptr;
    if (auto a = anchors_.find(n.Mark().pos); a != anchors_.end())
      const_cast<Node&>(*result).anchor = a->second;
    if (result->weight > limits_.max_nodes) {
      Fail(DiagKind::YamlTooComplex, result->range,
           fmt::format("YAML aliases expand to more than {} nodes (an alias bomb?); not read",
                       limits_.max_nodes));
      return nullptr;
    }
    if (!n.Tag().empty() && n.Tag() != "?" && n.Tag() != "!" &&
        n.Tag() != "tag:yaml.org,2002:seq" && n.Tag() != "tag:yaml.org,2002:map") {
      auto tagged = std::make_shared<Node>(*result);
      tagged->tag = n.Tag();
      result = tagged;
    }
    memo_[key] = result;
    return result;
  }

 private:
  NodePtr ConvertSeq(const YAML::Node& n, size_t depth) {
    std::vector<NodePtr> items;
    items.reserve(n.size());
    for (const YAML::Node& item : n) {
      NodePtr c = Convert(item, depth + 1);
      if (!c) return nullptr;
      items.push_back(std::move(c));
    }
    return Saturate(MakeSeq(RangeOf(n.Mark(), 1), std::move(items)));
  }

  // Psych's `revive_hash`: entries are taken in order into one mapping, a key already there
  // keeps its place and takes the new value. Explicit keys written twice are reported (last
  // wins, as in GitLab); a merge replacing a value written before its `<<` is reported too.
  NodePtr ConvertMap(const YAML::Node& n, size_t depth) {
    // What is known of each key of the mapping so far.
    struct Key {
      size_t place = 0;               // in `entries`
      NodePtr written;                // where it was first written in this mapping, if it was
      bool value_is_written = false;  // its value is a written one, not merged
    };
    std::vector<std::pair<NodePtr, NodePtr>> entries;
    std::vector<NodePtr> merged_from;
    std::map<std::string, Key> keys;
    for (auto it = n.begin(); it != n.end(); ++it) {
      NodePtr k = Convert(it->first, depth + 1);
      if (!k) return nullptr;
      NodePtr v = Convert(it->second, depth + 1);
      if (!v) return nullptr;
      if (IsUnsupportedMergeKey(*k)) {
        // Dropped after the error: kept as an ordinary key it would only add findings about a
        // key named `<<` (an unknown step key, an input without a type, ...).
        sink_.Report(DiagKind::GhMergeKey, k->range,
                     "GitHub Actions does not support YAML merge keys: this `<<` merges nothing")
            .Note({}, "GitHub supports anchors and aliases of a whole value (`env: *common`); "
                      "write the keys out where a mapping adds to or changes another");
        continue;
      }
      if (IsMergeKey(*k)) {
        std::vector<std::pair<NodePtr, NodePtr>> merged;
        if (!Merged(*v, merged)) return nullptr;
        std::vector<const Node*> replaced;
        for (auto& [mk, mv] : merged) {
          auto [key, fresh] = keys.try_emplace(mk->scalar, Key{entries.size(), nullptr, false});
          if (fresh) {
            entries.emplace_back(mk, mv);
            continue;
          }
          auto& slot = entries[key->second.place];
          if (key->second.value_is_written && !SameValue(*slot.second, *mv))
            replaced.push_back(slot.first.get());
          slot.second = mv;
          key->second.value_is_written = false;
        }
        if (!replaced.empty()) ReportReplaced(*k, replaced);
        if (v->IsMap())
          merged_from.push_back(v);
        else
          merged_from.insert(merged_from.end(), v->items.begin(), v->items.end());
        continue;
      }
      std::string name =
          k->kind == Node::Kind::Scalar ? k->scalar : fmt::format("<{}>", entries.size());
      auto [key, fresh] = keys.try_emplace(std::move(name), Key{entries.size(), nullptr, false});
      if (key->second.written) {
        auto& d = sink_.Report(
            DiagKind::YamlDuplicateKey, k->range,
            fmt::format("duplicate key '{}': the later value is used (as GitLab does)",
                        key->first));
        d.Note(key->second.written->range, "first defined here");
      } else {
        key->second.written = k;
      }
      key->second.value_is_written = true;
      if (fresh)
        entries.emplace_back(std::move(k), std::move(v));
      else
        entries[key->second.place] = {std::move(k), std::move(v)};
    }
    NodePtr map = Saturate(MakeMap(RangeOf(n.Mark(), 1), std::move(entries)));
    const_cast<Node&>(*map).merged_from = std::move(merged_from);
    return map;
  }

  // Psych merges under a key that reads `<<`, quoted or not, unless it is tagged `!!str`
  // (ruby/psych lib/psych/visitors/to_ruby.rb, revive_hash).
  bool IsMergeKey(const Node& k) const {
    return merge_keys_ == MergeKeys::kGitLab && k.kind == Node::Kind::Scalar && k.scalar == "<<" &&
           k.tag != "tag:yaml.org,2002:str";
  }

  // GitHub's parser reads `<<` as an ordinary key; a plain `<<` (the merge key of YAML 1.1,
  // which actionlint reports too) is meant as a merge.
  bool IsUnsupportedMergeKey(const Node& k) const {
    return merge_keys_ == MergeKeys::kNone && k.kind == Node::Kind::Scalar && k.scalar == "<<" &&
           !k.quoted && (k.tag.empty() || k.tag == "tag:yaml.org,2002:merge");
  }

  // What `<<: v` merges, in the order Psych adds it: a mapping's entries; for a list of
  // mappings, the last one's entries, then those of the one before it that are new, and so on,
  // each key with the value of the first mapping that has it.
  bool Merged(const Node& v, std::vector<std::pair<NodePtr, NodePtr>>& merged) {
    if (v.IsMap()) {
      merged = v.entries;
      return true;
    }
    if (v.IsSeq() &&
        std::all_of(v.items.begin(), v.items.end(), [](const NodePtr& i) { return i->IsMap(); })) {
      std::map<std::string, size_t> at;
      for (auto m = v.items.rbegin(); m != v.items.rend(); ++m)
        for (const auto& [k, val] : (*m)->entries) {
          if (auto found = at.find(k->scalar); found != at.end()) {
            merged[found->second].second = val;
            continue;
          }
          at[k->scalar] = merged.size();
          merged.emplace_back(k, val);
        }
      return true;
    }
    Fail(DiagKind::YamlMergeKey, v.range,
         fmt::format("'<<' merges a {}; it must merge a mapping or a list of mappings",
                     v.TypeName()));
    return false;
  }

  // Whether a merge replaces a written value by an equal one (then it changes nothing and is
  // not reported). Aliases make subtrees large and shared, so the walk has a budget; past it the
  // values count as equal (no finding rather than a long walk).
  static bool SameValue(const Node& a, const Node& b) {
    size_t budget = 10000;
    return SameValue(a, b, budget);
  }
  static bool SameValue(const Node& a, const Node& b, size_t& budget) {
    if (&a == &b || budget == 0) return true;
    --budget;
    if (a.kind != b.kind || a.tag != b.tag) return false;
    switch (a.kind) {
      case Node::Kind::Null:
        return true;
      case Node::Kind::Scalar:
        // `'a'` and `a` are the same string; `'1'` and `1` are not.
        return a.scalar == b.scalar && (a.quoted == b.quoted || ToJson(a) == ToJson(b));
      case Node::Kind::Sequence:
        if (a.items.size() != b.items.size()) return false;
        for (size_t i = 0; i < a.items.size(); ++i)
          if (!SameValue(*a.items[i], *b.items[i], budget)) return false;
        return true;
      case Node::Kind::Map:
        if (a.entries.size() != b.entries.size()) return false;
        for (size_t i = 0; i < a.entries.size(); ++i)
          if (!SameValue(*a.entries[i].first, *b.entries[i].first, budget) ||
              !SameValue(*a.entries[i].second, *b.entries[i].second, budget))
            return false;
        return true;
    }
    return false;
  }

  // Most YAML readers (the YAML 1.1 merge-key type, js-yaml, so gitlab-ci-local) keep a key
  // written in the mapping whatever the place of `<<`; GitLab's does not.
  void ReportReplaced(const Node& merge_key, const std::vector<const Node*>& replaced) {
    std::vector<std::string> names;
    for (const Node* k : replaced) names.push_back(fmt::format("`{}`", k->scalar));
    std::string list = names.size() == 1 ? names[0]
                                         : fmt::format("{} and {}",
                                                       fmt::join(names.begin(), names.end() - 1, ", "),
                                                       names.back());
    auto& d = sink_.Report(
        DiagKind::YamlMergeReplaces, merge_key.range,
        fmt::format("this `<<` replaces the value{} of {} written before it: GitLab's YAML parser "
                    "merges in order, so the merged value is used",
                    names.size() == 1 ? "" : "s", list));
    for (const Node* k : replaced) d.Note(k->range, fmt::format("`{}` written here", k->scalar));
    d.Note({}, "write `<<` first to keep the values written in the mapping (keys after `<<` "
               "override merged ones)");
  }

  NodePtr Saturate(NodePtr n) {
    // weight saturates so sums of huge shared subtrees cannot overflow
    if (n->weight > limits_.max_nodes * 4) const_cast<Node&>(*n).weight = limits_.max_nodes * 4;
    return n;
  }

  SourceRange RangeOf(const YAML::Mark& m, uint32_t width) const {
    SourceRange r;
    r.file = file_;
    if (m.is_null() || m.line < 0) {
      r.begin = {1, 1};
      r.end = {1, 1};
      return r;
    }
    r.begin = {static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
    r.end = {r.begin.line, r.begin.column + width};
    return r;
  }

  void Fail(DiagKind kind, SourceRange range, std::string message) {
    if (!failed_) sink_.Report(kind, range, std::move(message));
    failed_ = true;
  }

  FileId file_;
  DiagnosticSink& sink_;
  MergeKeys merge_keys_;
  const LoadLimits& limits_;
  std::map<int, std::string> anchors_;
  std::map<std::string, std::string> inputs_;  // spec:inputs defaults
  std::map<std::pair<int, bool>, NodePtr> memo_;
  bool failed_ = false;
};

SourceRange At(FileId file, uint32_t line, uint32_t col) {
  SourceRange r;
  r.file = file;
  r.begin = {line, col};
  r.end = {line, col + 1};
  return r;
}

}  // namespace

NodePtr Load(const SourceManager& sm, FileId file, DiagnosticSink& sink, MergeKeys merge_keys,
             const LoadLimits& limits) {
  const std::string& text = sm.file(file).contents;
  if (text.size() > limits.max_bytes) {
    sink.Report(
        DiagKind::FileTooLarge, At(file, 1, 1),
        fmt::format("the file has {} bytes; the limit is {} bytes", text.size(), limits.max_bytes));
    return nullptr;
  }
  if (size_t nul = text.find('\0'); nul != std::string::npos) {
    SourceLoc loc = sm.LocOf(file, nul);
    sink.Report(DiagKind::BinaryFile, At(file, loc.line, loc.column),
                "the file contains a NUL byte; it is not a YAML text file");
    return nullptr;
  }
  // Invalid UTF-8 would reach every writer (the JSON ones throw on it): reject it here, with
  // its position, as the Pipe front end does.
  if (size_t bad = FindInvalidUtf8(text); bad != std::string::npos) {
    SourceLoc loc = sm.LocOf(file, bad);
    sink.Report(DiagKind::InvalidUtf8, At(file, loc.line, loc.column),
                fmt::format("invalid UTF-8 byte 0x{:02X} at line {}, column {}",
                            static_cast<unsigned char>(text[bad]), loc.line, loc.column))
        .Note({}, "pipec reads YAML files as UTF-8 (as GitLab and GitHub do); re-save the file in "
                  "that encoding");
    return nullptr;
  }
  std::vector<YAML::Node> docs;
  AnchorNames anchors;
  try {
    {
      std::istringstream in(text);
      YAML::Parser parser(in);
      while (parser.HandleNextDocument(anchors)) {
      }
    }
    docs = YAML::LoadAll(text);
    // Anchor names only matter where something is merged with `<<` (as before this pass
    // also guarded the parser).
    if (text.find('&') == std::string::npos || text.find("<<") == std::string::npos)
      anchors.names.clear();
  } catch (const NoProgress& e) {
    size_t at = std::min(static_cast<size_t>(std::max(e.mark.pos, 0)), text.size());
    std::string found = at < text.size() ? fmt::format("`{}`", text[at]) : "the end of the file";
    sink.Report(DiagKind::YamlSyntax,
                At(file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)),
                fmt::format("invalid YAML: unexpected {}; the YAML parser cannot go on from here", found));
    return nullptr;
  } catch (const YAML::DeepRecursion& e) {
    sink.Report(
        DiagKind::YamlTooDeep,
        At(file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)),
        "YAML nesting is too deep to read (the YAML parser stops at about 500 levels)");
    return nullptr;
  } catch (const YAML::Exception& e) {
    uint32_t line = e.mark.is_null() ? 1 : static_cast<uint32_t>(e.mark.line + 1);
    uint32_t col = e.mark.is_null() ? 1 : static_cast<uint32_t>(e.mark.column + 1);
    sink.Report(DiagKind::YamlSyntax, At(file, line, col), fmt::format("invalid YAML: {}", e.msg));
    return nullptr;
  } catch (const std::exception& e) {
    sink.Report(DiagKind::YamlSyntax, At(file, 1, 1), fmt::format("invalid YAML: {}", e.what()));
    return nullptr;
  }
  if (docs.empty()) {
    auto n = std::make_shared<Node>();
    n->range = At(file, 1, 1);
    return n;
  }
  // GitLab's `spec:` header document comes before the configuration.
  size_t pick = 0;
  if (docs.size() >= 2 && docs[0].IsMap() && docs[0]["spec"]) pick = 1;
  try {
    Converter c(file, sink, merge_keys, limits, std::move(anchors.names));
    if (pick == 1) {
      std::map<std::string, std::string> defaults;
      if (YAML::Node inputs = docs[0]["spec"]["inputs"]; inputs && inputs.IsMap())
        for (const auto& kv : inputs)
          if (kv.second.IsMap() && kv.second["default"] && kv.second["default"].IsScalar()) {
            std::string value = kv.second["default"].Scalar();
            RepairYamlCppEscapes(value);  // put into scalars by Interpolate
            defaults[kv.first.as<std::string>()] = std::move(value);
          }
      c.SetInputDefaults(std::move(defaults));
    }
    return c.Convert(docs[pick], 0);
  } catch (const YAML::Exception& e) {
    sink.Report(DiagKind::YamlSyntax, At(file, 1, 1), fmt::format("invalid YAML: {}", e.msg));
    return nullptr;
  }
}

}  // namespace pipec::yaml
