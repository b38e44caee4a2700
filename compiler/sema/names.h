#pragma once
// "Did you mean" suggestions for unknown names.
#include <string>
#include <string_view>
#include <vector>

namespace pipec::sema {

size_t EditDistance(std::string_view a, std::string_view b);

// Candidates close enough to `name` to suggest, best first (at most 3).
std::vector<std::string> ClosestNames(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace pipec::sema
