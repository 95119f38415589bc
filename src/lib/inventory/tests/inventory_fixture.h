#pragma once

// A deployment on disk for inventory tests: a demo PKI (made at test time on
// a fixed clock), a voucher per serial number, an image, scripts and a
// configuration, in a fresh directory; a real SQLite registry; a cheap
// activation-code hasher (1000 PBKDF2 iterations instead of 100000).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "inventory/inventory_file.h"
#include "inventory/plan.h"
#include "pki/demo_pki.h"
#include "registry/registry.h"
#include "testutil/temp_dir.h"

namespace sztp::inventory::test {

TimePoint fixedNow();

/// One demo PKI for the whole test program, with SN-0001..SN-0003.
const pki::DemoPki& demoPki();

/// A voucher for `serial` signed by the demo MASA, pinning the owner CA.
Bytes voucherFor(const std::string& serial);

/// Cheap PBKDF2 (1000 iterations), counting how often it hashes.
SecretHasher testHasher(int* hashes = nullptr);

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override;

  /// Files of the deployment, relative to dir_: pki/*.pem, pki/owner.key,
  /// vouchers/SN-000N.vcj, images/vendoros-17.3.img, scripts/pre.sh,
  /// config/startup.xml.
  InventoryFiles files() const;
  /// The full example inventory (every key), as tests start from it.
  static std::string fullYaml();

  Result<Inventory> parse(const std::string& yaml) const { return parseInventory(yaml, files()); }
  /// Parses, plans against the registry and applies; fails the test on error.
  Plan apply(const std::string& yaml, bool prune = false);
  Result<Plan> plan(const std::string& yaml, bool prune = false);

  testutil::TempDir dir_;
  std::unique_ptr<registry::Registry> registry_;
};

}  // namespace sztp::inventory::test
