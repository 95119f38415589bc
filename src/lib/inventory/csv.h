#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sztp::inventory {

// Internal: RFC 4180 CSV as spreadsheets write it: fields separated by
// commas, optionally in double quotes (a quote inside doubled), records
// ending in LF or CRLF, quoted fields may span lines. A UTF-8 byte order mark
// is skipped. Blank lines are skipped.

struct CsvRecord {
  std::size_t line = 0;  ///< 1-based line where the record starts.
  std::vector<std::string> fields;
};

struct CsvLimits {
  std::size_t maxFieldBytes = 64 * 1024;
  std::size_t maxFields = 64;
  std::size_t maxRecords = 10'000'000;
};

/// Fails with InventoryErrc::Invalid naming the line (an unterminated quote,
/// text after a closing quote) or LimitExceeded.
Result<std::vector<CsvRecord>> parseCsv(std::string_view text, const CsvLimits& limits = {});

}  // namespace sztp::inventory
