#pragma once
// GitHub artifacts as actions/upload-artifact and actions/download-artifact name them: what
// the checker's artifact rules need to judge a download the GitHub reader could not tie to an
// upload in a job it needs (github-missing-artifact, docs/lint.md).
#include <string_view>

#include "compiler/ir/ir.h"

namespace pipec::lint {

// An upload's name with `${{ ... }}` in it (`pkg-${{ matrix.os }}`) is one name per matrix
// cell or run: each expression matches any text.
bool GitHubArtifactNameMatches(std::string_view upload, std::string_view name);

// The job may upload artifacts pipec does not see: it calls a reusable workflow, or runs an
// action other than GitHub's own that certainly upload none (upload-artifact itself is read
// as an output).
bool MayUploadUnseenArtifacts(const ir::Job& j);

}  // namespace pipec::lint
