#include "compiler/diag/fingerprint.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace pipec {
namespace {

uint64_t Fnv1a(std::string_view s, uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

constexpr size_t kHashedLineBytes = 512;

std::string_view TrimmedLine(const SourceManager& sm, const SourceRange& r) {
  if (!r.valid() || r.file >= sm.size()) return {};
  std::string_view l = sm.Line(r.file, r.begin.line);
  size_t b = l.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = l.find_last_not_of(" \t\r");
  // At most kHashedLineBytes: thousands of findings on one very long line must not hash it
  // once each (quadratic); real lines are shorter, so their fingerprints are unchanged.
  return l.substr(b, std::min(e - b + 1, kHashedLineBytes));
}

}  // namespace

std::string ReportPath(const SourceManager& sm, FileId file) {
  std::string p(sm.Path(file));
  for (char& c : p)
    if (c == '\\') c = '/';
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  return p;
}

std::vector<std::string> StableFingerprints(const std::vector<Diagnostic>& diags,
                                            const SourceManager& sm) {
  std::vector<std::string> out;
  out.reserve(diags.size());
  std::map<uint64_t, int> seen;
  for (const Diagnostic& d : diags) {
    uint64_t h = Fnv1a(d.info().id);
    h = Fnv1a("\x1f", h);
    h = Fnv1a(d.range.file == kNoFile ? "" : ReportPath(sm, d.range.file), h);
    h = Fnv1a("\x1f", h);
    h = Fnv1a(d.message, h);
    h = Fnv1a("\x1f", h);
    h = Fnv1a(TrimmedLine(sm, d.range), h);
    int n = seen[h]++;
    if (n > 0) h = Fnv1a(fmt::format("\x1f{}", n), h);
    out.push_back(fmt::format("{:016x}", h));
  }
  return out;
}

}  // namespace pipec
