#pragma once
// Shared pieces of the fuzz targets (docs/fuzzing.md): every target is a
// LLVMFuzzerTestOneInput that must never crash, hang or grow without bound on any input, and
// that aborts (a finding for the fuzzer) when one of its own invariants fails.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"

namespace pipec::fuzz {

// The input as text.
inline std::string Text(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Aborts with `what` when `ok` is false: libFuzzer and the replay driver report it as a crash.
void Require(bool ok, std::string_view what);

// Runs every report writer (text, JSON, SARIF, Code Quality, GitHub annotations) on `diags`
// and checks that the JSON ones produce JSON; SARIF only when `sarif` is set.
void WriteReports(const std::vector<Diagnostic>& diags, const SourceManager& sm, bool sarif = true);

// A SARIF report embeds every rule's documentation (75 KB): writing and re-reading it was
// three quarters of an input's time in the pipe, gitlab and github targets. They write it
// for one input in 8, chosen by the input's bytes (a run stays reproducible); the writers
// target, whose job is the writers, every time.
bool SarifSample(const uint8_t* data, size_t size);

}  // namespace pipec::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
