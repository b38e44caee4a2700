#include "lint/shell_words.h"

namespace pipec::lint {

bool IsShell(std::string_view name) {
  for (std::string_view s : {"sh", "bash", "zsh", "dash", "ksh", "ash", "fish"})
    if (name == s) return true;
  return false;
}

bool NamesFile(const shell::ShellWord& word, std::string_view file) {
  std::string_view v = word.value;
  if (v.rfind("./", 0) == 0) v.remove_prefix(2);
  if (file.rfind("./", 0) == 0) file.remove_prefix(2);
  return v == file;
}

}  // namespace pipec::lint
