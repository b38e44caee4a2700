#pragma once
// Points a DiagnosticSink* at a throwaway sink for the lifetime of this object, then back:
// emitters use it for trial emission (e.g. of matrix cells) whose findings must not be reported.
#include "compiler/diag/diagnostic.h"

namespace pipec::emit {

class DiscardDiagnostics {
 public:
  explicit DiscardDiagnostics(DiagnosticSink*& slot) : slot_(slot), real_(slot) { slot_ = &scratch_; }
  ~DiscardDiagnostics() { slot_ = real_; }
  DiscardDiagnostics(const DiscardDiagnostics&) = delete;
  DiscardDiagnostics& operator=(const DiscardDiagnostics&) = delete;

 private:
  DiagnosticSink scratch_;
  DiagnosticSink*& slot_;
  DiagnosticSink* real_;
};

}  // namespace pipec::emit
