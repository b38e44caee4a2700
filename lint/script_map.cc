#include "lint/script_map.h"

#include <algorithm>

namespace pipec::lint {

namespace {

// How a "..." string literal spells `text`.
std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

ScriptMap::ScriptMap(const SourceManager& sm, const SourceRange& step, std::string_view script)
    : sm_(sm), script_(script), step_(step) {}

void ScriptMap::Build() const {
  if (built_) return;
  built_ = true;
  const SourceManager& sm = sm_;
  const SourceRange& step = step_;
  std::string_view script = script_;
  bool usable = step.valid() && step.file < sm.size();
  uint32_t cursor = step.begin.line;
  uint32_t limit = step.end.line >= step.begin.line ? step.end.line : step.begin.line;
  size_t offset = 0;
  while (offset <= script.size()) {
    size_t eol = script.find('\n', offset);
    if (eol == std::string_view::npos) eol = script.size();
    std::string_view text = script.substr(offset, eol - offset);
    Line l{offset, 0, 0, false};
    size_t lead = text.find_first_not_of(" \t");
    std::string_view body = lead == std::string_view::npos ? std::string_view() : text.substr(lead);
    if (usable && !body.empty()) {
      // Search a little beyond the step's end too: YAML ranges may cover only the first line.
      for (uint32_t line = cursor; line <= limit + (script.size() / 2 + 2); ++line) {
        std::string_view src = sm.Line(step.file, line);
        size_t from = line == step.begin.line ? std::min<size_t>(step.begin.column, src.size()) : 0;
        if (line == step.begin.line && from > 0) --from;
        size_t at = src.find(body, from);
        if (at == std::string_view::npos && body.find_first_of("\\\"") != std::string_view::npos) {
          std::string escaped = Escape(body);
          at = src.find(escaped, from);
          if (at != std::string_view::npos) {
            l.escaped = true;
          }
        }
        if (at == std::string_view::npos) {
          if (sm.Offset(step.file, {line + 1, 1}) >= sm.file(step.file).contents.size() &&
              src.empty())
            break;
          continue;
        }
        l.source_line = line;
        l.source_column = static_cast<uint32_t>(at - lead + 1);
        break;
      }
    }
    if (l.source_line == 0 && !lines_.empty() && lines_.back().source_line != 0) {
      // Not found verbatim: assume it follows the previous line, at the same indentation.
      l.source_line = lines_.back().source_line + 1;
      l.source_column = lines_.back().source_column;
    }
    if (l.source_line != 0) cursor = l.source_line + 1;
    lines_.push_back(l);
    if (eol == script.size()) break;
    offset = eol + 1;
  }
}

SourceRange ScriptMap::At(size_t offset, size_t length) const {
  Build();
  auto it = std::upper_bound(lines_.begin(), lines_.end(), offset,
                             [](size_t o, const Line& l) { return o < l.script_offset; });
  if (it == lines_.begin()) return step_;
  const Line& l = *(it - 1);
  if (l.source_line == 0) return step_;
  SourceRange r;
  r.file = step_.file;
  size_t rel = offset - l.script_offset;
  if (l.escaped) {
    std::string_view text = std::string_view(script_).substr(l.script_offset);
    size_t grown = Escape(text.substr(0, std::min(rel, text.size()))).size();
    length = Escape(text.substr(std::min(rel, text.size()), length)).size();
    rel = grown;
  }
  uint32_t col = l.source_column + static_cast<uint32_t>(rel);
  r.begin = {l.source_line, col};
  r.end = {l.source_line, col + static_cast<uint32_t>(std::max<size_t>(length, 1))};
  return r;
}

SourceRange ScriptMap::AtLineColumn(uint32_t line, uint32_t column, uint32_t end_line,
                                    uint32_t end_column) const {
  Build();
  if (line == 0 || line > lines_.size()) return step_;
  size_t begin = lines_[line - 1].script_offset + (column ? column - 1 : 0);
  SourceRange r = At(begin, 1);
  if (end_line == line && end_column > column) r.end.column = r.begin.column + (end_column - column);
  return r;
}

}  // namespace pipec::lint
