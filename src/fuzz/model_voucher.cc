// Fuzz target: ownership voucher data in both encodings.
#include <cstddef>
#include <cstdint>

#include "model/fuzz_round_trip.h"
#include "model/voucher.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sztp::model::checkRoundTrips(data, size, sztp::model::parseVoucher, sztp::model::encodeVoucher);
  return 0;
}
