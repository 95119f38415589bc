// exportInventory: self-contained YAML that re-applies with no changes, here
// and into an empty registry.
#include <gtest/gtest.h>

#include "inventory/export.h"
#include "inventory/tests/inventory_fixture.h"
#include "registry/sqlite/sqlite_registry.h"

namespace sztp::inventory::test {
namespace {

TEST_F(InventoryTest, ExportReappliesWithNoChanges) {
  apply(fullYaml());
  // Content that a literal block cannot carry exactly: binary, no final
  // newline, two final newlines, a leading blank, non-ASCII.
  std::string extra =
      "version: 1\n"
      "scripts:\n"
      "  - name: binary\n    base64: AAECAwQ=\n"
      "  - name: no-newline\n    text: \"echo x\"\n"
      "  - name: two-newlines\n    text: \"a\\n\\n\"\n"
      "  - name: leading-blank\n    text: \"  indented\\n\"\n"
      "  - name: utf8\n    text: \"caf\\u00e9\\n\"\n"
      "  - name: empty\n    text: \"\"\n"
      "device-types:\n"
      "  - name: with-ldevid\n"
      "    ldevid:\n"
      "      ca-certificate: pki/tls-ca.pem\n"
      "      ca-key: file:/etc/sztp/ldevid-ca.key\n"
      "      validity-days: 90\n"
      "      key-generation: [ec-p384, rsa-3072]\n"
      "      allow-idevid-key: false\n"
      "  - name: ldevid-defaults\n"
      "    ldevid:\n"
      "      ca-certificate: pki/tls-ca.pem\n"
      "      ca-key: pki/owner.key\n";
  apply(extra);

  auto exported = exportInventory(*registry_);
  ASSERT_TRUE(exported) << exported.error().describe();
  // Self-contained: parsed with no way to read files at all.
  auto inventory = parseInventory(*exported, {});
  ASSERT_TRUE(inventory) << inventory.error().describe() << "\n" << *exported;
  ApplyOptions options;
  options.hasher = testHasher();
  auto again = planApply(*inventory, *registry_, options);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_TRUE(again->empty()) << again->details() << "\n" << *exported;
  // Also with prune: the export is the whole registry.
  options.prune = true;
  auto pruned = planApply(*inventory, *registry_, options);
  ASSERT_TRUE(pruned);
  EXPECT_TRUE(pruned->empty()) << pruned->details();

  // Into an empty registry, then exported again: the same text.
  registry::SqliteOptions other;
  other.path = dir_ / "other.db";
  auto copy = registry::openSqliteRegistry(other);
  ASSERT_TRUE(copy);
  auto fresh = planApply(*inventory, **copy, options);
  ASSERT_TRUE(fresh) << fresh.error().describe();
  ASSERT_TRUE((*copy)->apply(fresh->changes));
  auto second = exportInventory(**copy);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *exported);

  // Human-friendly where it can be: text scripts inline, certificates PEM.
  EXPECT_NE(exported->find("text: |\n      #!/bin/sh\n      echo post\n"), std::string::npos)
      << *exported;
  EXPECT_NE(exported->find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_NE(exported->find("activation-code-hash: \"pbkdf2-sha256$"), std::string::npos);
  EXPECT_EQ(exported->find("stage"), std::string::npos);
  EXPECT_NE(exported->find("key-generation: [ec-p384, rsa-3072]"), std::string::npos) << *exported;
  EXPECT_NE(exported->find("ca-key: \"file:/etc/sztp/ldevid-ca.key\""), std::string::npos);
}

TEST_F(InventoryTest, ExportOfAnEmptyRegistry) {
  auto exported = exportInventory(*registry_);
  ASSERT_TRUE(exported);
  EXPECT_EQ(*exported, "version: 1\n");
}

}  // namespace
}  // namespace sztp::inventory::test
