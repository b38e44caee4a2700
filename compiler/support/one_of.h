#pragma once
// Whether a string is one of a short list: `OneOf(key, {"a", "b"})`, or `OneOf(key, kKeys)` for
// a constant array of string views.
// Shared here rather than written in each file that needs it: each target is compiled as one
// unity file, so a helper in one file's anonymous namespace may not repeat another file's.
#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <string_view>

namespace pipec::support {

inline bool OneOf(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

template <typename List>
bool OneOf(std::string_view s, const List& list) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

}  // namespace pipec::support
