// examples/server/inventory.yaml stays valid: the PKI and vouchers it names
// are made with the sztp toolkit exactly as the file's header says, then the
// example is parsed, applied to a registry, and re-applied with no change.
#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/digest.h"
#include "crypto/password_hash.h"
#include "inventory/inventory_file.h"
#include "inventory/plan.h"
#include "registry/sqlite/sqlite_registry.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::inventory::test {
namespace {

namespace fs = std::filesystem;

TEST(InventoryExample, ParsesAppliesAndReapplies) {
  const fs::path example = fs::path(SZTP_SOURCE_DIR) / "examples" / "server";
  testutil::TempDir dir;
  const std::string sztp = testutil::binaryPath("sztp");
  const std::string pki = (dir / "pki").string();
  auto init = testutil::runCommand({sztp, "pki", "init", "--dir", pki, "--serial", "SZTP-DEMO-0001",
                                    "--serial", "SZTP-DEMO-0002"});
  ASSERT_EQ(init.exitCode, 0) << init.output;
  fs::create_directories(dir / "vouchers");
  for (const std::string sn : {"SZTP-DEMO-0001", "SZTP-DEMO-0002"}) {
    auto voucher = testutil::runCommand(
        {sztp, "voucher", "create", "--serial", sn, "--pinned-domain-cert", pki + "/owner/ca.crt",
         "--signer-cert", pki + "/masa/masa.crt", "--signer-key", pki + "/masa/masa.key",
         "--idevid", pki + "/manufacturer/idevid/" + sn + ".crt", "--expires-in", "30d", "-o",
         (dir / "vouchers" / (sn + ".vcj")).string()});
    ASSERT_EQ(voucher.exitCode, 0) << voucher.output;
  }
  // Generated files from the temporary directory, the rest from the example's.
  auto locate = [&](const std::string& path) {
    const fs::path generated = dir / path;
    return fs::exists(generated) ? generated : example / path;
  };
  InventoryFiles files;
  files.read = [&](const std::string& path) -> Result<Bytes> {
    const fs::path file = locate(path);
    if (!fs::is_regular_file(file)) {
      return Error(std::make_error_code(std::errc::no_such_file_or_directory), file.string());
    }
    return testutil::readFile(file);
  };
  files.digest = [&](const std::string& path) -> Result<FileDigest> {
    const Bytes data = testutil::readFile(locate(path));
    return FileDigest{crypto::sha256(data), data.size()};
  };
  files.resolve = [&](const std::string& path) { return locate(path).string(); };

  auto inventory = parseInventory(testutil::readText(example / "inventory.yaml"), files);
  ASSERT_TRUE(inventory) << inventory.error().describe();
  EXPECT_EQ(inventory->objects.size(), 9u);
  ASSERT_EQ(inventory->devices.size(), 2u);

  registry::SqliteOptions options;
  options.path = dir / "registry.db";
  auto registry = registry::openSqliteRegistry(options);
  ASSERT_TRUE(registry) << registry.error().describe();
  ApplyOptions apply;
  apply.hasher.hash = [](std::string_view secret) { return crypto::hashSecret(secret, 1000); };
  auto plan = planApply(*inventory, **registry, apply);
  ASSERT_TRUE(plan) << plan.error().describe();
  EXPECT_EQ(plan->changes.size(), 11u) << plan->details();
  auto applied = (*registry)->apply(plan->changes);
  ASSERT_TRUE(applied) << applied.error().describe();
  auto again = planApply(*inventory, **registry, apply);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty()) << again->details();
}

}  // namespace
}  // namespace sztp::inventory::test
