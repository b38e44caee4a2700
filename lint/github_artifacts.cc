#include "lint/github_artifacts.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "lint/rule_context.h"

namespace pipec::lint {

bool GitHubArtifactNameMatches(std::string_view upload, std::string_view name) {
  if (upload.find("${{") == std::string_view::npos) return upload == name;
  std::vector<std::string_view> parts;  // the literal text between expressions
  size_t pos = 0;
  while (true) {
    size_t open = upload.find("${{", pos);
    if (open == std::string_view::npos) {
      parts.push_back(upload.substr(pos));
      break;
    }
    parts.push_back(upload.substr(pos, open - pos));
    size_t close = upload.find("}}", open);
    if (close == std::string_view::npos) return false;
    pos = close + 2;
  }
  if (name.substr(0, parts.front().size()) != parts.front()) return false;
  size_t at = parts.front().size();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    size_t found = name.find(parts[i], at);
    if (found == std::string_view::npos) return false;
    at = found + parts[i].size();
  }
  const std::string_view last = parts.back();
  return name.size() >= at + last.size() && name.substr(name.size() - last.size()) == last;
}

bool MayUploadUnseenArtifacts(const ir::Job& j) {
  if (j.trigger) return true;  // a reusable workflow call: its jobs may upload
  return std::any_of(j.steps.begin(), j.steps.end(), [](const ir::Step& s) {
    if (s.kind != ir::Step::Kind::Uses) return false;
    std::string action = ActionName(s);
    static constexpr std::array<std::string_view, 5> kNoUpload = {
        "actions/checkout", "actions/upload-artifact", "actions/download-artifact", "actions/cache",
        "actions/labeler"};
    return std::find(kNoUpload.begin(), kNoUpload.end(), action) == kNoUpload.end() &&
           action.rfind("actions/setup-", 0) != 0 && action.rfind("actions/cache/", 0) != 0;
  });
}

}  // namespace pipec::lint
