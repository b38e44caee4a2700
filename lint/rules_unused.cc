// Declarations nothing uses (the front end records use in ir::Pipeline::declarations, so
// these rules need no name resolution of their own).
#include <fmt/format.h>

#include "lint/rules.h"

namespace pipec::lint {

void CheckUnused(RuleContext& ctx) {
  for (const ir::Usage& u : ctx.pipeline().declarations) {
    if (u.used) continue;
    if (u.kind == "var")
      ctx.Report(DiagKind::UnusedVariable, u.range,
                 fmt::format("variable {} is declared but never used", u.name));
    else if (u.kind == "template")
      ctx.Report(DiagKind::UnusedTemplate, u.range,
                 fmt::format("template {} is declared but no job uses it", u.name));
    else if (u.kind == "secret")
      ctx.Report(DiagKind::UnusedSecret, u.range,
                 fmt::format("secret {} is declared but no job binds it", u.name));
    else if (u.kind == "cache")
      ctx.Report(DiagKind::UnusedCache, u.range,
                 fmt::format("cache {} is declared but no job uses it", u.name));
  }
}

}  // namespace pipec::lint
