#pragma once
// The formatter's proof obligation: two .pipe texts have the same meaning-bearing tokens
// (string values compared decoded, commas compared except the optional ones in `{}` blocks
// and before `)`/`]`) and the same comments in the same order.
#include <string>
#include <string_view>

namespace pipec::formatter {

// "" when equivalent, else a short description of the first difference.
std::string FirstLayoutDifference(std::string_view before, std::string_view after);

}  // namespace pipec::formatter
