#pragma once
// The one regular-expression engine: RE2, in linear time and constant stack space whatever the
// text (std::regex's backtracking recursed once per character a repetition took: a 32 KB line
// overflowed the stack, and a search was quadratic in the line). GitLab evaluates `=~` with
// RE2 as well (Gitlab::UntrustedRegexp), so its syntax and limits are GitLab's.
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

namespace pipec::support {

enum class RegexBytes { Utf8, Latin1 };

// A pattern of pipec's own (a constant in the code): aborts if it does not compile, which
// every test that reaches it would show. Latin1 reads the text as bytes.
std::unique_ptr<const RE2> FixedRegex(std::string_view pattern, RegexBytes bytes = RegexBytes::Latin1);

// A FixedRegex compiled on first use: compiling costs (RE2 unrolls `[\w-]{50,1000}` into a
// thousand states; the credential patterns took 12 ms of every `pipec check`), and most
// patterns are only needed when their keyword occurs. `pattern` must outlive it (a literal).
// Get() is safe from several threads (a race compiles twice and keeps one).
class LazyRegex {
 public:
  explicit LazyRegex(std::string_view pattern, RegexBytes bytes = RegexBytes::Latin1)
      : pattern_(pattern), bytes_(bytes) {}
  LazyRegex(LazyRegex&& other) noexcept
      : pattern_(other.pattern_), bytes_(other.bytes_), re_(other.re_.exchange(nullptr)) {}
  LazyRegex(const LazyRegex&) = delete;
  LazyRegex& operator=(const LazyRegex&) = delete;
  ~LazyRegex() { delete re_.load(); }

  const RE2& Get() const;

 private:
  std::string_view pattern_;
  RegexBytes bytes_;
  mutable std::atomic<const RE2*> re_{nullptr};
};

// One match: groups[0] is the whole match, groups[i] the i-th capture (empty and null-data when
// the group did not take part).
using RegexGroups = std::vector<std::string_view>;

// Calls on_match(groups) for each leftmost-first, non-overlapping match of `re` in `text`, in
// order, as std::sregex_iterator did; `\b` and `^` see the text before a later match.
template <typename OnMatch>
void ForEachMatch(const RE2& re, std::string_view text, OnMatch&& on_match) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(n);
  RegexGroups groups(n);
  const re2::StringPiece whole(text.data(), text.size());
  size_t pos = 0;
  while (pos <= text.size() &&
         re.Match(whole, pos, text.size(), RE2::UNANCHORED, pieces.data(), n)) {
    for (int i = 0; i < n; ++i) groups[i] = std::string_view(pieces[i].data(), pieces[i].size());
    on_match(static_cast<const RegexGroups&>(groups));
    size_t end = static_cast<size_t>(pieces[0].data() - text.data()) + pieces[0].size();
    pos = pieces[0].empty() ? end + 1 : end;  // an empty match is not found twice
  }
}

// Offset of a group in the text it was found in.
inline size_t OffsetIn(std::string_view text, std::string_view group) {
  return static_cast<size_t>(group.data() - text.data());
}

}  // namespace pipec::support
