#include "compiler/fmt/triple_string.h"

#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/string_literal.h"

namespace pipec::formatter {
namespace {

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

std::string StringTokenValue(std::string_view token) {
  SourceManager sm;
  FileId f = sm.AddFile("<string>", std::string(token));
  DiagnosticSink sink;
  return syntax::DecodeString(token, f, 0, sm, sink).Flat();
}

std::string ReindentTripleString(std::string_view token, int indent) {
  if (token.size() < 6 || token.substr(0, 3) != "\"\"\"" || token.substr(token.size() - 3) != "\"\"\"")
    return std::string(token);
  std::string_view body = token.substr(3, token.size() - 6);
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i <= body.size(); ++i)
    if (i == body.size() || body[i] == '\n') {
      lines.push_back(body.substr(start, i - start));
      start = i + 1;
    }
  // Only the usual shape moves: quotes alone on their lines around the content.
  if (lines.size() < 2 || !IsBlank(lines.front()) || !IsBlank(lines.back())) return std::string(token);
  size_t common = std::string_view::npos;
  for (size_t k = 1; k + 1 < lines.size(); ++k) {
    std::string_view l = lines[k];
    if (IsBlank(l)) continue;
    size_t n = l.find_first_not_of(' ');
    if (l[n] == '\t') return std::string(token);  // tab indentation: leave it as written
    common = std::min(common, n);
  }
  std::string out = "\"\"\"\n";
  for (size_t k = 1; k + 1 < lines.size(); ++k) {
    std::string_view l = lines[k];
    if (!IsBlank(l)) out.append(static_cast<size_t>(indent) + 2, ' ').append(l.substr(common));
    out += '\n';
  }
  out.append(static_cast<size_t>(indent), ' ').append("\"\"\"");
  if (StringTokenValue(out) != StringTokenValue(token)) return std::string(token);
  return out;
}

}  // namespace pipec::formatter
