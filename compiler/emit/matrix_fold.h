#pragma once
// The IR is matrix-expanded (one job per cell). Targets that have a matrix (GitLab
// parallel:matrix, GitHub strategy.matrix) get it back when the cells are the same job up to
// their matrix values: each cell is turned into a template by replacing its values with
// placeholders, and the group folds only when every cell gives the same emitted job, so the
// vendor's own expansion reproduces each cell exactly. Otherwise the cells stay separate
// jobs and a note says why (P6002).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/emit/yaml_writer.h"
#include "compiler/ir/ir.h"

namespace pipec::emit {

// A placeholder for matrix key `key` inside strings ("\x01key\x01"); never valid text.
std::string MatrixPlaceholder(const std::string& key);

struct MatrixGroup {
  std::string base;             // the declared job name
  std::vector<size_t> cells;    // indexes into Pipeline::jobs, in order
  ir::Job templ;                // the first cell with values replaced by placeholders
  std::vector<std::string> keys;                       // sorted
  std::vector<std::map<std::string, std::string>> values;  // one per cell
  // Per key, the distinct values in first-seen order, when the cells are their full product.
  std::map<std::string, std::vector<std::string>> axes;
  bool full_product = false;
};

// Matrix groups that may fold: more than one cell, no value outputs, and no other job that
// reads a cell's outputs or needs only some of the cells. `why_not` receives the groups
// that cannot fold, with the reason (for P6002).
std::vector<MatrixGroup> MatrixCandidates(const ir::Pipeline& p,
                                          std::vector<std::pair<size_t, std::string>>& why_not);

// The cell with its matrix values replaced by placeholders and its name set to the base name.
ir::Job Templatize(const ir::Job& cell);

// Trial-emits each cell's template with `emit_job` and folds the groups whose cells all give
// the same job; reports P6002 (naming `target`) for every group left expanded. `unfoldable`,
// when given, returns why an emitted template cannot be folded ("" when it can), for what
// the vendor's matrix cannot reproduce although every cell gives the same template.
std::vector<MatrixGroup> FoldMatrices(
    const ir::Pipeline& p, std::string_view target,
    const std::function<Doc(const ir::Job&)>& emit_job, DiagnosticSink& diags,
    const std::function<std::string(const Doc&)>& unfoldable = {});

// The cells as a vendor matrix: the axes when the cells are their full product, else one
// entry per cell. GitLab wants a list of entries, GitHub a map (with `include` for cells).
Doc GitLabMatrix(const MatrixGroup& g);
Doc GitHubMatrix(const MatrixGroup& g);

// Replaces placeholders in every string of `doc` with render(key).
void RenderPlaceholders(Doc& doc, const std::function<std::string(const std::string&)>& render);

}  // namespace pipec::emit
