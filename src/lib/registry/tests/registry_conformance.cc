#include "registry/tests/registry_conformance.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "registry/registry_error.h"
#include "registry/tests/registry_fixtures.h"

namespace sztp::registry::test {

std::string backendName(const ::testing::TestParamInfo<BackendFactory>& info) {
  return info.param.name;
}

void RegistryConformance::SetUp() {
  registry_ = GetParam().make(dir_.path());
  if (!registry_) {
    GTEST_SKIP() << GetParam().name << " backend is not available";
  }
}

std::int64_t RegistryConformance::applyOk(const std::vector<Change>& changes) {
  auto revision = registry_->apply(changes);
  EXPECT_TRUE(revision.ok()) << (revision ? "" : revision.error().describe());
  return revision ? *revision : -1;
}

std::error_code RegistryConformance::applyFails(const std::vector<Change>& changes) {
  auto revision = registry_->apply(changes);
  EXPECT_FALSE(revision.ok()) << "the batch was accepted";
  return revision ? std::error_code() : revision.error().code();
}

void RegistryConformance::putBasics() {
  applyOk({PutObject{makeDeviceType("dpu")}, PutObject{makeOwner("acme")},
           PutObject{makeRedirectProfile("lab")}});
}

Device RegistryConformance::getDeviceOk(const std::string& serial) {
  auto device = registry_->getDevice(serial);
  EXPECT_TRUE(device.ok()) << (device ? "" : device.error().describe());
  EXPECT_TRUE(device && device->has_value()) << serial << " is missing";
  return device && device->has_value() ? **device : Device{};
}

namespace {

using model::ProgressType;

DeviceFilter makeFilter(std::string type, std::string owner = "",
                        std::optional<DeviceStage> stage = std::nullopt, std::string after = "",
                        std::size_t limit = 100) {
  DeviceFilter filter;
  filter.deviceType = std::move(type);
  filter.owner = std::move(owner);
  filter.stage = stage;
  filter.afterSerial = std::move(after);
  filter.limit = limit;
  return filter;
}

template <class T>
void expectError(const Result<T>& result, RegistryErrc code) {
  ASSERT_FALSE(result.ok()) << "expected " << make_error_code(code).message();
  EXPECT_EQ(result.error(), code) << result.error().describe();
}

std::vector<std::string> serialsOf(const std::vector<Device>& devices) {
  std::vector<std::string> out;
  for (const auto& device : devices) {
    out.push_back(device.serialNumber);
  }
  return out;
}

std::vector<std::string> namesOf(const std::vector<InventoryObject>& objects) {
  std::vector<std::string> out;
  for (const auto& object : objects) {
    out.push_back(nameOf(object));
  }
  return out;
}

/// The objects a fully referenced onboarding profile needs.
std::vector<Change> profileMembers() {
  return {PutObject{makeImage("img")}, PutObject{makeScript("pre")}, PutObject{makeScript("post")},
          PutObject{makeConfiguration("cfg")}};
}

// ---- Objects -------------------------------------------------------------------

TEST_P(RegistryConformance, EveryObjectKindPutGetListReplaceRemove) {
  for (const auto kind : kAllKinds) {
    SCOPED_TRACE(std::string(objectKindName(kind)));
    if (kind == ObjectKind::OnboardingProfile) {
      applyOk({PutObject{makeImage("img")}});  // For the replacement to name.
    }
    const InventoryObject b = makeObject(kind, "b");
    const InventoryObject a = makeObject(kind, "a");
    applyOk({PutObject{b}, PutObject{a}});

    auto got = registry().getObject(kind, "a");
    ASSERT_TRUE(got.ok()) << got.error().describe();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(**got, a);

    auto list = registry().listObjects(kind);
    ASSERT_TRUE(list.ok()) << list.error().describe();
    EXPECT_EQ(namesOf(*list), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ((*list)[1], b);

    // Replace: same kind and name, another value.
    InventoryObject changed = a;
    std::visit(
        [](auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, Script> || std::is_same_v<T, Configuration>) {
            value.content = toBytes("changed");
          } else if constexpr (std::is_same_v<T, Image>) {
            value.osVersion = "18.1";
          } else if constexpr (std::is_same_v<T, OnboardingProfile>) {
            value.image = "img";
          } else if constexpr (std::is_same_v<T, RedirectProfile>) {
            value.bootstrapServers.pop_back();
          } else {
            value.description = "changed";
          }
        },
        changed);
    ASSERT_NE(changed, a);
    applyOk({PutObject{changed}});
    got = registry().getObject(kind, "a");
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ(**got, changed);
    EXPECT_EQ(registry().listObjects(kind)->size(), 2u);

    applyOk({RemoveObject{kind, "a"}});
    got = registry().getObject(kind, "a");
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(got->has_value());
    EXPECT_EQ(applyFails({RemoveObject{kind, "a"}}), RegistryErrc::NotFound);
    applyOk({RemoveObject{kind, "b"}});
    EXPECT_TRUE(registry().listObjects(kind)->empty());
    if (kind == ObjectKind::OnboardingProfile) {
      applyOk({RemoveObject{ObjectKind::Image, "img"}});
    }
  }
}

TEST_P(RegistryConformance, KindsAreSeparateNamespaces) {
  applyOk({PutObject{makeScript("same")}, PutObject{makeConfiguration("same")}});
  auto script = registry().getObject(ObjectKind::Script, "same");
  ASSERT_TRUE(script.ok() && script->has_value());
  EXPECT_EQ(kindOf(**script), ObjectKind::Script);
  EXPECT_FALSE(registry().getObject(ObjectKind::Image, "same")->has_value());
  applyOk({RemoveObject{ObjectKind::Script, "same"}});
  EXPECT_TRUE(registry().getObject(ObjectKind::Configuration, "same")->has_value());
}

TEST_P(RegistryConformance, InvalidObjectIsRefusedNamingTheField) {
  Owner owner = makeOwner("acme");
  owner.certificateChain = {toBytes("not a certificate")};
  auto result = registry().apply({PutObject{owner}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), RegistryErrc::InvalidObject);
  EXPECT_NE(result.error().detail().find("certificate-chain[0]"), std::string::npos)
      << result.error().detail();
  EXPECT_TRUE(registry().listObjects(ObjectKind::Owner)->empty());
}

// ---- Devices ---------------------------------------------------------------------

TEST_P(RegistryConformance, DevicePutGetKeepsEveryField) {
  putBasics();
  applyOk(profileMembers());
  applyOk({PutObject{makeOnboardingProfile("onboard")}});
  const Device device = makeDevice("SN-1", "dpu", "acme", "onboard");
  applyOk({PutDevice{device}});
  EXPECT_EQ(getDeviceOk("SN-1"), device);
  auto missing = registry().getDevice("SN-2");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(RegistryConformance, NewDeviceStartsRegisteredWhateverThePutSays) {
  putBasics();
  Device device = makeDevice("SN-1");
  device.stage = DeviceStage::Completed;
  device.lastSeenMs = 99;
  applyOk({PutDevice{device}});
  const Device stored = getDeviceOk("SN-1");
  EXPECT_EQ(stored.stage, DeviceStage::Registered);
  EXPECT_EQ(stored.lastSeenMs, 0);
}

TEST_P(RegistryConformance, PutKeepsStageAndLastSeen) {
  putBasics();
  applyOk({PutDevice{makeDevice("SN-1")}});
  ASSERT_TRUE(registry().appendEvent(makeProgress("SN-1", ProgressType::BootstrapComplete, 5000)));

  Device replacement = makeDevice("SN-1", "dpu", "");
  replacement.enabled = false;
  replacement.stage = DeviceStage::Registered;
  replacement.lastSeenMs = 0;
  applyOk({PutDevice{replacement}});

  const Device stored = getDeviceOk("SN-1");
  EXPECT_EQ(stored.stage, DeviceStage::Completed);
  EXPECT_EQ(stored.lastSeenMs, 5000);
  EXPECT_FALSE(stored.enabled);
  EXPECT_EQ(stored.owner, "");
  replacement.stage = stored.stage;
  replacement.lastSeenMs = stored.lastSeenMs;
  EXPECT_EQ(stored, replacement);
}

TEST_P(RegistryConformance, LastPutOfABatchWins) {
  putBasics();
  Device first = makeDevice("SN-1");
  Device second = makeDevice("SN-1", "dpu", "");
  applyOk({PutDevice{first}, PutDevice{second}});
  EXPECT_EQ(getDeviceOk("SN-1"), second);
}

TEST_P(RegistryConformance, RemoveDevice) {
  putBasics();
  applyOk({PutDevice{makeDevice("SN-1")}, PutDevice{makeDevice("SN-2")}});
  applyOk({RemoveDevice{"SN-1"}});
  EXPECT_FALSE(registry().getDevice("SN-1")->has_value());
  EXPECT_TRUE(registry().getDevice("SN-2")->has_value());
  EXPECT_EQ(applyFails({RemoveDevice{"SN-1"}}), RegistryErrc::NotFound);
}

TEST_P(RegistryConformance, InvalidDeviceIsRefused) {
  putBasics();
  EXPECT_EQ(applyFails({PutDevice{makeDevice("SN/1")}}), RegistryErrc::InvalidObject);
  Device badRegex = makeDevice("SN-1");
  badRegex.responses[0].conditions = {{Condition::Field::HwModel, Condition::Match::Regex, "("}};
  EXPECT_EQ(applyFails({PutDevice{badRegex}}), RegistryErrc::InvalidObject);
  EXPECT_EQ(*registry().countDevices(DeviceFilter{}), 0u);
}

/// 40 devices: types dpu/ipu alternate, owners acme/globex/none in turn, and
/// stages set through events.
class DeviceSet {
 public:
  static constexpr int kCount = 40;
  static std::string serial(int i) {
    return "SN-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
  }
  static std::string type(int i) { return i % 2 == 0 ? "dpu" : "ipu"; }
  static std::string owner(int i) {
    static const char* const kOwners[] = {"acme", "globex", ""};
    return kOwners[i % 3];
  }
  static DeviceStage stage(int i) { return static_cast<DeviceStage>(i % 6); }
};

void advanceTo(Registry& registry, const std::string& serial, DeviceStage stage) {
  const auto append = [&](const DeviceEvent& event) {
    auto id = registry.appendEvent(event);
    ASSERT_TRUE(id.ok()) << id.error().describe();
  };
  switch (stage) {
    case DeviceStage::Registered:
      return;
    case DeviceStage::Contacted:
      return append(makeEvent(serial, DeviceEvent::Kind::Response, 10));
    case DeviceStage::Bootstrapping:
      return append(makeProgress(serial, ProgressType::BootstrapInitiated, 10));
    case DeviceStage::Rebooting:
      return append(makeProgress(serial, ProgressType::BootImageInstalledRebooting, 10));
    case DeviceStage::Failed:
      return append(makeProgress(serial, ProgressType::ConfigError, 10));
    case DeviceStage::Completed:
      return append(makeProgress(serial, ProgressType::BootstrapComplete, 10));
  }
}

void putDeviceSet(Registry& registry) {
  std::vector<Change> changes{PutObject{makeDeviceType("dpu")}, PutObject{makeDeviceType("ipu")},
                              PutObject{makeOwner("acme")}, PutObject{makeOwner("globex")},
                              PutObject{makeRedirectProfile("lab")}};
  // Put in reverse order: listing order must come from the serial numbers.
  for (int i = DeviceSet::kCount - 1; i >= 0; --i) {
    changes.push_back(
        PutDevice{makeDevice(DeviceSet::serial(i), DeviceSet::type(i), DeviceSet::owner(i))});
  }
  ASSERT_TRUE(registry.apply(changes).ok());
  for (int i = 0; i < DeviceSet::kCount; ++i) {
    advanceTo(registry, DeviceSet::serial(i), DeviceSet::stage(i));
  }
}

std::vector<std::string> expectedSerials(const std::function<bool(int)>& keep) {
  std::vector<std::string> out;
  for (int i = 0; i < DeviceSet::kCount; ++i) {
    if (keep(i)) {
      out.push_back(DeviceSet::serial(i));
    }
  }
  return out;
}

TEST_P(RegistryConformance, ListDevicesWithEachFilter) {
  putDeviceSet(registry());
  struct Case {
    const char* what;
    DeviceFilter filter;
    std::function<bool(int)> keep;
  };
  std::vector<Case> cases{
      {"all", DeviceFilter{}, [](int) { return true; }},
      {"type", makeFilter("ipu"), [](int i) { return DeviceSet::type(i) == "ipu"; }},
      {"owner", makeFilter("", "globex"), [](int i) { return DeviceSet::owner(i) == "globex"; }},
      {"stage", makeFilter("", "", DeviceStage::Failed),
       [](int i) { return DeviceSet::stage(i) == DeviceStage::Failed; }},
      {"type+owner+stage", makeFilter("dpu", "acme", DeviceStage::Registered),
       [](int i) {
         return DeviceSet::type(i) == "dpu" && DeviceSet::owner(i) == "acme" &&
                DeviceSet::stage(i) == DeviceStage::Registered;
       }},
      {"after", makeFilter("", "", std::nullopt, "SN-29"), [](int i) { return i > 29; }},
      {"none", makeFilter("no-such-type"), [](int) { return false; }},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.what);
    c.filter.limit = 0;
    auto listed = registry().listDevices(c.filter);
    ASSERT_TRUE(listed.ok()) << listed.error().describe();
    const auto expected = expectedSerials(c.keep);
    EXPECT_EQ(serialsOf(*listed), expected);
    auto count = registry().countDevices(c.filter);
    ASSERT_TRUE(count.ok()) << count.error().describe();
    EXPECT_EQ(*count, expected.size());
  }
  auto one = registry().listDevices(makeFilter("", "", DeviceStage::Rebooting, "", 0));
  ASSERT_TRUE(one.ok());
  for (const auto& device : *one) {
    EXPECT_EQ(device.stage, DeviceStage::Rebooting);
    EXPECT_EQ(device.lastSeenMs, 10);
  }
}

TEST_P(RegistryConformance, KeysetPaginationVisitsEveryDeviceOnce) {
  putDeviceSet(registry());
  for (const std::size_t pageSize : {1u, 7u, 40u, 100u}) {
    SCOPED_TRACE(pageSize);
    std::vector<std::string> seen;
    DeviceFilter filter;
    filter.limit = pageSize;
    while (true) {
      auto page = registry().listDevices(filter);
      ASSERT_TRUE(page.ok()) << page.error().describe();
      ASSERT_LE(page->size(), pageSize);
      for (const auto& serial : serialsOf(*page)) {
        seen.push_back(serial);
      }
      if (page->size() < pageSize) {
        break;
      }
      filter.afterSerial = page->back().serialNumber;
    }
    EXPECT_EQ(seen, expectedSerials([](int) { return true; }));
  }
  // The default limit is 100.
  EXPECT_EQ(registry().listDevices(DeviceFilter{})->size(), 40u);
  // Pagination combines with a filter.
  DeviceFilter ipu{"ipu", "", std::nullopt, "SN-10", 3};
  EXPECT_EQ(serialsOf(*registry().listDevices(ipu)),
            (std::vector<std::string>{"SN-11", "SN-13", "SN-15"}));
}

TEST_P(RegistryConformance, CountDevicesByStageListsEveryStage) {
  auto empty = registry().countDevicesByStage();
  ASSERT_TRUE(empty.ok()) << empty.error().describe();
  EXPECT_EQ(empty->size(), 6u);
  for (const auto& [stage, count] : *empty) {
    EXPECT_EQ(count, 0u) << deviceStageName(stage);
  }

  putDeviceSet(registry());
  auto counts = registry().countDevicesByStage();
  ASSERT_TRUE(counts.ok());
  std::map<DeviceStage, std::uint64_t> expected;
  for (int i = 0; i < DeviceSet::kCount; ++i) {
    ++expected[DeviceSet::stage(i)];
  }
  EXPECT_EQ(*counts, expected);

  // Removal and stage changes keep the counts right.
  applyOk({RemoveDevice{DeviceSet::serial(5)}});  // Completed
  ASSERT_TRUE(registry().appendEvent(
      makeProgress(DeviceSet::serial(0), ProgressType::BootstrapError, 20)));  // Registered→Failed
  --expected[DeviceStage::Completed];
  --expected[DeviceStage::Registered];
  ++expected[DeviceStage::Failed];
  EXPECT_EQ(*registry().countDevicesByStage(), expected);
  EXPECT_EQ(*registry().countDevices(makeFilter("", "", DeviceStage::Failed)),
            expected[DeviceStage::Failed]);
  EXPECT_EQ(*registry().countDevices(DeviceFilter{}), 39u);
}

// ---- Referential integrity -----------------------------------------------------

TEST_P(RegistryConformance, DanglingReferencesAreRefused) {
  putBasics();
  applyOk(profileMembers());
  applyOk({PutObject{makeOnboardingProfile("onboard")}});
  const auto revision = *registry().revision();

  struct Case {
    const char* what;
    Change change;
    const char* named;
  };
  Device onboardingAsRedirect = makeDevice("SN-1", "dpu", "acme", "", "onboard");
  OnboardingProfile missingImage = makeOnboardingProfile("p2");
  missingImage.image = "no-image";
  OnboardingProfile missingScript = makeOnboardingProfile("p3");
  missingScript.postConfigurationScript = "no-script";
  OnboardingProfile missingConfig = makeOnboardingProfile("p4");
  missingConfig.configuration = "no-config";
  const std::vector<Case> cases{
      {"device type", PutDevice{makeDevice("SN-1", "no-type")}, "no-type"},
      {"owner", PutDevice{makeDevice("SN-1", "dpu", "no-owner")}, "no-owner"},
      {"onboarding profile", PutDevice{makeDevice("SN-1", "dpu", "acme", "no-profile")},
       "no-profile"},
      {"redirect profile", PutDevice{makeDevice("SN-1", "dpu", "acme", "", "no-redirect")},
       "no-redirect"},
      {"profile of the wrong kind", PutDevice{onboardingAsRedirect}, "onboard"},
      {"image", PutObject{missingImage}, "no-image"},
      {"script", PutObject{missingScript}, "no-script"},
      {"configuration", PutObject{missingConfig}, "no-config"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto result = registry().apply({c.change});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), RegistryErrc::DanglingReference);
    EXPECT_NE(result.error().detail().find(c.named), std::string::npos) << result.error().detail();
  }
  EXPECT_EQ(*registry().revision(), revision);
  EXPECT_FALSE(registry().getDevice("SN-1")->has_value());
  EXPECT_FALSE(registry().getObject(ObjectKind::OnboardingProfile, "p2")->has_value());
}

TEST_P(RegistryConformance, RemovingAReferencedObjectIsRefused) {
  putBasics();
  applyOk(profileMembers());
  applyOk({PutObject{makeOnboardingProfile("onboard")}});
  applyOk({PutDevice{makeDevice("SN-1", "dpu", "acme", "onboard", "lab")}});
  const auto revision = *registry().revision();

  const std::vector<std::pair<ObjectKind, std::string>> used{
      {ObjectKind::DeviceType, "dpu"},      {ObjectKind::Owner, "acme"},
      {ObjectKind::RedirectProfile, "lab"}, {ObjectKind::OnboardingProfile, "onboard"},
      {ObjectKind::Image, "img"},           {ObjectKind::Script, "pre"},
      {ObjectKind::Script, "post"},         {ObjectKind::Configuration, "cfg"},
  };
  for (const auto& [kind, name] : used) {
    SCOPED_TRACE(std::string(objectKindName(kind)) + " " + name);
    auto result = registry().apply({RemoveObject{kind, name}});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), RegistryErrc::InUse);
    EXPECT_NE(result.error().detail().find(name), std::string::npos) << result.error().detail();
    EXPECT_TRUE(registry().getObject(kind, name)->has_value());
  }
  EXPECT_EQ(*registry().revision(), revision);

  // Removing the users first, in the same batch and in either order, works.
  applyOk({RemoveObject{ObjectKind::DeviceType, "dpu"}, RemoveObject{ObjectKind::Owner, "acme"},
           RemoveDevice{"SN-1"}, RemoveObject{ObjectKind::RedirectProfile, "lab"}});
  applyOk({RemoveObject{ObjectKind::Image, "img"},
           RemoveObject{ObjectKind::OnboardingProfile, "onboard"}});
  EXPECT_FALSE(registry().getObject(ObjectKind::Image, "img")->has_value());
}

TEST_P(RegistryConformance, ReplacingAUserReleasesWhatItNoLongerNames) {
  putBasics();
  applyOk(profileMembers());
  applyOk({PutObject{makeOnboardingProfile("onboard")},
           PutDevice{makeDevice("SN-1", "dpu", "acme", "onboard")}});
  // The device stops naming the onboarding profile, the profile stops naming its members.
  applyOk({PutDevice{makeDevice("SN-1")}, PutObject{makeOnboardingProfile("onboard", false)}});
  applyOk({RemoveObject{ObjectKind::Image, "img"}, RemoveObject{ObjectKind::Script, "pre"},
           RemoveObject{ObjectKind::OnboardingProfile, "onboard"}});
}

TEST_P(RegistryConformance, BatchOrderDoesNotMatter) {
  // Users before what they use.
  applyOk({PutDevice{makeDevice("SN-1", "dpu", "acme", "onboard")},
           PutObject{makeOnboardingProfile("onboard")}, PutObject{makeConfiguration("cfg")},
           PutObject{makeScript("post")}, PutObject{makeScript("pre")}, PutObject{makeImage("img")},
           PutObject{makeRedirectProfile("lab")}, PutObject{makeOwner("acme")},
           PutObject{makeDeviceType("dpu")}});
  EXPECT_TRUE(registry().getDevice("SN-1")->has_value());
  // Removing something and putting it back in one batch leaves it valid.
  applyOk({RemoveObject{ObjectKind::Owner, "acme"}, PutObject{makeOwner("acme")}});
  // Moving devices to a new type and removing the old one.
  applyOk({RemoveObject{ObjectKind::DeviceType, "dpu"},
           PutDevice{makeDevice("SN-1", "dpu2", "acme", "onboard")},
           PutObject{makeDeviceType("dpu2")}});
  EXPECT_EQ(getDeviceOk("SN-1").deviceType, "dpu2");
}

// ---- Atomicity and revision ------------------------------------------------------

TEST_P(RegistryConformance, AFailingBatchChangesNothing) {
  putBasics();
  applyOk({PutDevice{makeDevice("SN-0")}});
  const auto revision = *registry().revision();
  Device invalid = makeDevice("SN-3");
  invalid.responses[0].name = "bad name";

  const std::vector<std::vector<Change>> batches{
      // Invalid object last.
      {PutObject{makeOwner("globex")}, PutDevice{makeDevice("SN-1")}, RemoveDevice{"SN-0"},
       PutDevice{invalid}},
      // Removal of something absent in the middle.
      {PutDevice{makeDevice("SN-1")}, RemoveObject{ObjectKind::Image, "none"},
       PutObject{makeOwner("globex")}},
      // Referential failure found only at the end.
      {PutObject{makeOwner("globex")}, RemoveDevice{"SN-0"}, PutDevice{makeDevice("SN-2", "x")}},
  };
  for (const auto& batch : batches) {
    EXPECT_FALSE(registry().apply(batch).ok());
    EXPECT_EQ(*registry().revision(), revision);
    EXPECT_TRUE(registry().getDevice("SN-0")->has_value());
    EXPECT_FALSE(registry().getDevice("SN-1")->has_value());
    EXPECT_FALSE(registry().getObject(ObjectKind::Owner, "globex")->has_value());
    EXPECT_EQ(*registry().countDevices(DeviceFilter{}), 1u);
  }
}

TEST_P(RegistryConformance, RevisionIncreasesWithEveryChange) {
  auto start = registry().revision();
  ASSERT_TRUE(start.ok()) << start.error().describe();
  std::int64_t last = *start;
  const auto expectIncrease = [&](std::int64_t revision) {
    EXPECT_GT(revision, last);
    EXPECT_EQ(*registry().revision(), revision);
    last = revision;
  };
  expectIncrease(applyOk({PutObject{makeDeviceType("dpu")}}));
  expectIncrease(applyOk({PutObject{makeOwner("acme")}, PutObject{makeRedirectProfile("lab")}}));
  expectIncrease(applyOk({PutDevice{makeDevice("SN-1")}}));
  // The same value again may or may not count as a change; never backwards.
  const auto same = applyOk({PutDevice{makeDevice("SN-1")}});
  EXPECT_GE(same, last);
  last = same;
  expectIncrease(applyOk({RemoveDevice{"SN-1"}}));
  // An empty batch, events and audit records are not inventory changes.
  EXPECT_EQ(applyOk({}), last);
  applyOk({PutDevice{makeDevice("SN-2")}});
  last = *registry().revision();
  ASSERT_TRUE(registry().appendEvent(makeEvent("SN-2", DeviceEvent::Kind::Request, 1)));
  ASSERT_TRUE(registry().appendAudit(makeAudit("SN-2", 1)));
  EXPECT_EQ(*registry().revision(), last);
}

// ---- Events --------------------------------------------------------------------

TEST_P(RegistryConformance, EventsMoveStageAndLastSeen) {
  putBasics();
  applyOk({PutDevice{makeDevice("SN-1")}});
  struct Step {
    DeviceEvent event;
    DeviceStage stage;
    std::int64_t lastSeen;
  };
  using Kind = DeviceEvent::Kind;
  const std::vector<Step> steps{
      {makeEvent("SN-1", Kind::Request, 100), DeviceStage::Registered, 100},
      {makeEvent("SN-1", Kind::Rejected, 200), DeviceStage::Registered, 200},
      {makeEvent("SN-1", Kind::Response, 300), DeviceStage::Contacted, 300},
      {makeProgress("SN-1", ProgressType::BootstrapInitiated, 400), DeviceStage::Bootstrapping,
       400},
      {makeEvent("SN-1", Kind::Response, 500), DeviceStage::Bootstrapping, 500},
      {makeProgress("SN-1", ProgressType::BootImageInstalledRebooting, 600), DeviceStage::Rebooting,
       600},
      {makeProgress("SN-1", ProgressType::Informational, 700), DeviceStage::Rebooting, 700},
      {makeProgress("SN-1", ProgressType::BootImageComplete, 800), DeviceStage::Bootstrapping, 800},
      {makeProgress("SN-1", ProgressType::PostScriptError, 900), DeviceStage::Failed, 900},
      {makeProgress("SN-1", ProgressType::Informational, 950), DeviceStage::Failed, 950},
      // Appended late with an older time: last-seen never goes back.
      {makeProgress("SN-1", ProgressType::BootstrapComplete, 50), DeviceStage::Completed, 950},
  };
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(i);
    auto id = registry().appendEvent(steps[i].event);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    const Device device = getDeviceOk("SN-1");
    EXPECT_EQ(device.stage, steps[i].stage) << deviceStageName(device.stage);
    EXPECT_EQ(device.lastSeenMs, steps[i].lastSeen);
  }
}

TEST_P(RegistryConformance, EventForUnknownDeviceIsNotFound) {
  putBasics();
  applyOk({PutDevice{makeDevice("SN-1")}});
  auto id = registry().appendEvent(makeEvent("SN-404", DeviceEvent::Kind::Request, 1));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error(), RegistryErrc::NotFound);
  EXPECT_TRUE(registry().listEvents("SN-404", 0, 0)->empty());
  // Progress needs its type, and only progress has one.
  DeviceEvent untyped = makeEvent("SN-1", DeviceEvent::Kind::Progress, 1);
  expectError(registry().appendEvent(untyped), RegistryErrc::InvalidObject);
  DeviceEvent typedRequest = makeProgress("SN-1", ProgressType::Informational, 1);
  typedRequest.kind = DeviceEvent::Kind::Request;
  expectError(registry().appendEvent(typedRequest), RegistryErrc::InvalidObject);
  EXPECT_TRUE(registry().listEvents("SN-1", 0, 0)->empty());
}

TEST_P(RegistryConformance, EventsAreListedInOrderPerDevice) {
  putBasics();
  applyOk({PutDevice{makeDevice("SN-1")}, PutDevice{makeDevice("SN-2")}});
  std::vector<DeviceEvent> appended;
  for (int i = 0; i < 10; ++i) {
    const std::string serial = i % 2 == 0 ? "SN-1" : "SN-2";
    DeviceEvent event = i % 3 == 0 ? makeProgress(serial, ProgressType::ConfigWarning, 1000 + i)
                                   : makeEvent(serial, DeviceEvent::Kind::Request, 1000 + i);
    auto id = registry().appendEvent(event);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    event.id = *id;
    if (!appended.empty()) {
      EXPECT_GT(event.id, appended.back().id);
    }
    appended.push_back(event);
  }
  std::vector<DeviceEvent> sn1;
  std::copy_if(appended.begin(), appended.end(), std::back_inserter(sn1),
               [](const DeviceEvent& e) { return e.serialNumber == "SN-1"; });

  auto all = registry().listEvents("SN-1", 0, 0);
  ASSERT_TRUE(all.ok()) << all.error().describe();
  EXPECT_EQ(*all, sn1);
  auto page = registry().listEvents("SN-1", sn1[1].id, 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(*page, (std::vector<DeviceEvent>{sn1[2], sn1[3]}));
  EXPECT_TRUE(registry().listEvents("SN-1", sn1.back().id, 10)->empty());

  // Removing a device removes its log; a new device of the same serial starts empty.
  applyOk({RemoveDevice{"SN-1"}});
  EXPECT_TRUE(registry().listEvents("SN-1", 0, 0)->empty());
  applyOk({PutDevice{makeDevice("SN-1")}});
  EXPECT_TRUE(registry().listEvents("SN-1", 0, 0)->empty());
  EXPECT_EQ(registry().listEvents("SN-2", 0, 0)->size(), 5u);
  // Ids are never reused.
  auto id = registry().appendEvent(makeEvent("SN-1", DeviceEvent::Kind::Request, 1));
  ASSERT_TRUE(id.ok());
  EXPECT_GT(*id, appended.back().id);
}

// ---- LDevID state (RFC 9646) ----------------------------------------------------

LdevidState makeLdevidState(const std::string& serial, bool pending, Bytes certificate) {
  LdevidState state;
  state.serialNumber = serial;
  state.requestPending = pending;
  state.requestedKeyAlgorithm = pending ? "ec-p256" : "";
  state.requestedMs = 1000;
  state.certificate = std::move(certificate);
  state.issuedMs = state.certificate.empty() ? 0 : 2000;
  return state;
}

TEST_P(RegistryConformance, LdevidStateIsStoredWithItsEvent) {
  putBasics();
  applyOk({PutDevice{makeDevice("SN-1")}, PutDevice{makeDevice("SN-2")}});
  auto none = registry().getLdevidState("SN-1");
  ASSERT_TRUE(none.ok()) << none.error().describe();
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(registry().getLdevidState("SN-404")->has_value());
  const std::int64_t revision = *registry().revision();

  // The csr-request: a response event and the pending request, together.
  const LdevidState requested = makeLdevidState("SN-1", true, {});
  auto id = registry().appendEventWithLdevid(makeEvent("SN-1", DeviceEvent::Kind::Response, 1000),
                                             requested);
  ASSERT_TRUE(id.ok()) << id.error().describe();
  EXPECT_EQ(registry().getLdevidState("SN-1")->value(), requested);
  auto log = registry().listEvents("SN-1", 0, 0);
  ASSERT_EQ(log->size(), 1U);
  EXPECT_EQ(log->front().id, *id);
  const Device device = getDeviceOk("SN-1");
  EXPECT_EQ(device.stage, DeviceStage::Contacted);  // exactly as appendEvent would
  EXPECT_EQ(device.lastSeenMs, 1000);

  // The issuance replaces it; the other device has nothing.
  const LdevidState issued = makeLdevidState("SN-1", false, issuedCertificateDer());
  ASSERT_TRUE(
      registry()
          .appendEventWithLdevid(makeEvent("SN-1", DeviceEvent::Kind::Response, 2000), issued)
          .ok());
  EXPECT_EQ(registry().getLdevidState("SN-1")->value(), issued);
  EXPECT_FALSE(registry().getLdevidState("SN-2")->has_value());
  // Server state, not inventory: the revision stays.
  EXPECT_EQ(*registry().revision(), revision);

  // Putting the device again (an inventory re-apply) keeps it.
  applyOk({PutDevice{makeDevice("SN-1")}});
  EXPECT_EQ(registry().getLdevidState("SN-1")->value(), issued);
  // Removing the device removes it; the same serial registered again starts clean.
  applyOk({RemoveDevice{"SN-1"}});
  EXPECT_FALSE(registry().getLdevidState("SN-1")->has_value());
  applyOk({PutDevice{makeDevice("SN-1")}});
  EXPECT_FALSE(registry().getLdevidState("SN-1")->has_value());
}

TEST_P(RegistryConformance, LdevidStateIsAllOrNothing) {
  putBasics();
  applyOk({PutDevice{makeDevice("SN-1")}});
  // Unknown device: no event, no state.
  expectError(registry().appendEventWithLdevid(makeEvent("SN-404", DeviceEvent::Kind::Response, 1),
                                               makeLdevidState("SN-404", true, {})),
              RegistryErrc::NotFound);
  EXPECT_FALSE(registry().getLdevidState("SN-404")->has_value());
  // The state of one device with the event of another.
  expectError(registry().appendEventWithLdevid(makeEvent("SN-1", DeviceEvent::Kind::Response, 1),
                                               makeLdevidState("SN-2", true, {})),
              RegistryErrc::InvalidObject);
  // An invalid event stores no state either.
  expectError(registry().appendEventWithLdevid(makeEvent("SN-1", DeviceEvent::Kind::Progress, 1),
                                               makeLdevidState("SN-1", true, {})),
              RegistryErrc::InvalidObject);
  EXPECT_FALSE(registry().getLdevidState("SN-1")->has_value());
  EXPECT_TRUE(registry().listEvents("SN-1", 0, 0)->empty());
  // Plain appends still work after the refusals.
  EXPECT_TRUE(registry().appendEvent(makeEvent("SN-1", DeviceEvent::Kind::Request, 5)).ok());
}

TEST_P(RegistryConformance, AuditIsListedInOrderWithFilters) {
  std::vector<AuditRecord> appended;
  for (int i = 0; i < 12; ++i) {
    AuditRecord record = makeAudit(i % 3 == 0 ? "admin" : "SN-" + std::to_string(i % 2), i);
    record.status = i % 4 == 0 ? 401 : 200;
    record.reason = i % 4 == 0 ? "unknown-device" : "";
    auto id = registry().appendAudit(record);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    record.id = *id;
    if (!appended.empty()) {
      EXPECT_GT(record.id, appended.back().id);
    }
    appended.push_back(record);
  }
  auto all = registry().listAudit(AuditFilter{0, "", 0});
  ASSERT_TRUE(all.ok()) << all.error().describe();
  EXPECT_EQ(*all, appended);
  EXPECT_EQ(registry().listAudit(AuditFilter{})->size(), 12u);  // Default limit 100.

  auto page = registry().listAudit(AuditFilter{appended[4].id, "", 3});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(*page, (std::vector<AuditRecord>(appended.begin() + 5, appended.begin() + 8)));

  auto admin = registry().listAudit(AuditFilter{appended[0].id, "admin", 0});
  ASSERT_TRUE(admin.ok());
  std::vector<AuditRecord> expected;
  for (std::size_t i = 1; i < appended.size(); ++i) {
    if (appended[i].identity == "admin") {
      expected.push_back(appended[i]);
    }
  }
  EXPECT_EQ(*admin, expected);
}

TEST_P(RegistryConformance, AuditBatchesAreStoredWholeAndInOrder) {
  ASSERT_TRUE(registry().appendAudit(makeAudit("SN-0", 0)));
  std::vector<AuditRecord> batch;
  for (int i = 1; i <= 600; ++i) {
    batch.push_back(makeAudit("SN-" + std::to_string(i % 5), i));
  }
  auto stored = registry().appendAudits(batch);
  ASSERT_TRUE(stored.ok()) << stored.error().describe();
  EXPECT_TRUE(registry().appendAudits({}).ok());
  auto all = registry().listAudit(AuditFilter{0, "", 0});
  ASSERT_TRUE(all.ok()) << all.error().describe();
  ASSERT_EQ(all->size(), 601u);
  for (std::size_t i = 1; i < all->size(); ++i) {
    EXPECT_GT((*all)[i].id, (*all)[i - 1].id);
    AuditRecord expected = batch[i - 1];
    expected.id = (*all)[i].id;
    EXPECT_EQ((*all)[i], expected) << i;
  }
}

// ---- Concurrency ---------------------------------------------------------------

TEST_P(RegistryConformance, ConcurrentReadersAndWriters) {
  putBasics();
  constexpr int kWriters = 4;
  constexpr int kReaders = 4;
  constexpr int kDevicesPerWriter = 40;
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  std::mutex idsMutex;
  std::set<std::int64_t> eventIds;
  std::set<std::int64_t> auditIds;

  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kDevicesPerWriter; i += 4) {
        std::vector<Change> batch;
        for (int j = i; j < i + 4; ++j) {
          batch.push_back(PutDevice{makeDevice("W" + std::to_string(w) + "-" + std::to_string(j))});
        }
        if (!registry().apply(batch)) {
          ++failures;
        }
        for (int j = i; j < i + 4; ++j) {
          const std::string serial = "W" + std::to_string(w) + "-" + std::to_string(j);
          auto event = registry().appendEvent(
              makeProgress(serial, ProgressType::BootstrapComplete, 1000 + j));
          auto audit = registry().appendAudit(makeAudit(serial, 1000 + j));
          if (!event || !audit) {
            ++failures;
            continue;
          }
          std::lock_guard lock(idsMutex);
          eventIds.insert(*event);
          auditIds.insert(*audit);
        }
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      std::uint64_t lastCount = 0;
      while (writing) {
        auto count = registry().countDevices(DeviceFilter{});
        auto list = registry().listDevices(makeFilter("dpu", "", std::nullopt, "", 10));
        auto byStage = registry().countDevicesByStage();
        auto device = registry().getDevice("W" + std::to_string(r) + "-0");
        auto revision = registry().revision();
        if (!count || !list || !byStage || !device || !revision) {
          ++failures;
          break;
        }
        // Committed devices never disappear: the count only grows.
        if (*count < lastCount) {
          ++failures;
        }
        lastCount = *count;
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) {
    threads[static_cast<std::size_t>(w)].join();
  }
  writing = false;
  for (std::size_t t = kWriters; t < threads.size(); ++t) {
    threads[t].join();
  }
  EXPECT_EQ(failures, 0);
  constexpr auto kTotal = static_cast<std::size_t>(kWriters * kDevicesPerWriter);
  EXPECT_EQ(eventIds.size(), kTotal);
  EXPECT_EQ(auditIds.size(), kTotal);
  EXPECT_EQ(*registry().countDevices(DeviceFilter{}), kTotal);
  auto byStage = registry().countDevicesByStage();
  ASSERT_TRUE(byStage.ok());
  EXPECT_EQ((*byStage)[DeviceStage::Completed], kTotal);
  EXPECT_EQ(registry().listAudit(AuditFilter{0, "", 0})->size(), kTotal);
  EXPECT_EQ(registry().listDevices(makeFilter("", "", std::nullopt, "", 0))->size(), kTotal);
}

}  // namespace
}  // namespace sztp::registry::test
