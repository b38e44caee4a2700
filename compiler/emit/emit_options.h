#pragma once
// What every emitter takes besides the IR, and what it gives back: the files to write,
// keyed by their path relative to the output directory (std::map: stable order).
#include <map>
#include <string>
#include <vector>

namespace pipec::emit {

using EmittedFiles = std::map<std::string, std::string>;

struct EmitOptions {
  // The source file named in the generated header (as the user should read it, usually
  // relative to the repository root), so re-runs from the same place are byte-identical.
  std::string source_display;
  // Set when this pipeline is a child started by `trigger pipeline` from another one.
  bool as_child = false;
  // Where a child pipeline's output lives, per child source path as written in the parent
  // (`trigger pipeline "api/api.pipe"`): filled by the driver, read by the emitters.
  std::map<std::string, std::string> child_outputs;
};

// The comment lines that open every generated file.
std::vector<std::string> GeneratedHeader(const EmitOptions& opts);

}  // namespace pipec::emit
