#include "compiler/emit/yaml_writer.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace pipec::emit {
namespace {

bool IsReservedWord(std::string_view s) {
  // YAML 1.1 booleans and nulls (any case GitLab's Psych accepts) and YAML 1.2 core ones.
  static const char* const kWords[] = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"};
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* w : kWords)
    if (lower == w) return true;
  return false;
}

std::string DoubleQuoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f)
          out += fmt::format("\\x{:02x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(s.substr(start));
      break;
    }
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// A literal block keeps the text exactly when every line is printable and no line is made
// only of blanks (the parser would take those for indentation and drop them).
bool CanBeLiteralBlock(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
  std::string_view body = s;
  while (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  if (body.empty()) return false;
  for (std::string_view line : SplitLines(body)) {
    if (!line.empty() && line.find_first_not_of(" \t") == std::string_view::npos) return false;
    if (!line.empty() && line[0] == '\t') return false;
  }
  return true;
}

std::string Indent(int n) { return std::string(static_cast<size_t>(n), ' '); }

void WriteLiteralBlock(std::string& out, std::string_view s, int indent) {
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  std::string_view body = s.substr(0, s.size() - trailing);
  out += '|';
  if (body[0] == ' ') out += "2";  // explicit indentation: the first line starts with blanks
  if (trailing == 0) out += '-';
  if (trailing > 1) out += '+';
  out += '\n';
  for (std::string_view line : SplitLines(body)) {
    if (!line.empty()) {
      out += Indent(indent);
      out += line;
    }
    out += '\n';
  }
  for (size_t i = 1; i < trailing; ++i) out += '\n';
}

// Single quotes keep expressions full of `"` readable; they cannot hold control characters.
bool CanBeSingleQuoted(std::string_view s) {
  if (s.find('"') == std::string_view::npos || s.find('\'') != std::string_view::npos) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string Scalar(const Doc& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (IsSafePlainScalar(s)) return s;
    return CanBeSingleQuoted(s) ? "'" + s + "'" : DoubleQuoted(s);
  }
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "null";
  return v.dump();  // numbers
}

bool IsEmptyCollection(const Doc& v) { return (v.is_object() || v.is_array()) && v.empty(); }

void WriteValue(std::string& out, const Doc& v, int indent);

// Writes the value that follows "key:" or "- " at the current line.
void WriteInline(std::string& out, const Doc& v, int indent, bool after_dash) {
  if (v.is_object() && !v.empty()) {
    if (after_dash) {
      // First key on the dash line, the rest aligned under it.
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += Indent(indent);
        first = false;
        out += Scalar(Doc(it.key()));
        out += ':';
        WriteInline(out, it.value(), indent + 2, false);
      }
      return;
    }
    out += '\n';
    WriteValue(out, v, indent);
    return;
  }
  if (v.is_array() && !v.empty()) {
    out += '\n';
    WriteValue(out, v, indent);
    return;
  }
  if (IsEmptyCollection(v)) {
    out += v.is_object() ? " {}\n" : " []\n";
    return;
  }
  if (v.is_string() && CanBeLiteralBlock(v.get_ref<const std::string&>())) {
    out += ' ';
    WriteLiteralBlock(out, v.get_ref<const std::string&>(), indent);
    return;
  }
  out += ' ';
  out += Scalar(v);
  out += '\n';
}

void WriteValue(std::string& out, const Doc& v, int indent) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      out += Indent(indent);
      out += Scalar(Doc(it.key()));
      out += ':';
      WriteInline(out, it.value(), indent + 2, false);
    }
  } else if (v.is_array()) {
    for (const Doc& item : v) {
      out += Indent(indent);
      out += '-';
      if (item.is_object() && !item.empty()) {
        out += ' ';
        WriteInline(out, item, indent + 2, true);
      } else if (item.is_array() && !item.empty()) {
        out += '\n';
        WriteValue(out, item, indent + 2);
      } else {
        WriteInline(out, item, indent + 2, false);
      }
    }
  }
}

}  // namespace

bool IsSafePlainScalar(std::string_view s) {
  if (s.empty()) return false;
  unsigned char first = static_cast<unsigned char>(s[0]);
  // Digits, signs and dots may start numbers, dates or `.inf`; indicators start other nodes.
  bool dot_path = false;  // `./x`, `.cache/pip`: a dot then a letter or slash is no number
  if (first == '.' && s.size() > 1) {
    unsigned char second = static_cast<unsigned char>(s[1]);
    std::string lower(s);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    dot_path = (std::isalpha(second) || second == '/') && lower != ".inf" && lower != ".nan";
  }
  if (!(std::isalpha(first) || first == '_' || first == '/' || first == '$' || first >= 0x80 || dot_path))
    return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  if (IsReservedWord(s)) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  return true;
}

std::string WriteYaml(const Doc& doc, const std::vector<std::string>& header, bool space_all) {
  std::string out;
  for (const std::string& line : header) {
    out += line.empty() ? "#" : "# " + line;
    out += '\n';
  }
  bool first = true;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if ((space_all && !first) || (first && !header.empty())) out += '\n';
    first = false;
    Doc one = Doc::object();
    one[it.key()] = it.value();
    WriteValue(out, one, 0);
  }
  return out;
}

ObjectKeys::ObjectKeys(Doc& obj) {
  if (!obj.is_object()) obj = Doc::object();
  items_ = &obj.get_ref<Doc::object_t&>();
  for (size_t i = 0; i < items_->size(); ++i) at_.emplace((items_->begin() + i)->first, i);
}

Doc& ObjectKeys::operator[](const std::string& key) {
  auto [it, fresh] = at_.try_emplace(key, items_->size());
  if (fresh) items_->emplace_back(key, Doc());
  return (items_->begin() + it->second)->second;  // (ordered_map hides vector::operator[])
}

Doc ToDoc(const nlohmann::json& j) {
  if (j.is_object()) {
    Doc d = Doc::object();
    for (auto it = j.begin(); it != j.end(); ++it) d[it.key()] = ToDoc(it.value());
    return d;
  }
  if (j.is_array()) {
    Doc d = Doc::array();
    for (const auto& v : j) d.push_back(ToDoc(v));
    return d;
  }
  return Doc::parse(j.dump());
}

}  // namespace pipec::emit
