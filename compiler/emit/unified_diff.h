#pragma once
// A unified diff (`diff -u` format, 3 lines of context) between what is on disk and what
// pipec would write, for `pipec build --check`.
#include <string>
#include <string_view>

namespace pipec::emit {

// "" when the texts are equal. `old_label`/`new_label` go on the ---/+++ lines.
std::string UnifiedDiff(std::string_view old_text, std::string_view new_text, std::string_view old_label,
                        std::string_view new_label);

}  // namespace pipec::emit
