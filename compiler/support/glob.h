#pragma once
// The one glob matcher (issue 13): branch and tag names, changed-path filters, include and
// artifact paths. Two syntaxes, both with `?`, `[abc]`, `[a-z]`, `[!x]` / `[^x]` and `\` escapes:
//  - Name: `*` matches any characters, `/` included; the same as POSIX fnmatch() without flags,
//    which the runtime uses (it includes no compiler header; glob_test.cc checks they agree).
//  - Path: `*`, `?` and classes stay within one path segment; `**` crosses `/` (and `**/`
//    also matches no directory), as GitLab's and GitHub's path filters do.
#include <string_view>

namespace pipec {

enum class GlobSyntax { Name, Path };

bool GlobMatch(std::string_view pattern, std::string_view text, GlobSyntax syntax);

}  // namespace pipec
