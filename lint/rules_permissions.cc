// The GITHUB_TOKEN a workflow's jobs get. `permissions:` at the workflow level applies to every
// job that does not set its own; without any, the token gets the repository's default, which
// is read and write for repositories created before February 2023 and organisations that
// never changed it, and read-only otherwise. The file does not show which, so a missing
// `permissions:` is a note, and so are write scopes every job inherits (which jobs need them
// is not in the file); `write-all` is a warning.
#include <fmt/format.h>

#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "lint/rules.h"

namespace pipec::lint {
namespace {

// Events whose runs get a token with the default (possibly write) permissions. Pull requests
// from forks (`pull_request`) get a read-only token whatever the settings.
bool WriteTokenEvent(const std::string& e) {
  return e != "pull_request" && e != "workflow_call";
}

std::vector<std::string> Events(const nlohmann::json& on) {
  std::vector<std::string> out;
  if (on.is_string()) out.push_back(on.get<std::string>());
  if (on.is_array())
    for (const auto& e : on)
      if (e.is_string()) out.push_back(e.get<std::string>());
  if (on.is_object())
    for (const auto& [k, v] : on.items()) out.push_back(k);
  return out;
}

std::vector<std::string> WriteScopes(const nlohmann::json& perms) {
  std::vector<std::string> out;
  if (perms.is_object())
    for (const auto& [k, v] : perms.items())
      if (v.is_string() && v.get<std::string>() == "write") out.push_back(k);
  return out;
}

bool WriteAll(const nlohmann::json& perms) {
  return perms.is_string() && perms.get<std::string>() == "write-all";
}

// The top-level `permissions:` key: a line that starts with it (comments that mention the word
// come first in many files).
SourceRange TopLevelKey(const SourceManager& sm, FileId file, std::string_view key) {
  const SourceFile& f = sm.file(file);
  for (uint32_t line = 1; line <= f.line_starts.size(); ++line) {
    std::string_view text = sm.Line(file, line);
    if (text.size() > key.size() && text.substr(0, key.size()) == key && text[key.size()] == ':')
      return SourceRange{file, {line, 1}, {line, static_cast<uint32_t>(key.size() + 1)}};
  }
  return SourceRange{file, {1, 1}, {1, 1}};
}

}  // namespace

void CheckPermissions(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  if (p.origin != ir::Origin::GitHub) return;
  if (p.raw_github.contains("on") && p.raw_github["on"].is_object() &&
      p.raw_github["on"].size() == 1 && p.raw_github["on"].contains("workflow_call"))
    return;  // a reusable workflow runs with the token its caller grants
  std::vector<std::string> events =
      p.raw_github.contains("on") ? Events(p.raw_github["on"]) : std::vector<std::string>{};
  std::vector<std::string> write_events;
  for (const std::string& e : events)
    if (WriteTokenEvent(e)) write_events.push_back(e);
  std::vector<const ir::Job*> jobs;
  for (const ir::Job& j : p.jobs)
    if (!j.hidden) jobs.push_back(&j);
  if (jobs.empty()) return;
  FileId file = jobs.front()->range.file;
  auto job_sets = [](const ir::Job& j) { return j.raw_github.contains("permissions"); };
  // A job calling a reusable workflow passes its token on: it counts like any other job.
  std::vector<const ir::Job*> inheriting;
  for (const ir::Job* j : jobs)
    if (!job_sets(*j)) inheriting.push_back(j);

  if (p.raw_github.contains("permissions")) {
    const nlohmann::json& perms = p.raw_github["permissions"];
    SourceRange at = TopLevelKey(ctx.sources(), file, "permissions");
    if (WriteAll(perms) && !inheriting.empty()) {
      if (Diagnostic* d = ctx.Report(
              DiagKind::ExcessivePermissions, at,
              fmt::format("`permissions: write-all` gives {} job(s) a token that can push code, "
                          "publish packages and change the repository's settings of every kind",
                          inheriting.size())))
        d->Note({}, "grant read at the workflow level (permissions: contents: read) and the "
                    "write scopes each job needs at that job");
    } else if (std::vector<std::string> w = WriteScopes(perms); !w.empty() && inheriting.size() > 1) {
      std::string scopes;
      for (const std::string& s : w) scopes += (scopes.empty() ? "" : ", ") + s + ": write";
      if (Diagnostic* d = ctx.Report(
              DiagKind::ExcessivePermissions, at,
              fmt::format("workflow-level `permissions:` grants {} to all {} jobs that set none "
                          "of their own",
                          scopes, inheriting.size())))
      {
        // Which of the jobs need the scopes is not in the file: a note, not a promise.
        d->severity = Severity::Note;
        d->Note({}, "keep the workflow level read-only and grant the write scopes at the jobs "
                    "that need them: a job that only builds or tests then cannot push");
      }
    }
  } else if (!write_events.empty() && !inheriting.empty()) {
    // One note per workflow, at the first job whose token it is about.
    const ir::Job& first = *inheriting.front();
    if (Diagnostic* d = ctx.Report(
            DiagKind::ExcessivePermissions, first.range,
            fmt::format("neither the workflow nor {} of its jobs ({}{}) set `permissions:`: their "
                        "token gets the repository's default permissions on {}",
                        inheriting.size() == jobs.size() ? "any" : std::to_string(inheriting.size()),
                        DeclaredName(first),
                        inheriting.size() > 1 ? ", ..." : "", write_events.front()))) {
      d->severity = Severity::Note;
      d->Note({}, "the default is read and write in repositories created before February 2023 "
                  "(unless changed in Settings > Actions); add `permissions: contents: read` at "
                  "the top and grant more per job");
    }
  }
  for (const ir::Job* j : jobs)
    if (job_sets(*j) && WriteAll(j->raw_github["permissions"]))
      if (Diagnostic* d = ctx.Report(
              DiagKind::ExcessivePermissions,
              ctx.Locate(j->body_range.valid() ? j->body_range : j->range, "write-all"),
              fmt::format("job {} asks for `permissions: write-all`", j->name))) {
        d->AboutJob(j->name);
        d->Note({}, "name the scopes it writes (contents: write, packages: write, ...)");
      }
}

}  // namespace pipec::lint
