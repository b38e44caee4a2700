#include "compiler/emit/unified_diff.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pipec::emit {
namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size() - 1;
    out.push_back(text.substr(start, nl - start + 1));
    start = nl + 1;
  }
  return out;
}

enum class Op : uint8_t { Equal, Delete, Insert };
struct Edit {
  Op op;
  size_t a, b;  // line index in old (Equal/Delete) and new (Equal/Insert)
};

// Edits turning a[lo_a, hi_a) into b[lo_b, hi_b): an LCS table when the middle is small
// enough, else everything deleted then inserted (still a correct diff, just coarse).
void Middle(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b, size_t lo_a,
            size_t hi_a, size_t lo_b, size_t hi_b, std::vector<Edit>& out) {
  size_t n = hi_a - lo_a, m = hi_b - lo_b;
  if (n * m > 25'000'000) {
    for (size_t i = lo_a; i < hi_a; ++i) out.push_back({Op::Delete, i, lo_b});
    for (size_t j = lo_b; j < hi_b; ++j) out.push_back({Op::Insert, hi_a, j});
    return;
  }
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = a[lo_a + i] == b[lo_b + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[lo_a + i] == b[lo_b + j]) {
      out.push_back({Op::Equal, lo_a + i, lo_b + j});
      ++i, ++j;
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      out.push_back({Op::Delete, lo_a + i, lo_b + j});  // deletions first, as diff -u does
      ++i;
    } else {
      out.push_back({Op::Insert, lo_a + i, lo_b + j});
      ++j;
    }
  }
}

std::string Range(size_t start, size_t count) {
  // diff -u: an empty range names the line before it.
  size_t first = count == 0 ? start : start + 1;
  return count == 1 ? std::to_string(first) : std::to_string(first) + "," + std::to_string(count);
}

void AppendLine(std::string& out, char mark, std::string_view line) {
  out += mark;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string UnifiedDiff(std::string_view old_text, std::string_view new_text, std::string_view old_label,
                        std::string_view new_label) {
  if (old_text == new_text) return "";
  std::vector<std::string_view> a = Lines(old_text), b = Lines(new_text);
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  std::vector<Edit> edits;
  for (size_t i = 0; i < pre; ++i) edits.push_back({Op::Equal, i, i});
  Middle(a, b, pre, a.size() - suf, pre, b.size() - suf, edits);
  for (size_t k = 0; k < suf; ++k) edits.push_back({Op::Equal, a.size() - suf + k, b.size() - suf + k});

  std::string out = "--- " + std::string(old_label) + "\n+++ " + std::string(new_label) + "\n";
  constexpr size_t kContext = 3;
  size_t e = 0;
  while (e < edits.size()) {
    while (e < edits.size() && edits[e].op == Op::Equal) ++e;
    if (e == edits.size()) break;
    size_t start = e >= kContext ? e - kContext : 0;
    // Extend while the next change is within 2 * context equal lines.
    size_t end = e;
    while (end < edits.size()) {
      if (edits[end].op != Op::Equal) {
        ++end;
        continue;
      }
      size_t run = end;
      while (run < edits.size() && edits[run].op == Op::Equal) ++run;
      if (run == edits.size() || run - end > 2 * kContext) {
        end = std::min(run, end + kContext);
        break;
      }
      end = run;
    }
    size_t a_start = edits[start].a, b_start = edits[start].b, a_count = 0, b_count = 0;
    std::string body;
    for (size_t k = start; k < end; ++k) {
      const Edit& ed = edits[k];
      if (ed.op == Op::Equal) {
        AppendLine(body, ' ', a[ed.a]);
        ++a_count, ++b_count;
      } else if (ed.op == Op::Delete) {
        AppendLine(body, '-', a[ed.a]);
        ++a_count;
      } else {
        AppendLine(body, '+', b[ed.b]);
        ++b_count;
      }
    }
    out += "@@ -" + Range(a_start, a_count) + " +" + Range(b_start, b_count) + " @@\n" + body;
    e = end;
  }
  return out;
}

}  // namespace pipec::emit
