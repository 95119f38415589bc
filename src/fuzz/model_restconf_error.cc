// Fuzz target: RESTCONF errors bodies in both encodings. error-info anydata is
// kept in the document's own encoding, so it is dropped when the encoding changes.
#include <cstddef>
#include <cstdint>

#include "model/fuzz_round_trip.h"
#include "model/restconf_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sztp::model;
  checkRoundTrips(data, size, parseRestconfErrors, encodeRestconfErrors, [](RestconfErrors errors) {
    for (auto& error : errors.errors) {
      error.errorInfo.reset();
    }
    return errors;
  });
  return 0;
}
