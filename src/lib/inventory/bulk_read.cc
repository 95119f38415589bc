// Reading bulk imports: CSV, JSON and .vcj folders into DeviceRecords.
#include <nlohmann/json.hpp>

#include "crypto/password_hash.h"
#include "inventory/bulk.h"
#include "inventory/csv.h"
#include "inventory/inventory_error.h"
#include "registry/json_codec.h"

namespace sztp::inventory {
namespace {

constexpr std::string_view kColumns[] = {
    "serial-number",   "device-type",          "owner",
    "activation-code", "activation-code-hash", "ownership-voucher",
    "enabled",         "onboarding-profile",   "redirect-profile",
};
constexpr int kMaxJsonDepth = 32;

// Checks a voucher against its record's serial number (when the record
// has one) and returns the serial number it is for.
Result<std::string> checkVoucher(ByteView voucher, const std::string& serial,
                                 const BulkReadOptions& options) {
  if (voucher.size() > options.maxVoucherBytes) {
    return Error(
        InventoryErrc::LimitExceeded,
        "the voucher is larger than " + std::to_string(options.maxVoucherBytes) + " octets");
  }
  auto decoded = decodeVoucher(voucher, options.vouchers);
  if (!decoded) {
    return std::move(decoded).error();
  }
  if (!serial.empty() && decoded->serialNumber != serial) {
    return Error(
        InventoryErrc::VoucherInvalid,
        "the voucher is for serial number '" + decoded->serialNumber + "', not '" + serial + "'");
  }
  return decoded->serialNumber;
}

Result<Bytes> readVoucherFile(const std::string& path, const BulkReadOptions& options) {
  if (!options.files.read) {
    return Error(InventoryErrc::FileUnreadable, "'" + path + "': files cannot be read here");
  }
  auto bytes = options.files.read(path);
  if (!bytes) {
    return Error(InventoryErrc::FileUnreadable, "'" + path + "': " + bytes.error().describe());
  }
  return bytes;
}

bool blank(const CsvRecord& record) {
  for (const auto& field : record.fields) {
    if (field.find_first_not_of(" \t") != std::string::npos) {
      return false;
    }
  }
  return true;
}

// One CSV row into a record; the first problem is returned.
Result<DeviceRecord> csvRow(const CsvRecord& row, const std::vector<std::string>& header,
                            const BulkReadOptions& options) {
  DeviceRecord record;
  record.source = "line " + std::to_string(row.line);
  if (row.fields.size() != header.size()) {
    return Error(InventoryErrc::Invalid, std::to_string(row.fields.size()) +
                                             " fields where the header has " +
                                             std::to_string(header.size()));
  }
  std::optional<std::string> onboarding;
  std::optional<std::string> redirect;
  std::string voucherPath;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string& column = header[i];
    const std::string& cell = row.fields[i];
    if (cell.empty()) {
      continue;
    }
    if (column == "serial-number") {
      record.serialNumber = cell;
    } else if (column == "device-type") {
      record.deviceType = cell;
    } else if (column == "owner") {
      record.owner = cell;
    } else if (column == "activation-code") {
      record.activationCode = cell;
    } else if (column == "activation-code-hash") {
      if (!crypto::isSecretHash(cell)) {
        return Error(InventoryErrc::Invalid,
                     "activation-code-hash: not of the form pbkdf2-sha256$<iterations>$<salt>$"
                     "<hash>");
      }
      record.activationCodeHash = cell;
    } else if (column == "ownership-voucher") {
      voucherPath = cell;
    } else if (column == "enabled") {
      if (cell != "true" && cell != "false") {
        return Error(InventoryErrc::Invalid, "enabled: must be true or false, not '" + cell + "'");
      }
      record.enabled = cell == "true";
    } else if (column == "onboarding-profile") {
      onboarding = cell;
    } else if (column == "redirect-profile") {
      redirect = cell;
    }
  }
  if (record.serialNumber.empty()) {
    return Error(InventoryErrc::Invalid, "serial-number is empty");
  }
  if (record.activationCode && record.activationCodeHash) {
    return Error(InventoryErrc::Invalid, "give activation-code or activation-code-hash, not both");
  }
  if (onboarding && redirect) {
    return Error(InventoryErrc::Invalid,
                 "give onboarding-profile or redirect-profile, not both (several responses "
                 "need the YAML or JSON form)");
  }
  if (onboarding || redirect) {
    registry::Response response;
    response.kind =
        onboarding ? registry::Response::Kind::Onboarding : registry::Response::Kind::Redirect;
    response.profile = onboarding ? *onboarding : *redirect;
    response.name = response.profile;
    record.responses = std::vector<registry::Response>{std::move(response)};
  }
  if (!voucherPath.empty()) {
    auto bytes = readVoucherFile(voucherPath, options);
    if (!bytes) {
      return std::move(bytes).error();
    }
    if (auto serial = checkVoucher(*bytes, record.serialNumber, options); !serial) {
      return std::move(serial).error().addContext("ownership-voucher '" + voucherPath + "'");
    }
    record.ownershipVoucher = std::move(*bytes);
  }
  return record;
}

// Nesting depth outside strings, without parsing: nlohmann recurses per level.
bool tooDeep(std::string_view text, int limit) {
  int depth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) {
        return true;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

Result<DeviceRecord> jsonDevice(nlohmann::json value, const BulkReadOptions& options) {
  if (!value.is_object()) {
    return Error(InventoryErrc::Invalid, "must be a JSON object");
  }
  DeviceRecord record;
  if (auto it = value.find("activation-code"); it != value.end()) {
    if (!it->is_string()) {
      return Error(InventoryErrc::Invalid, "activation-code: must be a string");
    }
    record.activationCode = it->get<std::string>();
    value.erase(it);
  }
  const bool hasType = value.contains("device-type");
  if (!hasType) {
    value["device-type"] = "-";  // Required by the codec; not taken from the record.
  }
  auto device = registry::deviceFromJson(value);
  if (!device) {
    return std::move(device).error();
  }
  record.serialNumber = device->serialNumber;
  if (hasType) {
    record.deviceType = device->deviceType;
  }
  if (value.contains("owner")) {
    record.owner = device->owner;
  }
  if (value.contains("activation-code-hash")) {
    if (!device->activationCodeHash.empty() && !crypto::isSecretHash(device->activationCodeHash)) {
      return Error(InventoryErrc::Invalid,
                   "activation-code-hash: not of the form pbkdf2-sha256$<iterations>$<salt>$"
                   "<hash>");
    }
    record.activationCodeHash = device->activationCodeHash;
  }
  if (record.activationCode && record.activationCodeHash) {
    return Error(InventoryErrc::Invalid, "give activation-code or activation-code-hash, not both");
  }
  if (value.contains("enabled")) {
    record.enabled = device->enabled;
  }
  if (value.contains("responses")) {
    record.responses = device->responses;
  }
  if (device->ownershipVoucher) {
    if (auto serial = checkVoucher(*device->ownershipVoucher, record.serialNumber, options);
        !serial) {
      return std::move(serial).error().addContext("ownership-voucher");
    }
    record.ownershipVoucher = std::move(device->ownershipVoucher);
  }
  return record;
}

}  // namespace

Result<BulkInput> readDeviceCsv(std::string_view csv, const BulkReadOptions& options) {
  if (csv.size() > options.maxInputBytes) {
    return Error(InventoryErrc::LimitExceeded,
                 "the CSV is larger than " + std::to_string(options.maxInputBytes) + " octets");
  }
  auto rows = parseCsv(csv);
  if (!rows) {
    return std::move(rows).error();
  }
  BulkInput input;
  if (rows->empty()) {
    return input;
  }
  // The header: every column known, each once, serial-number present.
  std::vector<std::string> header;
  for (const auto& name : rows->front().fields) {
    std::string column = name;
    const auto first = column.find_first_not_of(" \t");
    column = first == std::string::npos ? "" : column.substr(first);
    column.erase(column.find_last_not_of(" \t") + 1);
    if (std::find(std::begin(kColumns), std::end(kColumns), column) == std::end(kColumns)) {
      std::string list;
      for (auto known : kColumns) {
        list += (list.empty() ? "" : ", ") + std::string(known);
      }
      return Error(InventoryErrc::Invalid, "line " + std::to_string(rows->front().line) +
                                               ": unknown column '" + column + "' (known: " + list +
                                               ")");
    }
    if (std::find(header.begin(), header.end(), column) != header.end()) {
      return Error(InventoryErrc::Invalid, "line " + std::to_string(rows->front().line) +
                                               ": column '" + column + "' given twice");
    }
    header.push_back(std::move(column));
  }
  if (std::find(header.begin(), header.end(), "serial-number") == header.end()) {
    return Error(InventoryErrc::Invalid, "line " + std::to_string(rows->front().line) +
                                             ": the header has no serial-number column");
  }
  input.records.reserve(rows->size() - 1);
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const CsvRecord& row = (*rows)[r];
    if (blank(row)) {
      continue;
    }
    ++input.count;
    auto record = csvRow(row, header, options);
    if (!record) {
      input.errors.push_back({"line " + std::to_string(row.line), std::move(record).error()});
    } else {
      input.records.push_back(std::move(*record));
    }
  }
  return input;
}

Result<BulkInput> readDeviceJson(std::string_view json, const BulkReadOptions& options) {
  if (json.size() > options.maxInputBytes) {
    return Error(InventoryErrc::LimitExceeded,
                 "the JSON is larger than " + std::to_string(options.maxInputBytes) + " octets");
  }
  if (tooDeep(json, kMaxJsonDepth)) {
    return Error(InventoryErrc::LimitExceeded,
                 "the JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (parsed.is_discarded()) {
    return Error(InventoryErrc::Invalid, "not valid JSON");
  }
  if (!parsed.is_array()) {
    return Error(InventoryErrc::Invalid, "must be a JSON array of devices");
  }
  BulkInput input;
  input.count = parsed.size();
  input.records.reserve(parsed.size());
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    auto record = jsonDevice(std::move(parsed[i]), options);
    const std::string source = "[" + std::to_string(i) + "]";
    if (!record) {
      input.errors.push_back({source, std::move(record).error()});
    } else {
      record->source = source;
      input.records.push_back(std::move(*record));
    }
  }
  return input;
}

BulkInput readVoucherFiles(const std::vector<std::string>& paths, const BulkReadOptions& options) {
  BulkInput input;
  input.count = paths.size();
  input.records.reserve(paths.size());
  for (const auto& path : paths) {
    auto bytes = readVoucherFile(path, options);
    if (!bytes) {
      input.errors.push_back({path, std::move(bytes).error()});
      continue;
    }
    auto serial = checkVoucher(*bytes, "", options);
    if (!serial) {
      input.errors.push_back({path, std::move(serial).error()});
      continue;
    }
    DeviceRecord record;
    record.source = path;
    record.serialNumber = std::move(*serial);
    record.ownershipVoucher = std::move(*bytes);
    input.records.push_back(std::move(record));
  }
  return input;
}

}  // namespace sztp::inventory
