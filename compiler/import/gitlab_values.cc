#include "compiler/import/gitlab_values.h"

#include <cctype>
#include <vector>

#include "compiler/import/pipe_writer.h"
#include "compiler/import/secret_names.h"

namespace pipec::import {

namespace {

// Predefined variables Pipe names on every target (emit/git_refs.cc).
const char* PipeReference(const std::string& var) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"CI_COMMIT_SHA", "git.sha"},          {"CI_COMMIT_SHORT_SHA", "git.short_sha"},
      {"CI_COMMIT_BRANCH", "git.branch"},    {"CI_COMMIT_TAG", "git.tag"},
      {"CI_COMMIT_REF_NAME", "git.ref"},     {"CI_DEFAULT_BRANCH", "git.default_branch"},
      {"CI_PIPELINE_ID", "git.pipeline_id"}, {"CI_PROJECT_DIR", "workspace"}};
  for (const auto& [v, r] : kNames)
    if (var == v) return r;
  return nullptr;
}

struct Piece {
  bool ref = false;
  std::string text;  // literal text, or the variable name
};

std::vector<Piece> Split(const std::string& value) {
  std::vector<Piece> out;
  auto literal = [&](char c) {
    if (out.empty() || out.back().ref) out.push_back({false, ""});
    out.back().text += c;
  };
  auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i < value.size();) {
    if (value[i] != '$') {
      literal(value[i++]);
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '$') {  // `$$`: a literal `$`
      literal('$');
      i += 2;
      continue;
    }
    size_t start = i + 1, end = start;
    bool braced = start < value.size() && value[start] == '{';
    if (braced) start = end = start + 1;
    while (end < value.size() && name_char(value[end])) ++end;
    bool closed = !braced || (end < value.size() && value[end] == '}');
    if (end == start || !closed) {
      literal(value[i++]);
      continue;
    }
    out.push_back({true, value.substr(start, end - start)});
    i = braced ? end + 1 : end;
  }
  return out;
}

}  // namespace

LoweredValue LowerGitLabValue(const std::string& name, const std::string& value,
                              const std::set<std::string>& defined) {
  std::vector<Piece> pieces = Split(value);
  bool any_ref = false, all_named = true;
  for (const Piece& p : pieces)
    if (p.ref) {
      any_ref = true;
      if (!PipeReference(p.text)) all_named = false;
    }
  if (pieces.size() == 1 && pieces[0].ref) {
    const std::string& var = pieces[0].text;
    bool setting = !defined.contains(var) && !IsPredefinedVariable(var);
    bool credential = CredentialWord(var) || (CredentialWord(name) && !NamesIdentifier(name));
    if (setting && credential) return {LoweredValue::Kind::Secret, var};
  }
  bool multiline = value.find('\n') != std::string::npos;
  if (!any_ref) {
    std::string text;
    for (const Piece& p : pieces) text += p.text;
    return {LoweredValue::Kind::Text, PipeString(text)};
  }
  if (all_named && !multiline) {
    std::string literal = "\"";
    for (const Piece& p : pieces) {
      if (p.ref) {
        literal += std::string("${{ ") + PipeReference(p.text) + " }}";
        continue;
      }
      std::string quoted = PipeString(p.text);  // "..." (one line)
      literal += quoted.substr(1, quoted.size() - 2);
    }
    return {LoweredValue::Kind::Text, literal + "\""};
  }
  std::string word = "\"";
  for (const Piece& p : pieces) {
    if (p.ref) {
      word += "${" + p.text + "}";
      continue;
    }
    for (char c : p.text) {
      if (c == '"' || c == '\\' || c == '`' || c == '$') word += '\\';
      word += c;
    }
  }
  return {LoweredValue::Kind::Export, word + "\""};
}

}  // namespace pipec::import
