// .gitlab-ci.yml: YAML front end -> GitLab importer -> checks -> writers.
#include "fuzz/fuzz_support.h"
#include "fuzz/yaml_lint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pipec::fuzz::LintYaml(data, size, pipec::import::ConfigKind::GitLab);
  return 0;
}
