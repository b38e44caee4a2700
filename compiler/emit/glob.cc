#include "compiler/emit/glob.h"

#include <vector>

namespace pipec::emit {

std::string GlobToGitLabRegex(std::string_view glob) {
  std::string re = "/^";
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '*') {
      // `**` and `*` both cross `/` in branch names, as GitLab's own wildcards do.
      while (i + 1 < glob.size() && glob[i + 1] == '*') ++i;
      re += ".*";
    } else if (c == '?') {
      re += '.';
    } else if (std::string_view("\\^$.|+()[]{}/").find(c) != std::string_view::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  re += "$/";
  return re;
}

std::string GitHubString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

std::string PortablePathGlob(std::string_view glob) {
  std::string out;
  for (size_t i = 0; i < glob.size();) {
    bool segment_start = i == 0 || glob[i - 1] == '/';
    if (segment_start && glob.substr(i, 2) == "**") {
      size_t end = i;
      while (end < glob.size() && glob[end] == '*') ++end;  // `***` is `**`
      out += "**/";
      if (end < glob.size() && glob[end] == '/') {
        i = end + 1;
      } else {
        out += '*';  // `**` then the rest of its segment, or nothing
        i = end;
      }
      continue;
    }
    out += glob[i++];
  }
  return out;
}

std::string GitLabString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

GitHubGlobMatch GlobToGitHubExpr(std::string_view glob, std::string_view subject) {
  GitHubGlobMatch m;
  std::string subj(subject);
  if (glob.find_first_of("?[") != std::string_view::npos) m.exact = false;
  std::vector<std::string> pieces;
  std::string cur;
  for (char c : glob) {
    if (c == '*') {
      pieces.push_back(cur);
      cur.clear();
    } else if (c == '?' || c == '[' || c == ']') {
      // Not expressible: split here so the literal parts around it still must match.
      pieces.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  pieces.push_back(cur);
  if (pieces.size() == 1) {
    m.expr = subj + " == " + GitHubString(pieces[0]);
    return m;
  }
  std::vector<std::string> terms;
  if (!pieces.front().empty())
    terms.push_back("startsWith(" + subj + ", " + GitHubString(pieces.front()) + ")");
  if (!pieces.back().empty())
    terms.push_back("endsWith(" + subj + ", " + GitHubString(pieces.back()) + ")");
  for (size_t i = 1; i + 1 < pieces.size(); ++i) {
    if (pieces[i].empty()) continue;
    // Order of inner pieces is not checked: the match is wider than the glob.
    m.exact = false;
    terms.push_back("contains(" + subj + ", " + GitHubString(pieces[i]) + ")");
  }
  if (terms.empty()) {
    m.expr = "true";
    return m;
  }
  for (size_t i = 0; i < terms.size(); ++i) m.expr += (i ? " && " : "") + terms[i];
  return m;
}

}  // namespace pipec::emit
