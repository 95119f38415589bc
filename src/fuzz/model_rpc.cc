// Fuzz target: the bootstrap-server RPC bodies (get-bootstrapping-data input
// and output, report-progress input) and the RFC 9646 csr-request structure
// (the error-info of a 400 answer to csr-support) in both encodings.
#include <cstddef>
#include <cstdint>

#include "model/bootstrap_rpc.h"
#include "model/fuzz_round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sztp::model;
  checkRoundTrips(data, size, parseGetBootstrappingDataInput, encodeGetBootstrappingDataInput);
  checkRoundTrips(data, size, parseGetBootstrappingDataOutput, encodeGetBootstrappingDataOutput);
  checkRoundTrips(data, size, parseReportProgressInput, encodeReportProgressInput);
  checkRoundTrips(data, size, parseCsrRequest, encodeCsrRequest);
  return 0;
}
