// The native plan reader (`pipec run plan.json`): any JSON is read or refused with a message;
// a plan it accepts writes back to JSON that reads again to the same bytes.
#include "fuzz/fuzz_support.h"
#include "runtime/plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pipec;
  std::string error;
  std::optional<plan::Plan> plan = plan::ReadPlanJson(fuzz::Text(data, size), &error);
  if (!plan) {
    fuzz::Require(!error.empty(), "the plan reader refused a plan without saying why");
    return 0;
  }
  std::string written = plan::WritePlanJson(*plan);
  std::optional<plan::Plan> again = plan::ReadPlanJson(written, &error);
  fuzz::Require(again.has_value(), "the plan reader refuses what the plan writer wrote: " + error);
  fuzz::Require(plan::WritePlanJson(*again) == written, "a plan does not round-trip through JSON");
  return 0;
}
