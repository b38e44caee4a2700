#pragma once
// A YAML document as the importers need it: every node keeps its exact SourceRange, merge
// keys (`<<`) are applied as the vendor's parser applies them, duplicate keys are reported and resolved last-wins (what GitLab's
// Ruby parser does; yaml-cpp alone keeps the first), and aliases are expanded under a budget so
// an alias bomb is reported instead of eating the machine. Limits: docs/lint.md.
#include <cstddef>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/diag/diagnostic.h"

namespace pipec::yaml {

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
  enum class Kind { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  std::string tag;             // "!reference" and other custom tags; "" for the default tags
  std::string scalar;          // Scalar: the text as written (without quotes)
  bool quoted = false;         // Scalar: written in quotes or as a block (always a string)
  std::vector<NodePtr> items;  // Sequence
  std::vector<std::pair<NodePtr, NodePtr>> entries;  // Map, in source order, keys unique
  SourceRange range;  // the node's first character (begin == end when the end is unknown)
  // Provenance of YAML merge keys, for `pipec import` (templates from anchors):
  std::string anchor;                // `&name` written on this node ("" = none)
  std::vector<NodePtr> merged_from;  // Map: the mappings merged in by `<<`, in order
  size_t weight = 1;                 // nodes in this subtree with aliases expanded (saturates)
  size_t height = 1;                 // nesting depth of this subtree

  bool IsNull() const { return kind == Kind::Null; }
  bool IsScalar() const { return kind == Kind::Scalar; }
  bool IsSeq() const { return kind == Kind::Sequence; }
  bool IsMap() const { return kind == Kind::Map; }
  // Map lookup; nullptr when absent or when this is not a map.
  const Node* Get(std::string_view key) const;
  NodePtr GetPtr(std::string_view key) const;
  const Node* KeyNode(std::string_view key) const;  // the key itself (for its position)
  bool Has(std::string_view key) const { return Get(key) != nullptr; }
  // Plain scalars `true`/`false` (YAML 1.1 also yes/no/on/off are not treated as booleans here).
  std::optional<bool> AsBool() const;
  std::optional<long long> AsInt() const;
  // "string", "number", "boolean", "null", "array", "hash": for messages.
  std::string_view TypeName() const;
};

struct LoadLimits {
  size_t max_nodes = 1000000;    // nodes after alias expansion
  size_t max_depth = 100;        // nesting of sequences and maps
  size_t max_bytes = 16u << 20;  // file size
};

// Whose parser reads the document, for the `<<` key (yaml-cpp applies no merge keys itself).
// GitLab's (Ruby's Psych) merges under any key that reads `<<`, plain or quoted, unless it is
// tagged `!!str`, and in order: a merged key replaces the value of one written before the `<<`
// and is replaced by one written after it; of a list of mappings the first wins. GitHub's (the
// YAML 1.2 core schema of its workflow parser) has no merge keys: `<<` is an ordinary key.
enum class MergeKeys { kGitLab, kNone };

// Parses one YAML document already registered as `file` in `sm`. Returns nullptr (after a
// diagnostic) when the text cannot be used; an empty document gives a Null node.
NodePtr Load(const SourceManager& sm, FileId file, DiagnosticSink& sink, MergeKeys merge_keys,
             const LoadLimits& limits = {});

// Plain JSON view of a node (for raw vendor keys): plain scalars become numbers, booleans and
// null where YAML would read them so; custom tags are dropped.
nlohmann::json ToJson(const Node& node);

// The node a ToJson value comes from (strings quoted, other scalars plain; no ranges): for
// reading raw vendor keys kept in the IR with the same readers.
NodePtr FromJson(const nlohmann::json& value);

// A new map node with the same range holding `entries` (used by the mergers).
NodePtr MakeMap(SourceRange range, std::vector<std::pair<NodePtr, NodePtr>> entries);
NodePtr MakeSeq(SourceRange range, std::vector<NodePtr> items);
NodePtr MakeScalar(SourceRange range, std::string text, bool quoted = true);

}  // namespace pipec::yaml
