// planApply against a real SQLite registry: idempotence, updates, prune,
// references checked with the YAML line, and the plan's summary.
#include <gtest/gtest.h>

#include "crypto/password_hash.h"
#include "inventory/inventory_error.h"
#include "inventory/tests/inventory_fixture.h"

namespace sztp::inventory::test {
namespace {

std::size_t count(const Plan& plan, ChangeAction action, const std::string& kind) {
  std::size_t n = 0;
  for (const auto& item : plan.items) {
    n += item.action == action && item.kind == kind;
  }
  return n;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST_F(InventoryTest, FirstApplyCreatesEverythingThenNothingChanges) {
  const Plan first = apply(fullYaml());
  EXPECT_EQ(first.changes.size(), 10u);
  EXPECT_EQ(count(first, ChangeAction::Create, "device"), 2u);
  EXPECT_EQ(count(first, ChangeAction::Create, "script"), 2u);

  auto stored = registry_->getDevice("SN-0001");
  ASSERT_TRUE(stored && *stored);
  const std::string hash = (*stored)->activationCodeHash;
  auto matches = crypto::verifySecret("correct horse", hash);
  ASSERT_TRUE(matches);
  EXPECT_TRUE(*matches) << "the clear activation code is stored hashed";

  // Re-applying the same file: zero changes, and the salted hash is kept
  // (the clear code is checked against it, not hashed again).
  int hashes = 0;
  auto inventory = parse(fullYaml());
  ASSERT_TRUE(inventory);
  ApplyOptions options;
  options.hasher = testHasher(&hashes);
  auto again = planApply(*inventory, *registry_, options);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_TRUE(again->empty()) << again->details();
  EXPECT_EQ(hashes, 0);
  EXPECT_EQ(again->summary(),
            "device-type: 0 created, 0 updated, 0 removed, 1 unchanged\n"
            "owner: 0 created, 0 updated, 0 removed, 1 unchanged\n"
            "image: 0 created, 0 updated, 0 removed, 1 unchanged\n"
            "script: 0 created, 0 updated, 0 removed, 2 unchanged\n"
            "configuration: 0 created, 0 updated, 0 removed, 1 unchanged\n"
            "onboarding-profile: 0 created, 0 updated, 0 removed, 1 unchanged\n"
            "redirect-profile: 0 created, 0 updated, 0 removed, 1 unchanged\n"
            "device: 0 created, 0 updated, 0 removed, 2 unchanged\n"
            "no changes\n");
}

TEST_F(InventoryTest, ServerStateIsNotADifference) {
  apply(fullYaml());
  registry::DeviceEvent event;
  event.serialNumber = "SN-0001";
  event.timeMs = 1'750'000'000'000;
  event.kind = registry::DeviceEvent::Kind::Response;
  event.detailJson = "{}";
  ASSERT_TRUE(registry_->appendEvent(event));
  auto stored = registry_->getDevice("SN-0001");
  ASSERT_TRUE(stored && *stored);
  EXPECT_NE((*stored)->stage, registry::DeviceStage::Registered);
  auto planned = plan(fullYaml());
  ASSERT_TRUE(planned);
  EXPECT_TRUE(planned->empty()) << planned->details();
}

TEST_F(InventoryTest, ChangesAreUpdates) {
  apply(fullYaml());
  std::string yaml = replaced(fullYaml(), "echo post", "echo changed");
  yaml = replaced(yaml, "activation-code: correct horse", "activation-code: battery staple");
  const Plan plan = apply(yaml);
  EXPECT_EQ(plan.details(), "~ script post\n~ device SN-0001\n");
  auto stored = registry_->getDevice("SN-0001");
  ASSERT_TRUE(stored && *stored);
  auto matches = crypto::verifySecret("battery staple", (*stored)->activationCodeHash);
  ASSERT_TRUE(matches);
  EXPECT_TRUE(*matches);
  // Removing the code from the file removes it from the device.
  const Plan removed = apply(replaced(yaml, "    activation-code: battery staple\n", ""));
  EXPECT_EQ(removed.details(), "~ device SN-0001\n");
  stored = registry_->getDevice("SN-0001");
  EXPECT_TRUE((*stored)->activationCodeHash.empty());
}

TEST_F(InventoryTest, PruneRemovesWhatTheFileDoesNotMention) {
  apply(fullYaml());
  // A smaller file: SN-0002 and the redirect profile gone (SN-0001 keeps only
  // its onboarding response).
  std::string yaml = fullYaml();
  yaml = yaml.substr(0, yaml.find("  - serial-number: SN-0002"));
  yaml = replaced(yaml,
                  "      - name: lab-net\n        conditions:\n          - field: source-address\n"
                  "            match: subnet\n            value: 10.0.0.0/8\n"
                  "          - field: hw-model\n            value: DPU-100\n"
                  "        kind: redirect\n        profile: lab\n",
                  "");
  const std::string withoutRedirect =
      yaml.substr(0, yaml.find("redirect-profiles:")) + yaml.substr(yaml.find("devices:"));

  // Without prune nothing is removed.
  auto kept = plan(withoutRedirect);
  ASSERT_TRUE(kept) << kept.error().describe();
  EXPECT_EQ(kept->details(), "~ device SN-0001\n");

  const Plan pruned = apply(withoutRedirect, true);
  EXPECT_EQ(pruned.details(), "- redirect-profile lab\n~ device SN-0001\n- device SN-0002\n");
  auto gone = registry_->getDevice("SN-0002");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  auto again = plan(withoutRedirect, true);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty()) << again->details();
}

TEST_F(InventoryTest, DanglingReferenceNamesTheYamlLine) {
  const std::string yaml =
      replaced(fullYaml(), "      - profile: standard\n", "      - profile: standrad\n");
  auto planned = plan(yaml);
  ASSERT_FALSE(planned);
  EXPECT_EQ(planned.error(), InventoryErrc::DanglingReference);
  EXPECT_EQ(planned.error().detail(),
            "devices[1].responses[0].profile (line 74): onboarding-profile 'standrad' is neither "
            "in the inventory nor in the registry");
  // The kind matters: "lab" is a redirect profile, not an onboarding one.
  auto wrongKind =
      plan(replaced(fullYaml(), "      - profile: standard\n", "      - profile: lab\n"));
  ASSERT_FALSE(wrongKind);
  EXPECT_EQ(wrongKind.error(), InventoryErrc::DanglingReference);
  auto member = plan(replaced(fullYaml(), "    image: vendoros-17.3\n", "    image: nope\n"));
  ASSERT_FALSE(member);
  EXPECT_NE(member.error().detail().find("onboarding-profiles[0].image (line 37): image 'nope'"),
            std::string::npos)
      << member.error().detail();
}

TEST_F(InventoryTest, ReferencesMayNameWhatTheRegistryAlreadyHas) {
  apply(fullYaml());
  // A file with one device only: its type, owner and profiles are in the registry.
  const std::string device =
      "version: 1\ndevices:\n  - serial-number: SN-0003\n    device-type: dpu\n"
      "    owner: example\n    responses:\n      - profile: standard\n";
  auto planned = plan(device);
  ASSERT_TRUE(planned) << planned.error().describe();
  EXPECT_EQ(planned->details(), "+ device SN-0003\n");
  // With prune those objects would be removed, so the references dangle.
  auto pruned = plan(device, true);
  ASSERT_FALSE(pruned);
  EXPECT_EQ(pruned.error(), InventoryErrc::DanglingReference);
  EXPECT_NE(pruned.error().detail().find("(or is pruned)"), std::string::npos);
}

TEST_F(InventoryTest, RegistryRefusalsPassThrough) {
  // The plan is consistent, so the registry accepts it; a concurrent change
  // that breaks it is the registry's to refuse, atomically.
  auto planned = plan(fullYaml());
  ASSERT_TRUE(planned);
  std::vector<registry::Change> broken = planned->changes;
  broken.push_back(registry::RemoveObject{registry::ObjectKind::DeviceType, "dpu"});
  EXPECT_FALSE(registry_->apply(broken));
  auto none = registry_->getDevice("SN-0001");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

}  // namespace
}  // namespace sztp::inventory::test
