// Job hygiene: jobs no trigger runs, jobs with nothing to run, and images that can change
// under the pipeline's feet.
#include <fmt/format.h>

#include <algorithm>

#include "lint/rules.h"

namespace pipec::lint {
namespace {

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

struct ImageRef {
  std::string name, tag;
  bool digest = false;
};

ImageRef ParseImage(std::string_view image) {
  ImageRef r;
  size_t at = image.find('@');
  if (at != std::string_view::npos) {
    r.digest = true;
    image = image.substr(0, at);
  }
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    r.name = std::string(image.substr(0, colon));
    r.tag = std::string(image.substr(colon + 1));
  } else {
    r.name = std::string(image);
  }
  return r;
}

bool FloatingTag(std::string_view tag) {
  static constexpr std::string_view kFloating[] = {"latest", "stable", "edge", "main", "master",
                                                   "nightly", "dev", "develop", "rolling",
                                                   "current", "lts"};
  return std::find(std::begin(kFloating), std::end(kFloating), tag) != std::end(kFloating);
}

void CheckImage(RuleContext& ctx, const ir::Job& j, const std::string& image, bool service) {
  if (image.empty() || image.find('$') != std::string::npos) return;  // unknown until run time
  ImageRef ref = ParseImage(image);
  if (ref.digest) return;
  const SourceRange& body = j.body_range.valid() ? j.body_range : j.range;
  SourceRange at = ctx.Locate(body, image);
  if (at == body && body.valid()) {  // from `default { }` or a template: find the declaration
    SourceRange whole{body.file, {1, 1}, {1u << 30, 0}};
    SourceRange found = ctx.Locate(whole, image);
    if (found != whole) at = found;
  }
  const char* what = service ? "service image" : "image";
  if (ref.tag.empty() || FloatingTag(ref.tag)) {
    Diagnostic* d = ctx.Report(
        DiagKind::UnpinnedImage, at,
        ref.tag.empty()
            ? fmt::format("{} {} has no tag, so it means {}:latest and changes without notice",
                          what, ref.name, ref.name)
            : fmt::format("{} {} uses the floating tag {}, which changes without notice", what,
                          image, ref.tag));
    if (d) d->Note({}, "pin a version tag (python:3.12-slim) or a digest (@sha256:...)");
    return;
  }
  if (Diagnostic* d = ctx.Report(DiagKind::ImageNotDigest, at,
                                 fmt::format("{} {} is pinned by tag; a tag can be re-pushed",
                                             what, image)))
    d->Note({}, "append the digest: name:tag@sha256:...");
}

}  // namespace

void CheckJobs(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  std::string declared;
  for (const ir::Trigger& t : p.triggers) declared += (declared.empty() ? "" : ", ") + TriggerId(t);
  for (const ir::Job& j : p.jobs) {
    if (j.hidden) continue;
    // The importers work out active_triggers from the vendor's rules/`if:`; a YAML file
    // without triggers already has its own error, so only Pipe reports "no trigger".
    bool imported = p.origin != ir::Origin::Pipe;
    if (j.active_triggers.empty() && (!imported || !p.triggers.empty())) {
      std::string why = p.origin == ir::Origin::GitLab   ? "its rules add it to no pipeline"
                        : p.origin == ir::Origin::GitHub ? "its `if:` excludes every trigger"
                                                         : "its `when` excludes every trigger";
      Diagnostic* d = ctx.Report(
          DiagKind::UnreachableJob, j.range,
          p.triggers.empty()
              ? fmt::format("job {} never runs: the pipeline declares no trigger", j.name)
              : fmt::format("job {} never runs: {} ({})", j.name, why, declared));
      if (d && j.when.range.valid())
        d->Note(j.when.range, p.origin == ir::Origin::GitLab   ? "the rules"
                              : p.origin == ir::Origin::GitHub ? "the condition (`if:`)"
                                                               : "the condition");
    }
    bool runs_something =
        j.trigger.has_value() ||
        std::any_of(j.steps.begin(), j.steps.end(), [](const ir::Step& s) {
          return s.kind == ir::Step::Kind::Uses || HasRuntimeParts(s.script) ||
                 !Blank(RenderText(s.script));
        });
    if (!runs_something)
      ctx.Report(DiagKind::EmptyScript, j.range,
                 fmt::format("job {} has nothing to run: give it a `run` script or a `trigger`",
                             j.name));
    CheckImage(ctx, j, RenderText(j.image), false);
    for (const std::string& s : j.services) CheckImage(ctx, j, s, true);
  }
}

}  // namespace pipec::lint
