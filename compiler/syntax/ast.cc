#include "compiler/syntax/ast.h"

namespace pipec::ast {

std::string QualifiedName::Joined() const {
  std::string s;
  for (const Ident& p : parts) s += (s.empty() ? "" : ".") + p.text;
  return s;
}

bool StringLit::HasInterpolation() const {
  for (const StringPart& p : parts)
    if (p.interpolation) return true;
  return false;
}

std::string StringLit::Flat() const {
  std::string s;
  for (const StringPart& p : parts) s += p.interpolation ? "${{ " + p.text + " }}" : p.text;
  return s;
}

std::string_view JobItem::Keyword() const {
  static constexpr std::string_view kNames[] = {
      "stage", "needs", "when", "when", "image", "services", "runner", "shell", "env", "matrix",
      "in", "run", "out", "environment", "timeout", "retry", "allow_failure", "uses cache",
      "trigger pipeline", "trigger project", "raw", "setup", "teardown"};
  return kNames[value.index()];
}

}  // namespace pipec::ast
