#include "lint/suppress.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "lint/checker.h"

namespace pipec::lint {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool Contains(const SourceRange& outer, const SourceRange& inner) {
  return outer.valid() && inner.valid() && outer.file == inner.file &&
         outer.begin.line <= inner.begin.line &&
         (outer.end.line == 0 || inner.begin.line <= outer.end.line);
}

// Like --disable: rules and warnings can be silenced, errors of the language cannot; the
// suppression diagnostics themselves neither.
// The importers' checks of a readable config (P5010 and up: undefined needs, script
// injection, ...) are findings like the rules; unreadable YAML (P500x) is not.
bool ImportCheck(const DiagInfo& info) {
  return info.category == std::string_view("import") && info.id >= std::string_view("P5010");
}

bool SuppressibleKind(const DiagInfo& info) {
  if (info.id.substr(0, 2) == "P7") return false;
  return info.category == std::string_view("rule") || ImportCheck(info) || info.severity != Severity::Error;
}

bool Suppressible(const Diagnostic& d) {
  return SuppressibleKind(d.info()) &&
         (d.info().category == std::string_view("rule") || ImportCheck(d.info()) ||
          d.severity != Severity::Error);
}

}  // namespace

std::vector<IgnoreComment> FindIgnoreComments(const SourceManager& sm, FileId file) {
  std::vector<IgnoreComment> out;
  const std::string& text = sm.file(file).contents;
  if (text.find("pipec:") == std::string::npos) return out;  // the common case, fast
  for (uint32_t line = 1;; ++line) {
    size_t start = sm.Offset(file, {line, 1});
    if (start >= text.size()) break;
    std::string_view l = sm.Line(file, line);
    for (size_t hash = l.find('#'); hash != std::string_view::npos; hash = l.find('#', hash + 1)) {
      std::string_view rest = Trim(l.substr(hash + 1));
      if (rest.substr(0, 6) != "pipec:") continue;
      rest = Trim(rest.substr(6));
      if (rest.substr(0, 7) != "ignore[") continue;
      size_t close = rest.find(']');
      if (close == std::string_view::npos) continue;
      IgnoreComment c;
      c.range = {file, {line, static_cast<uint32_t>(hash + 1)},
                 {line, static_cast<uint32_t>(l.size() + 1)}};
      std::string_view list = rest.substr(7, close - 7);
      while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view name = Trim(list.substr(0, comma));
        if (!name.empty()) c.names.emplace_back(name);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
      std::string_view reason = Trim(rest.substr(close + 1));
      // Accept the separators people type out of habit: `-- reason`, `: reason`.
      while (!reason.empty() && (reason.front() == '-' || reason.front() == ':'))
        reason = Trim(reason.substr(1));
      c.reason = std::string(reason);
      c.own_line = Trim(l.substr(0, hash)).empty();
      out.push_back(std::move(c));
      break;
    }
  }
  return out;
}

std::vector<Diagnostic> ApplySuppressions(std::vector<Diagnostic> diags, const SourceManager& sm,
                                          const ir::Pipeline* p) {
  std::vector<Diagnostic> reports;
  std::vector<bool> suppressed(diags.size(), false);
  for (FileId file = 0; file < sm.size(); ++file) {
    for (const IgnoreComment& c : FindIgnoreComments(sm, file)) {
      if (c.reason.empty()) {
        reports.push_back(MakeDiag(
            DiagKind::IgnoreWithoutReason, c.range,
            "this ignore gives no reason and is not applied; write why after the brackets"));
        continue;
      }
      // The lines the comment covers, and the job blocks that start on one of them.
      uint32_t line = c.range.begin.line;
      std::vector<SourceRange> scopes;
      scopes.push_back({file, {line, 1}, {line, 0}});
      if (c.own_line) scopes.push_back({file, {line + 1, 1}, {line + 1, 0}});
      if (p) {
        for (const ir::Job& j : p->jobs) {
          const SourceRange& b = j.body_range.valid() ? j.body_range : j.range;
          if (b.file != file) continue;
          if (b.begin.line == line || (c.own_line && b.begin.line == line + 1))
            scopes.push_back(b);
        }
      }
      for (const std::string& name : c.names) {
        const DiagInfo* info = FindDiagInfo(name);
        if (!info || !SuppressibleKind(*info)) {
          reports.push_back(MakeDiag(
              DiagKind::UnknownIgnoreName, c.range,
              info ? fmt::format("{} cannot be ignored: only rules, import checks and warnings can", name)
                   : fmt::format("no rule is called {}; see `pipec explain --list`", name)));
          continue;
        }
        bool used = false;
        for (size_t i = 0; i < diags.size(); ++i) {
          const Diagnostic& d = diags[i];
          if (d.kind != info->kind || !Suppressible(d)) continue;
          bool in_scope = std::any_of(scopes.begin(), scopes.end(), [&](const SourceRange& s) {
            return s.end.line == 0 ? s.file == d.range.file && s.begin.line == d.range.begin.line
                                   : Contains(s, d.range);
          });
          if (!in_scope) continue;
          suppressed[i] = true;
          used = true;
        }
        if (!used)
          reports.push_back(MakeDiag(DiagKind::UnusedIgnore, c.range,
                                     fmt::format("ignore[{}] suppresses nothing here", name)));
      }
    }
  }
  std::vector<Diagnostic> out;
  out.reserve(diags.size() + reports.size());
  for (size_t i = 0; i < diags.size(); ++i)
    if (!suppressed[i]) out.push_back(std::move(diags[i]));
  for (Diagnostic& r : reports) out.push_back(std::move(r));
  return out;
}

}  // namespace pipec::lint
