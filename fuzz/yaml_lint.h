#pragma once
// One YAML config through an importer (no file system: includes and local actions are
// missing), the checker's rules, --dump-ir and every report writer, as `pipec lint` does.
#include <cstddef>
#include <cstdint>

#include "compiler/import/detect.h"

namespace pipec::fuzz {

void LintYaml(const uint8_t* data, size_t size, import::ConfigKind kind);

}  // namespace pipec::fuzz
