// Fuzz target for the step records the agent reads back after a restart
// (agentio/step_record.h: cmd.json, result.json). Beyond not crashing: what
// parses re-encodes and parses to the same values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agentio/step_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sztp::agentio;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto outcome = parseStepOutcome(text); outcome) {
    auto again = parseStepOutcome(encodeStepOutcome(*outcome));
    if (!again || again->exitCode != outcome->exitCode || again->timedOut != outcome->timedOut ||
        again->signal != outcome->signal || again->omittedBytes != outcome->omittedBytes ||
        again->durationMs != outcome->durationMs) {
      std::abort();
    }
  }
  if (auto spec = parseStepSpec(text); spec) {
    auto again = parseStepSpec(encodeStepSpec(*spec));
    if (!again || again->command.argv.size() != spec->command.argv.size() ||
        again->command.timeout != spec->command.timeout ||
        again->command.maxOutput != spec->command.maxOutput ||
        again->killGrace != spec->killGrace ||
        again->command.environment.size() != spec->command.environment.size()) {
      std::abort();
    }
  }
  (void)stepDirectoryName(text);
  return 0;
}
