// Fuzz target: the declarative YAML inventory (inventory/inventory_file.h),
// as an operator's file or an admin upload reaches it. yaml-cpp throws and
// recurses; parseInventory must turn every input into a value or an error,
// within its limits (anchors and aliases refused, depth and nodes capped).
// Files named by the inventory read back as their own path, so certificate,
// voucher and content paths are explored too. What parses must satisfy the
// registry's validation, and every recorded location must name a line of
// the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "crypto/digest.h"
#include "inventory/inventory_file.h"
#include "registry/validation.h"

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
  sztp::inventory::InventoryFiles files;
  files.read = [](const std::string& path) -> sztp::Result<sztp::Bytes> {
    return sztp::toBytes(path);
  };
  files.digest = [](const std::string& path) -> sztp::Result<sztp::inventory::FileDigest> {
    return sztp::inventory::FileDigest{sztp::crypto::sha256(sztp::asBytes(path)), path.size()};
  };
  files.resolve = [](const std::string& path) { return "/base/" + path; };
  sztp::inventory::ParseOptions options;
  options.limits.maxBytes = 1 << 20;
  options.limits.maxNodes = 100000;
  auto inventory = sztp::inventory::parseInventory(text, files, options);
  if (!inventory) {
    check(!inventory.error().detail().empty() || inventory.error().code().value() != 0);
    return 0;
  }
  for (const auto& object : inventory->objects) {
    check(sztp::registry::validateObject(object).ok());
  }
  for (const auto& device : inventory->devices) {
    check(sztp::registry::validateDevice(device.device).ok());
  }
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const auto& [path, where] : inventory->locations) {
    const auto at = where.rfind("(line ");
    check(at != std::string::npos);
    const std::size_t line = std::strtoul(where.c_str() + at + 6, nullptr, 10);
    check(line >= 1 && line <= lines);
  }
  return 0;
}
