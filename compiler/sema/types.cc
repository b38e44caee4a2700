// Types and small tables shared by the analyzer's files.
#include <fmt/format.h>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

ir::Type TypeOf(const ast::TypeRef& t) {
  ir::Type out;
  auto map = [](ast::TypeKind k) {
    switch (k) {
      case ast::TypeKind::String:
        return TypeKind::String;
      case ast::TypeKind::Int:
        return TypeKind::Int;
      case ast::TypeKind::Float:
        return TypeKind::Float;
      case ast::TypeKind::Bool:
        return TypeKind::Bool;
      case ast::TypeKind::Duration:
        return TypeKind::Duration;
      case ast::TypeKind::Path:
        return TypeKind::Path;
      case ast::TypeKind::Secret:
        return TypeKind::Secret;
      case ast::TypeKind::List:
        return TypeKind::List;
    }
    return TypeKind::String;
  };
  out.kind = map(t.kind);
  if (t.kind == ast::TypeKind::List && t.element) out.element = map(t.element->kind);
  return out;
}

// A value of type `have` may be used where `want` is expected.
bool Assignable(const ir::Type& want, const ir::Type& have) {
  if (want == have) return true;
  if (want.kind == TypeKind::Path && have.kind == TypeKind::String) return true;
  if (want.kind == TypeKind::String && have.kind == TypeKind::Path) return true;
  if (want.kind == TypeKind::Float && have.kind == TypeKind::Int) return true;
  if (want.kind == TypeKind::List && have.kind == TypeKind::List) {
    if (want.element == have.element) return true;
    return Assignable(ir::Type{want.element}, ir::Type{have.element});
  }
  return false;
}

ir::Value Convert(ir::Value v, const ir::Type& want) {
  if (want.kind == TypeKind::Float && v.type.kind == TypeKind::Int) {
    v.float_value = static_cast<double>(v.int_value);
    v.string_value = std::to_string(v.int_value);
  }
  if (want.kind == TypeKind::List)
    for (ir::Value& e : v.list) e = Convert(e, ir::Type{want.element});
  v.type = want;
  return v;
}

std::string Loc(const SourceRange& r) { return fmt::format("{}:{}", r.begin.line, r.begin.column); }

std::optional<ir::OutputKind> OutputKindOf(std::string_view k) {
  using K = ir::OutputKind;
  static const std::map<std::string_view, K> kinds = {{"file", K::File},
                                                      {"dir", K::Dir},
                                                      {"junit", K::Junit},
                                                      {"dotenv", K::Dotenv},
                                                      {"codequality", K::Codequality},
                                                      {"coverage", K::Coverage},
                                                      {"bool", K::Bool},
                                                      {"int", K::Int},
                                                      {"float", K::Float},
                                                      {"string", K::String}};
  auto it = kinds.find(k);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

const std::set<std::string>& GitFields() {
  // The fields every target can read (emit/git_refs.cc); the pipeline's source is `trigger`.
  static const std::set<std::string> f = {"sha", "short_sha",      "branch",     "tag",
                                          "ref", "default_branch", "pipeline_id"};
  return f;
}

}  // namespace pipec::sema
