#pragma once
// Streaming secret masking: every byte a job prints passes through one MaskFilter per job.
// A secret value (and its base64 and URL-encoded forms) is replaced by "[MASKED]" even when a
// process writes it in pieces, because the filter holds back any tail that could still
// become a secret.
#include <string>
#include <string_view>
#include <vector>

namespace pipec::runtime {

inline constexpr std::string_view kMasked = "[MASKED]";

class MaskFilter {
 public:
  explicit MaskFilter(const std::vector<std::string>& secret_values);

  // Feeds bytes; returns what can be released now, already masked.
  std::string Write(std::string_view data);
  // End of stream: releases everything still held back.
  std::string Flush();

  // The forms of one value that are masked: raw, base64 (standalone and at each of the three
  // alignments inside a longer base64 text), URL-encoded (upper/lower hex, '+' for space).
  static std::vector<std::string> Forms(const std::string& value);

  // Masks a complete text at once (for messages that never went through a stream).
  std::string MaskAll(std::string_view text);

 private:
  std::string Drain(bool final);

  std::vector<std::string> patterns_;  // longest first, so the longest form wins
  std::string pending_;
};

std::string Base64(std::string_view data);

}  // namespace pipec::runtime
