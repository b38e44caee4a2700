#include "runtime/mask.h"

#include <algorithm>
#include <set>

namespace pipec::runtime {

std::string Base64(std::string_view data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (size_t rest = data.size() - i) {
    uint32_t v = uint8_t(data[i]) << 16;
    if (rest == 2) v |= uint8_t(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

namespace {

std::string UrlEncode(const std::string& value, const char* hex, bool plus_for_space) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Base64 characters fully determined by `value` when it starts `offset` bytes into a
// longer encoded text: bits [8*offset, 8*(offset+n)) cover the characters whose 6 bits lie
// entirely inside that range.
std::string Base64Core(const std::string& value, size_t offset) {
  std::string padded(offset, '\0');
  padded += value;
  padded += std::string(2, '\0');
  std::string enc = Base64(padded);
  size_t first = (8 * offset + 5) / 6;
  size_t last = (8 * (offset + value.size())) / 6;  // exclusive
  if (last <= first) return "";
  return enc.substr(first, last - first);
}

}  // namespace

std::vector<std::string> MaskFilter::Forms(const std::string& value) {
  std::set<std::string> forms;
  if (value.empty()) return {};
  forms.insert(value);
  forms.insert(Base64(value));
  // Alignment variants are only distinctive enough for values of a few bytes or more.
  if (value.size() >= 4)
    for (size_t offset = 0; offset < 3; ++offset)
      if (std::string core = Base64Core(value, offset); core.size() >= 4) forms.insert(core);
  forms.insert(UrlEncode(value, "0123456789ABCDEF", false));
  forms.insert(UrlEncode(value, "0123456789abcdef", false));
  forms.insert(UrlEncode(value, "0123456789ABCDEF", true));
  return {forms.begin(), forms.end()};
}

MaskFilter::MaskFilter(const std::vector<std::string>& secret_values) {
  std::set<std::string> all;
  for (const std::string& v : secret_values)
    for (std::string& f : Forms(v)) all.insert(std::move(f));
  patterns_.assign(all.begin(), all.end());
  std::stable_sort(patterns_.begin(), patterns_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string MaskFilter::Drain(bool final) {
  std::string out;
  size_t i = 0;
  const size_t n = pending_.size();
  while (i < n) {
    bool matched = false, maybe = false;
    for (const std::string& p : patterns_) {
      size_t avail = n - i;
      if (avail >= p.size()) {
        if (pending_.compare(i, p.size(), p) == 0) {
          out += kMasked;
          i += p.size();
          matched = true;
          break;
        }
      } else if (!final && pending_.compare(i, avail, p, 0, avail) == 0) {
        maybe = true;  // could become p with the next write: hold it, but a full match wins
      }
    }
    if (matched) continue;
    if (maybe) break;
    out += pending_[i++];
  }
  pending_.erase(0, i);
  return out;
}

std::string MaskFilter::Write(std::string_view data) {
  if (patterns_.empty()) return std::string(data);
  pending_.append(data);
  return Drain(false);
}

std::string MaskFilter::Flush() {
  std::string out = Drain(true);
  pending_.clear();
  return out;
}

std::string MaskFilter::MaskAll(std::string_view text) {
  std::string out = Write(text);
  return out + Flush();
}

}  // namespace pipec::runtime
