// Fuzz target: conveyed-information in both encodings (parse, then the
// round-trip invariants of model/fuzz_round_trip.h).
#include <cstddef>
#include <cstdint>

#include "model/conveyed_info.h"
#include "model/fuzz_round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sztp::model::checkRoundTrips(data, size, sztp::model::parseConveyedInformation,
                               sztp::model::encodeConveyedInformation);
  return 0;
}
