#include "compiler/support/regex.h"

#include <cstdio>
#include <cstdlib>

namespace pipec::support {

std::unique_ptr<const RE2> FixedRegex(std::string_view pattern, RegexBytes bytes) {
  RE2::Options options;
  if (bytes == RegexBytes::Latin1) options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  auto re = std::make_unique<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    std::fprintf(stderr, "pipec: internal error: regex %.*s: %s\n", static_cast<int>(pattern.size()),
                 pattern.data(), re->error().c_str());
    std::abort();
  }
  return re;
}

const RE2& LazyRegex::Get() const {
  if (const RE2* re = re_.load(std::memory_order_acquire)) return *re;
  const RE2* fresh = FixedRegex(pattern_, bytes_).release();
  const RE2* expected = nullptr;
  if (re_.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) return *fresh;
  delete fresh;  // another thread's is in place
  return *expected;
}

}  // namespace pipec::support
