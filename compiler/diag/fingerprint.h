#pragma once
// Stable fingerprints for findings (SARIF partialFingerprints, GitLab Code Quality): the same
// finding keeps its fingerprint across runs and across edits elsewhere in the file, so merge
// requests show only what changed. Built from the rule id, the file path, the message, the
// trimmed text of the finding's line and the occurrence number among otherwise equal
// findings; never from line numbers.
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"

namespace pipec {

// One fingerprint per diagnostic, in order (16 lowercase hex digits).
std::vector<std::string> StableFingerprints(const std::vector<Diagnostic>& diags,
                                            const SourceManager& sm);

// A path as reports show it: as given, `./` dropped, backslashes turned into slashes.
std::string ReportPath(const SourceManager& sm, FileId file);

}  // namespace pipec
