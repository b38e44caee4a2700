// Job hygiene: jobs no trigger runs, jobs with nothing to run, and images that can change
// under the pipeline's feet.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "compiler/support/shell_lexer.h"
#include "compiler/import/built_images.h"
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

// A tag that names no version moves to each new release: `latest` and its kin, and tags
// that are only a variant (`docker:dind`, `node:alpine`, `python:slim`, `node:lts-alpine`):
// no part of them holds a digit. A distribution's codename (`debian:bookworm`,
// `ubuntu:noble-...`) is its version and is no more floating than `debian:12`.
bool FloatingTag(std::string_view name, std::string_view tag) {
  static constexpr std::string_view kFloating[] = {"latest", "stable", "edge", "main", "master",
                                                   "nightly", "dev", "develop", "rolling",
                                                   "current", "lts"};
  if (std::find(std::begin(kFloating), std::end(kFloating), tag) != std::end(kFloating)) return true;
  if (std::any_of(tag.begin(), tag.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  static constexpr std::string_view kCodenames[] = {
      "trixie", "bookworm", "bullseye", "buster", "stretch", "jessie", "noble", "jammy",
      "focal",  "bionic",   "xenial",   "oracular", "plucky"};
  std::string_view base = name.substr(name.rfind('/') == std::string_view::npos ? 0 : name.rfind('/') + 1);
  if (base == "debian" || base == "ubuntu" || base == "buildpack-deps")
    for (std::string_view c : kCodenames)
      if (tag.rfind(c, 0) == 0) return false;
  return true;
}

// Image names (without tag) the pipeline builds or pushes itself: `docker build -t`,
// `docker push`, `docker tag`, buildx/podman/buildah, kaniko `--destination`, and
// docker/build-push-action `tags:`. Such an image is the pipeline's own product, deliberately
// rebuilt under a moving tag, so running it unpinned is no supply-chain risk (issue 14 g).
std::set<std::string> BuiltImages(const ir::Pipeline& p) {
  std::set<std::string> out;
  auto add = [&](std::string_view ref) {
    ImageRef r = ParseImage(ref);
    if (!r.name.empty()) out.insert(r.name);
  };
  for (const std::string& ref : p.built_images) add(ref);  // GitHub: expressions resolved, other workflows
  for (const ir::Job& j : p.jobs) {
    for (const ir::Step& s : j.steps) {
      if (s.kind == ir::Step::Kind::Uses) continue;  // docker/build-push-action: p.built_images
      for (const std::string& ref : import::ImagesBuiltByScript(RenderText(s.script))) add(ref);
    }
  }
  return out;
}

// Whether `name` is one the pipeline builds; `$CI_REGISTRY_IMAGE/...` built names stand for
// the project's own registry path, which GitLab spells registry.<host>/<group>/<project>.
bool BuiltHere(const std::set<std::string>& built, const std::string& name) {
  if (built.count(name)) return true;
  for (const std::string& b : built) {
    for (std::string_view var : {"$CI_REGISTRY_IMAGE", "${CI_REGISTRY_IMAGE}"}) {
      if (b.rfind(var, 0) != 0) continue;
      std::string rest = b.substr(var.size());  // "" or "/sub/path"
      if (name.rfind("registry.", 0) == 0 && (rest.empty() || (name.size() > rest.size() &&
                                                               name.compare(name.size() - rest.size(), rest.size(), rest) == 0)))
        return true;
    }
  }
  return false;
}

// An image named outside the job's body (`default:`, a template, an `extends` parent) is one
// declaration however many jobs inherit it: it is reported once, at the declaration when a
// file of the pipeline holds it (one problem, one finding: 20 jobs under one `default:` image
// gave 20 warnings). Searched once per image, not once per job (10,000 jobs of one template).
struct OutsideImages {
  std::vector<FileId> files;  // the files jobs are declared in, in first-seen order
  std::set<std::pair<std::string, bool>> reported;
};

void CheckImage(RuleContext& ctx, const ir::Job& j, const std::string& image, bool service,
                const std::set<std::string>& built, OutsideImages& outside) {
  if (image.empty()) return;
  ImageRef ref = ParseImage(image);
  if (ref.digest) return;
  if (BuiltHere(built, ref.name)) return;
  // A variable is known only at run time: a variable tag can be anything, so only an image
  // whose registry or name is a variable but whose tag is a literal floating one is judged
  // (`$CI_REGISTRY_IMAGE/app:latest`).
  bool variable_name = ref.name.find('$') != std::string::npos;
  if (ref.tag.find('$') != std::string::npos) return;
  if (variable_name && (ref.tag.empty() || !FloatingTag(ref.name, ref.tag))) return;
  const SourceRange& body = j.body_range.valid() ? j.body_range : j.range;
  SourceRange at = ctx.Locate(body, image);
  if (at == body && body.valid()) {  // from `default { }` or a template: find the declaration
    if (!outside.reported.insert({image, service}).second) return;
    std::vector<FileId> files{body.file};
    for (FileId f : outside.files)
      if (f != body.file) files.push_back(f);
    for (FileId f : files) {
      SourceRange whole{f, {1, 1}, {1u << 30, 0}};
      SourceRange found = ctx.Locate(whole, image);
      if (found != whole) {
        at = found;
        break;
      }
    }
  }
  const char* what = service ? "service image" : "image";
  if (ref.tag.empty() || FloatingTag(ref.name, ref.tag)) {
    Diagnostic* d = ctx.Report(
        DiagKind::UnpinnedImage, at,
        ref.tag.empty()
            ? fmt::format("{} {} has no tag, so it means {}:latest and changes without notice",
                          what, ref.name, ref.name)
            : fmt::format("{} {} uses the floating tag {}, which {}", what, image, ref.tag,
                          variable_name ? "changes without notice wherever the registry points"
                                        : "changes without notice"));
    if (d) d->Note({}, "pin a version tag (python:3.12-slim) or a digest (@sha256:...)");
    return;
  }
  if (Diagnostic* d = ctx.Report(DiagKind::ImageNotDigest, at,
                                 fmt::format("{} {} is pinned by tag; a tag can be re-pushed",
                                             what, image)))
    d->Note({}, "append the digest: name:tag@sha256:...");
}

// A YAML job switched off on purpose, the vendor's way: GitLab `rules: [{when: never}]` (every
// rule an unconditional `when: never`; also how a job an include adds is turned off) or GitHub
// `if: false`. Its author knows it never runs.
bool SwitchedOff(const ir::Job& j) {
  if (j.raw_gitlab.contains("rules")) {
    const nlohmann::json& rules = j.raw_gitlab["rules"];
    return rules.is_array() && !rules.empty() &&
           std::all_of(rules.begin(), rules.end(), [](const nlohmann::json& r) {
             return r.is_object() && r.size() == 1 && r.contains("when") && r["when"] == "never";
           });
  }
  if (j.raw_github.contains("if")) {
    const nlohmann::json& c = j.raw_github["if"];
    if (c.is_boolean()) return !c.get<bool>();
    if (c.is_string()) {
      std::string t = c.get<std::string>();
      std::erase_if(t, [](char ch) { return std::isspace(static_cast<unsigned char>(ch)); });
      return t == "false" || t == "${{false}}";
    }
  }
  return false;
}

}  // namespace

void CheckJobs(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  std::set<std::string> built = BuiltImages(p);
  OutsideImages outside_images;
  for (const ir::Job& j : p.jobs) {
    FileId f = (j.body_range.valid() ? j.body_range : j.range).file;
    if (std::find(outside_images.files.begin(), outside_images.files.end(), f) ==
        outside_images.files.end())
      outside_images.files.push_back(f);
  }
  std::string declared;
  for (const ir::Trigger& t : p.triggers) declared += (declared.empty() ? "" : ", ") + TriggerId(t);
  for (const ir::Job& j : p.jobs) {
    if (j.hidden) continue;
    // The importers work out active_triggers from the vendor's rules/`if:`; a YAML file
    // without triggers already has its own error, so only Pipe reports "no trigger".
    bool imported = p.origin != ir::Origin::Pipe;
    if (j.active_triggers.empty() && (!imported || !p.triggers.empty()) && !SwitchedOff(j)) {
      std::string why = p.origin == ir::Origin::GitLab   ? "its rules add it to no pipeline"
                        : p.origin == ir::Origin::GitHub ? "its `if:` excludes every trigger"
                                                         : "its `when` excludes every trigger";
      Diagnostic* d = ctx.Report(
          DiagKind::UnreachableJob, j.range,
          p.triggers.empty()
              ? fmt::format("job {} never runs: the pipeline declares no trigger", j.name)
              : fmt::format("job {} never runs: {} ({})", j.name, why, declared));
      if (d && j.when->range.valid())
        d->Note(j.when->range, p.origin == ir::Origin::GitLab   ? "the rules"
                              : p.origin == ir::Origin::GitHub ? "the condition (`if:`)"
                                                               : "the condition");
    }
    bool runs_something =
        j.trigger.has_value() ||
        std::any_of(j.steps.begin(), j.steps.end(), [](const ir::Step& s) {
          return s.kind == ir::Step::Kind::Uses || HasRuntimeParts(s.script) ||
                 !Blank(RenderText(s.script));
        });
    // In YAML a job without a script is the importer's finding, in the vendor's words
    // (gitlab-no-script, github-missing-key / github-step): one problem, one finding.
    if (!runs_something && p.origin == ir::Origin::Pipe)
      ctx.Report(DiagKind::EmptyScript, j.range,
                 fmt::format("job {} has nothing to run: give it a `run` script or a `trigger`",
                             j.name));
    CheckImage(ctx, j, RenderText(j.image), false, built, outside_images);
    for (const std::string& s : j.services) CheckImage(ctx, j, s, true, built, outside_images);
  }
}

}  // namespace pipec::lint
