#include "inventory/csv.h"

#include "inventory/inventory_error.h"

namespace sztp::inventory {

Result<std::vector<CsvRecord>> parseCsv(std::string_view text, const CsvLimits& limits) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  std::size_t line = 1;
  std::size_t i = 0;
  bool fieldStarted = false;  // Anything seen in this record yet (for blank lines).
  auto lineText = [&](std::size_t at) { return "line " + std::to_string(at); };

  auto endField = [&]() -> Status {
    if (record.fields.size() >= limits.maxFields) {
      return Error(InventoryErrc::LimitExceeded, lineText(record.line) + ": more than " +
                                                     std::to_string(limits.maxFields) + " fields");
    }
    record.fields.push_back(std::move(field));
    field.clear();
    return {};
  };
  auto endRecord = [&]() -> Status {
    if (fieldStarted || !record.fields.empty()) {
      if (auto s = endField(); !s) {
        return s;
      }
      if (records.size() >= limits.maxRecords) {
        return Error(InventoryErrc::LimitExceeded,
                     "more than " + std::to_string(limits.maxRecords) + " records");
      }
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    fieldStarted = false;
    return {};
  };

  record.line = line;
  while (i < text.size()) {
    const char c = text[i];
    if (!fieldStarted && record.fields.empty()) {
      record.line = line;
    }
    if (c == '"' && field.empty()) {
      // A quoted field: up to the closing quote, "" for a quote.
      const std::size_t start = line;
      fieldStarted = true;
      ++i;
      while (true) {
        if (i >= text.size()) {
          return Error(InventoryErrc::Invalid, lineText(start) + ": a quoted field is not closed");
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') {
          ++line;
        }
        field += text[i++];
        if (field.size() > limits.maxFieldBytes) {
          return Error(InventoryErrc::LimitExceeded, lineText(start) + ": a field is longer than " +
                                                         std::to_string(limits.maxFieldBytes) +
                                                         " octets");
        }
      }
      // After the closing quote: a separator, a line end or the end.
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return Error(InventoryErrc::Invalid,
                     lineText(line) + ": text after the closing quote of a field");
      }
      continue;
    }
    if (c == ',') {
      fieldStarted = true;
      if (auto s = endField(); !s) {
        return std::move(s).error();
      }
      ++i;
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (c == '\n') {
      if (auto s = endRecord(); !s) {
        return std::move(s).error();
      }
      ++line;
      ++i;
      continue;
    }
    fieldStarted = true;
    field += c;
    if (field.size() > limits.maxFieldBytes) {
      return Error(InventoryErrc::LimitExceeded, lineText(line) + ": a field is longer than " +
                                                     std::to_string(limits.maxFieldBytes) +
                                                     " octets");
    }
    ++i;
  }
  if (auto s = endRecord(); !s) {
    return std::move(s).error();
  }
  return records;
}

}  // namespace sztp::inventory
