// Fuzz target: bulk device imports (inventory/bulk.h), CSV and JSON, as an
// operator's file or an admin upload reaches them. Every input becomes
// records and per-record errors, or one error; voucher paths read back as
// their own path (never a valid voucher) so the voucher error path runs.
// The count check must see every record: valid plus invalid equals count.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/bulk.h"
#include "inventory/csv.h"

namespace {

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sztp::inventory::BulkReadOptions options;
  options.files.read = [](const std::string& path) -> sztp::Result<sztp::Bytes> {
    return sztp::toBytes(path);
  };
  options.maxInputBytes = 1 << 20;
  if (auto csv = sztp::inventory::readDeviceCsv(text, options)) {
    check(csv->records.size() + csv->errors.size() == csv->count);
    for (const auto& record : csv->records) {
      check(!record.serialNumber.empty() && !record.source.empty());
    }
  }
  if (auto json = sztp::inventory::readDeviceJson(text, options)) {
    check(json->records.size() + json->errors.size() == json->count);
  }
  sztp::inventory::CsvLimits limits;
  limits.maxFields = 8;
  if (auto records = sztp::inventory::parseCsv(text, limits)) {
    for (const auto& record : *records) {
      check(record.line >= 1 && !record.fields.empty() && record.fields.size() <= 8);
    }
  }
  return 0;
}
