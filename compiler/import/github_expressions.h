#pragma once
// Finding `${{ ... }}` expressions and the context properties they read in GitHub workflow
// text. Shared by the reader's checks (script injection, context references); a scanner, not a
// parser: GitHub's expression grammar is small and these checks only need property paths.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipec::import {

// ASCII lower case (GitHub context and property names are case-insensitive).
std::string LowerAscii(std::string_view s);

// `${{ ... }}` spans in `text`: (offset of the inner text, inner text).
std::vector<std::pair<size_t, std::string>> Expressions(std::string_view text);

// Properties starting with `prefix` ("github." / "secrets.") in an expression: (offset, text).
// Matching is case-insensitive; the text keeps its spelling.
std::vector<std::pair<size_t, std::string>> Properties(std::string_view expr,
                                                       std::string_view prefix);

}  // namespace pipec::import
