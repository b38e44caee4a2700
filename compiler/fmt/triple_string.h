#pragma once
// Re-indentation of `"""` string tokens. A triple-quoted string's value is dedented by the
// parser (compiler/syntax/string_literal.cc), so its lines may move sideways as a block
// without changing the value; the formatter puts the content two columns right of the
// line holding the opening quotes and the closing quotes at that line's indentation.
#include <string>
#include <string_view>

namespace pipec::formatter {

// The token re-indented for a line at `indent` columns, or the token unchanged when moving
// it could change its value (text on the opening/closing line, tab indentation, or a
// decoded value that differs after the move).
std::string ReindentTripleString(std::string_view token, int indent);

// The decoded value of a string token (escapes resolved, `"""` dedented, interpolations
// written back as `${{ x }}`), used to prove that a rewrite kept the value.
std::string StringTokenValue(std::string_view token);

}  // namespace pipec::formatter
