// Data edges: `in` items and the needs they imply.
// Part of the Analyzer (analyzer.h), split by concern.
#include <fmt/format.h>

#include <algorithm>

#include "compiler/sema/analyzer.h"

namespace pipec::sema {

using ir::TypeKind;

// `in NAME = JOB.OUTPUT`: the job's inputs and the data edges they imply.
void Analyzer::LowerInputs(JobSpec& s, size_t cell, ir::Job& job, JobCtx& ctx) {
  auto once = [&](auto&& fn) {
    if (cell == 0) fn();
  };
  std::map<std::string, const LayerItem*> inputs_by_name;
  for (const LayerItem& li : s.items) {
    auto* in = std::get_if<ast::InItem>(&li.item->value);
    if (!in) continue;
    if (auto it = inputs_by_name.find(in->name.text);
        it != inputs_by_name.end() && it->second->layer == li.layer) {
      once([&] {
        ReportIn(*li.env, DiagKind::DuplicateDefinition, in->name.range,
                 fmt::format("input `{}` is declared twice", in->name.text));
      });
      continue;
    }
    inputs_by_name[in->name.text] = &li;
  }
  // Not a structured binding: lambdas below capture these, which clang 14 (`make fuzz`) refuses.
  for (const auto& entry : inputs_by_name) {
    const std::string& local = entry.first;
    const LayerItem* li = entry.second;
    const auto& in = std::get<ast::InItem>(li->item->value);
    if (!job_decls_.count(in.job.text)) {
      once([&] { CheckJobRef(in.job, *li->env); });
      ctx.broken_inputs.insert(local);
      continue;
    }
    if (in.job.text == s.decl->name.text) {
      once([&] {
        ReportIn(*li->env, DiagKind::SelfDependency, in.job.range,
                 fmt::format("job `{}` cannot read its own output", in.job.text));
      });
      ctx.broken_inputs.insert(local);
      continue;
    }
    auto producer = MatchCell(in.job.text, s.cells[cell], *li->env, in.job.range);
    if (!producer) {
      ctx.broken_inputs.insert(local);
      continue;
    }
    const auto& outs = outputs_[*producer];
    auto o = std::find_if(outs.begin(), outs.end(),
                          [&](const ir::Output& x) { return x.name == in.output.text; });
    if (o == outs.end()) {
      once([&] {
        std::vector<std::string> names;
        for (const auto& x : outs) names.push_back(x.name);
        auto close = ClosestNames(in.output.text, names);
        Diagnostic& d = ReportIn(
            *li->env, DiagKind::UnknownOutput, in.output.range,
            fmt::format("job `{}` has no output `{}`{}", in.job.text, in.output.text,
                        close.empty() ? "" : fmt::format("; did you mean `{}`?", close[0])));
        for (const auto& x : outs)
          if (!close.empty() && x.name == close[0])
            d.Note(x.range, fmt::format("`{}` is declared here", x.name));
        if (outs.empty())
          d.Note(job_decls_[in.job.text]->name.range,
                 fmt::format("job `{}` declares no outputs", in.job.text));
      });
      ctx.broken_inputs.insert(local);
      continue;
    }
    if (ir::IsValueOutput(o->kind)) {
      once([&] {
        ReportIn(*li->env, DiagKind::WrongOutputKind, in.output.range,
                 fmt::format("`{}.{}` is a {} value, not a file; read values in `when {}.{}`",
                             in.job.text, in.output.text, ir::OutputKindName(o->kind), in.job.text,
                             in.output.text))
            .Note(o->range, "declared here");
      });
      ctx.broken_inputs.insert(local);
      continue;
    }
    ir::InputRef ref;
    ref.name = local;
    ref.job = *producer;
    ref.output = o->name;
    ref.kind = o->kind;
    ref.path = o->path;
    if (in.at) {
      ir::Text at = LowerText(*in.at, *li->env, &ctx, "an input path");
      ref.path = at.LiteralText();
      once([&] { CheckRelativePath(ref.path, in.at->range, *li->env, "an input path"); });
    }
    ref.range = li->item->range;
    ctx.input_paths[local] = ref.path;
    job.inputs.push_back(std::move(ref));
    AddNeed(job, *producer, true, ir::Need::Origin::Data, li->item->range);
  }
}

void Analyzer::AddNeed(ir::Job& job, const std::string& target, bool artifacts,
                       ir::Need::Origin origin, SourceRange r) {
  for (ir::Need& n : job.needs)
    if (n.job == target && n.origin == origin) {
      n.artifacts = n.artifacts || artifacts;
      return;
    }
  ir::Need n;
  n.job = target;
  n.artifacts = artifacts;
  n.origin = origin;
  n.range = r;
  job.needs.push_back(n);
}

}  // namespace pipec::sema
