#pragma once
// Deterministic JSON form of the IR (`pipec check --dump-ir`), described in docs/ir.md.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "compiler/ir/ir.h"

namespace pipec::ir {

nlohmann::ordered_json ToJson(const Pipeline& p, const SourceManager& sm);
std::string DumpJson(const Pipeline& p, const SourceManager& sm);  // 2-space indent + newline

}  // namespace pipec::ir
