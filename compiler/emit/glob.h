#pragma once
// Branch and tag globs (`release/*`, `v*`) as each target can match them: a GitLab rules
// regex, or a GitHub expression built from startsWith/endsWith/contains (GitHub expressions
// have no regex, so a glob with inner `*` or `?`/`[` is matched approximately and reported).
#include <string>
#include <string_view>

namespace pipec::emit {

// `release/*` -> `/^release\/.*$/` (RE2 syntax, as GitLab's `=~` wants it).
std::string GlobToGitLabRegex(std::string_view glob);

struct GitHubGlobMatch {
  std::string expr;   // a boolean GitHub expression
  bool exact = true;  // false when the expression is wider than the glob
};
// `subject` is a GitHub expression (e.g. `github.ref_name`).
GitHubGlobMatch GlobToGitHubExpr(std::string_view glob, std::string_view subject);

// A Pipe path glob (`**` crosses `/`; sema lets it only begin a segment) in the form that
// GitLab's `changes:` (Ruby File.fnmatch with FNM_PATHNAME | FNM_DOTMATCH, where `**` is
// special only as `**/`) and git's `:(glob)` pathspecs both match alike: a `**` that ends the
// pattern or is glued to a suffix becomes `**/*` (`src/**` -> `src/**/*`, `**.md` -> `**/*.md`).
std::string PortablePathGlob(std::string_view glob);

// 'text' as a GitHub expression string literal (single quotes doubled).
std::string GitHubString(std::string_view text);
// "text" as a GitLab rules string literal.
std::string GitLabString(std::string_view text);

}  // namespace pipec::emit
