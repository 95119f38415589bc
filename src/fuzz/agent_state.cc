// Fuzz target: the agent's state file (agent/agent_state.h), read on every
// start. A state file is untrusted: a crash, a full disk or an operator's
// editor can leave anything there. Whatever parses must re-encode to a
// document that parses to the same state (the codec is lossless).
#include "agent/agent_state.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/status.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sztp::agent;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = parseState(text);
  if (!state) {
    return 0;
  }
  (void)renderStatusJson(*state, StatusExtras{"fuzz", 1, true, std::nullopt}, true);
  (void)renderStatusText(*state, StatusExtras{"fuzz", std::nullopt, false, std::nullopt}, true);
  auto again = parseState(encodeState(*state));
  if (!again) {
    std::abort();
  }
  // Re-encoding is a fixed point (invalid UTF-8 in strings is replaced on the
  // first encode, so compare the second round with the first).
  if (encodeState(*again) != encodeState(*parseState(encodeState(*again)))) {
    std::abort();
  }
  return 0;
}
