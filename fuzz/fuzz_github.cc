// GitHub workflow: YAML front end -> GitHub importer -> checks -> writers.
#include "fuzz/fuzz_support.h"
#include "fuzz/yaml_lint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pipec::fuzz::LintYaml(data, size, pipec::import::ConfigKind::GitHub);
  return 0;
}
