#include "compiler/import/script_paths.h"

#include <algorithm>
#include <cctype>

namespace pipec::import {

namespace {

struct Word {
  std::string text;  // unquoted
  size_t offset = 0, length = 0;
  bool quoted_parts = false;
  std::string op;  // a control operator or redirect instead of a word: ";", "|", ">", ...
};

bool IsOperatorChar(char c) {
  return c == ';' || c == '|' || c == '&' || c == '<' || c == '>' || c == '(' || c == ')';
}

std::vector<Word> Split(std::string_view line) {
  std::vector<Word> out;
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#') break;  // a comment (at the start of a word)
    if (IsOperatorChar(c)) {
      Word w;
      w.offset = i;
      while (i < line.size() && IsOperatorChar(line[i]) && w.op.size() < 2) w.op += line[i++];
      w.length = w.op.size();
      out.push_back(std::move(w));
      continue;
    }
    Word w;
    w.offset = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])) &&
           !IsOperatorChar(line[i])) {
      char q = line[i];
      if (q == '\'' || q == '"') {
        size_t end = line.find(q, i + 1);
        if (end == std::string_view::npos) end = line.size();
        w.text += line.substr(i + 1, end - i - 1);
        w.quoted_parts = true;
        i = std::min(end + 1, line.size());
        continue;
      }
      if (q == '\\' && i + 1 < line.size()) ++i;
      w.text += line[i++];
    }
    w.length = i - w.offset;
    out.push_back(std::move(w));
  }
  return out;
}

bool LooksLikePath(std::string_view w) {
  if (w.empty() || w.front() == '-' || w.front() == '/' || w.front() == '~') return false;
  if (w.find_first_of("$`*?[{=:@ \t") != std::string_view::npos)
    return false;  // vars, globs, URLs, k=v
  if (w.find("..") != std::string_view::npos) return false;
  if (w.find('/') != std::string_view::npos) return true;
  // a bare file name with an extension: "model.pkl", but not "1.2.3" or "python3.11"
  size_t dot = w.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == w.size()) return false;
  std::string_view ext = w.substr(dot + 1);
  return std::all_of(ext.begin(), ext.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }) &&
         !std::all_of(w.begin(), w.begin() + dot,
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string CanonicalArtifactPath(std::string_view path) {
  std::string out;
  while (path.substr(0, 2) == "./") path.remove_prefix(2);
  for (char c : path)
    if (!(c == '/' && !out.empty() && out.back() == '/')) out += c;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

std::vector<ScriptPath> ScriptPaths(std::string_view line) {
  std::vector<ScriptPath> out;
  std::vector<Word> words = Split(line);
  std::string command;  // the current simple command's name
  bool last_arg_is_path = false;
  bool next_writes = false;  // after `>`, `>>`, `-o`, `--output`
  bool next_is_heredoc = false;
  auto end_command = [&] {
    // cp/mv/install/ln/rsync write their last argument.
    if (last_arg_is_path && (command == "cp" || command == "mv" || command == "install" ||
                             command == "ln" || command == "rsync"))
      out.back().writes = true;
    command.clear();
    last_arg_is_path = false;
  };
  for (const Word& w : words) {
    if (!w.op.empty()) {
      if (w.op == ">" || w.op == ">>" || w.op == ">|" || w.op == "&>")
        next_writes = true;
      else if (w.op == "<<")
        next_is_heredoc = true;
      else if (w.op != "<")
        end_command();
      continue;
    }
    if (next_is_heredoc) {  // the here-document's delimiter
      next_is_heredoc = false;
      continue;
    }
    if (command.empty() && w.text.find('=') != std::string::npos && !w.quoted_parts)
      continue;  // VAR=value prefix
    bool first = command.empty();
    if (first) command = w.text;
    std::string text = w.text;
    bool writes = next_writes;
    next_writes = false;
    last_arg_is_path = false;
    if (!first && (text == "-o" || text == "--output" || text == "-O" || text == "--out")) {
      next_writes = true;
      continue;
    }
    if (!first && text.rfind("--output=", 0) == 0) {
      text = text.substr(9);
      writes = true;
    }
    if (!first && (command == "mkdir" || command == "touch" || command == "rm" || command == "tee"))
      writes = true;
    // What a line writes may be a bare directory name ("mkdir public"); what it reads must
    // look like a path to count.
    bool plain_name = !text.empty() && text.front() != '-' &&
                      text.find_first_of("$`*?[{=:@ \t/~") == std::string::npos &&
                      text.find("..") == std::string::npos;
    if (!LooksLikePath(text) && !(writes && plain_name)) continue;
    ScriptPath p;
    p.path = CanonicalArtifactPath(text);
    p.offset = w.offset;
    p.length = w.length;
    p.writes = writes;
    if (p.path.empty()) continue;
    out.push_back(std::move(p));
    last_arg_is_path = !first;
  }
  end_command();
  return out;
}

}  // namespace pipec::import
