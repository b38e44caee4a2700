#pragma once
// A GitLab variable's value as Pipe can carry it. GitLab expands `$NAME` / `${NAME}` in a
// variable's value when the job starts (`$$` is a literal `$`); in Pipe `$` in `env` is literal
// text on every target, so writing the value as it stands would change it (GitLab would get
// `$$NAME`). So a value is, in order of preference:
//  - plain Pipe text, with `${{ git.sha }}`, `${{ workspace }}`, ... for the references Pipe
//    has a name for (CI_COMMIT_SHA, CI_PROJECT_DIR, ...);
//  - a secret binding, when the value is one reference to a variable the file does not define
//    (a CI/CD setting) and that variable, or the one it is given to, is named like a credential;
//  - else a shell word that the job's script exports (`export X="${REGISTRY}/app"`), which
//    every target's shell expands as GitLab would.
#include <set>
#include <string>

namespace pipec::import {

struct LoweredValue {
  enum class Kind { Text, Secret, Export } kind = Kind::Text;
  std::string text;  // Text: a Pipe string literal; Secret: its name; Export: a shell word
};

// `defined`: the variables the file itself defines (they are no CI/CD settings).
LoweredValue LowerGitLabValue(const std::string& name, const std::string& value,
                              const std::set<std::string>& defined);

}  // namespace pipec::import
