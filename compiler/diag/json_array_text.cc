#include "compiler/diag/json_array_text.h"

namespace pipec {

std::string DumpJson(const nlohmann::ordered_json& value) {
  return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void JsonArrayText::Add(const nlohmann::ordered_json& element) {
  text_ += empty_ ? "[\n" : ",\n";
  empty_ = false;
  // An element's own dump starts at column 0; nested, each of its lines is indented by the
  // depth of the element. A line break in the dump is always structure: strings escape theirs.
  const std::string indent(2 * static_cast<size_t>(depth_ + 1), ' ');
  text_ += indent;
  for (char c : DumpJson(element)) {
    text_ += c;
    if (c == '\n') text_ += indent;
  }
}

std::string JsonArrayText::Finish() && {
  if (empty_) return "[]";
  text_ += '\n';
  text_.append(2 * static_cast<size_t>(depth_), ' ');
  text_ += ']';
  return std::move(text_);
}

}  // namespace pipec
