#pragma once
// Exact positions inside YAML scalars: yaml-cpp marks only where a node starts, but findings
// about a `$VAR` or `${{ ... }}` must point at the character inside a script.
#include <optional>

#include "compiler/diag/source.h"
#include "compiler/import/yaml_tree.h"

namespace pipec::import {

// The source range of `length` bytes at byte `offset` of the scalar's value. Works for plain,
// quoted and block scalars by finding the value's line in the file text after the node's start;
// falls back to the node's start when the text cannot be found (escapes, folding).
// Where byte `offset` of the scalar's value is in the file; nullopt when its line cannot be
// found (then LocateInScalar falls back to the node's start).
std::optional<SourceLoc> FindInScalar(const SourceManager& sm, const yaml::Node& scalar, size_t offset);

SourceRange LocateInScalar(const SourceManager& sm, const yaml::Node& scalar, size_t offset, size_t length);

}  // namespace pipec::import
