#include "compiler/import/built_images.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "compiler/import/github_expressions.h"
#include "compiler/support/shell_lexer.h"

namespace pipec::import {

using yaml::Node;
using yaml::NodePtr;

namespace {

// Values substituted per expression ("env.registry" -> {"diffusers"}, "matrix.name" -> {...}).
using Values = std::map<std::string, std::vector<std::string>>;

// A tag with several matrix expressions expands to their product; capped so a large matrix
// stays cheap (what is left out is only not recognised as built).
constexpr size_t kMaxExpansions = 256;

void AddEnv(const Node* env, Values& values) {
  if (!env || !env->IsMap()) return;
  for (const auto& [k, v] : env->entries)
    if (k->IsScalar() && v->IsScalar() && v->scalar.find("${{") == std::string::npos)
      values["env." + LowerAscii(k->scalar)] = {v->scalar};
}

void AddMatrix(const Node* strategy, Values& values) {
  const Node* m = strategy && strategy->IsMap() ? strategy->Get("matrix") : nullptr;
  if (!m || !m->IsMap()) return;
  std::map<std::string, std::set<std::string>> seen;
  auto add = [&](const std::string& key, const Node& v) {
    if (!v.IsScalar()) return;
    std::string k = "matrix." + LowerAscii(key);
    if (seen[k].insert(v.scalar).second) values[k].push_back(v.scalar);
  };
  for (const auto& [k, v] : m->entries) {
    if (!k->IsScalar()) continue;
    if (k->scalar == "include" && v->IsSeq()) {
      for (const NodePtr& row : v->items)
        if (row->IsMap())
          for (const auto& [rk, rv] : row->entries)
            if (rk->IsScalar()) add(rk->scalar, *rv);
    } else if (v->IsSeq()) {
      for (const NodePtr& item : v->items) add(k->scalar, *item);
    }
  }
}

// Every text `text` can take with its `${{ ... }}` replaced; empty when one cannot be resolved.
std::vector<std::string> Expand(const std::string& text, const Values& values) {
  std::vector<std::string> out = {""};
  size_t pos = 0;
  for (const auto& [off, inner] : Expressions(text)) {
    size_t open = text.rfind("${{", off);
    size_t close = text.find("}}", off);
    if (open == std::string::npos || close == std::string::npos) return {};
    std::string literal = text.substr(pos, open - pos);
    std::string key = inner;
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front()))) key.erase(0, 1);
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    auto it = values.find(LowerAscii(key));
    if (it == values.end() || it->second.empty()) return {};
    std::vector<std::string> next;
    for (const std::string& prefix : out)
      for (const std::string& v : it->second) {
        if (next.size() >= kMaxExpansions) break;
        next.push_back(prefix + literal + v);
      }
    out = std::move(next);
    pos = close + 2;
  }
  for (std::string& s : out) s += text.substr(pos);
  return out;
}

void Trim(std::string& s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  s.erase(0, b);
}

void FromStep(const Node& step, Values values, std::vector<std::string>& out) {
  AddEnv(step.Get("env"), values);
  auto add = [&](std::string ref) {
    Trim(ref);
    if (ref.empty()) return;
    for (std::string& r : Expand(ref, values)) out.push_back(std::move(r));
  };
  const Node* uses = step.Get("uses");
  if (uses && uses->IsScalar() && LowerAscii(uses->scalar).rfind("docker/build-push-action", 0) == 0) {
    const Node* with = step.Get("with");
    const Node* tags = with && with->IsMap() ? with->Get("tags") : nullptr;
    if (!tags || !tags->IsScalar()) return;
    size_t start = 0;
    const std::string& list = tags->scalar;
    for (size_t i = 0; i <= list.size(); ++i) {
      if (i < list.size() && list[i] != ',' && list[i] != '\n') continue;
      add(list.substr(start, i - start));
      start = i + 1;
    }
    return;
  }
  const Node* run = step.Get("run");
  if (!run || !run->IsScalar()) return;
  for (std::string& ref : ImagesBuiltByScript(run->scalar)) add(std::move(ref));
}

}  // namespace

std::vector<std::string> ImagesBuiltByScript(std::string_view script) {
  static constexpr std::string_view kBuilders[] = {"docker",  "podman", "buildah", "executor",
                                                   "kaniko", "nerdctl", "buildctl"};
  std::vector<std::string> out;
  // Most scripts name no image builder: no lexing for them (a third of the checks' shell lexing).
  if (std::none_of(std::begin(kBuilders), std::end(kBuilders),
                   [&](std::string_view b) { return script.find(b) != std::string_view::npos; }))
    return out;
  for (const shell::ShellCommand& c : shell::LexShell(script)) {
    std::string_view n = c.Name();
    if (std::find(std::begin(kBuilders), std::end(kBuilders), n) == std::end(kBuilders)) continue;
    bool tagging = false;  // the words after `docker tag SRC` / `docker push`
    for (size_t i = 1; i < c.words.size(); ++i) {
      const std::string& v = c.words[i].value;
      if (v == "push" || v == "tag") tagging = true;
      if ((v == "-t" || v == "--tag" || v == "--destination" || v == "-d") && i + 1 < c.words.size()) {
        out.push_back(c.words[++i].value);
      } else if (v.rfind("--tag=", 0) == 0 || v.rfind("--destination=", 0) == 0) {
        out.push_back(v.substr(v.find('=') + 1));
      } else if (tagging && !v.empty() && v[0] != '-' && v != "push" && v != "tag") {
        out.push_back(v);
      }
    }
  }
  return out;
}

std::vector<std::string> GitHubBuiltImages(const Node& doc) {
  std::vector<std::string> out;
  if (!doc.IsMap()) return out;
  Values workflow;
  AddEnv(doc.Get("env"), workflow);
  const Node* jobs = doc.Get("jobs");
  if (!jobs || !jobs->IsMap()) return out;
  for (const auto& [k, job] : jobs->entries) {
    if (!job->IsMap()) continue;
    Values values = workflow;
    AddEnv(job->Get("env"), values);
    AddMatrix(job->Get("strategy"), values);
    const Node* steps = job->Get("steps");
    if (!steps || !steps->IsSeq()) continue;
    for (const NodePtr& s : steps->items)
      if (s->IsMap()) FromStep(*s, values, out);
  }
  return out;
}

}  // namespace pipec::import
