#include "inventory/plan.h"

#include <set>
#include <unordered_map>
#include <unordered_set>

#include "crypto/password_hash.h"
#include "inventory/inventory_error.h"
#include "inventory/parallel.h"

namespace sztp::inventory {
namespace {

using registry::ObjectKind;

constexpr ObjectKind kKinds[] = {
    ObjectKind::DeviceType,      ObjectKind::Owner,         ObjectKind::Image,
    ObjectKind::Script,          ObjectKind::Configuration, ObjectKind::OnboardingProfile,
    ObjectKind::RedirectProfile,
};
constexpr std::size_t kDeviceSlot = std::size(kKinds);
constexpr std::size_t kPageSize = 1000;
struct Planner {
  const Inventory& desired;
  registry::Registry& registry;
  const ApplyOptions& options;
  SecretHasher hasher;
  Plan plan;
  /// Names each kind will hold after the plan, for the reference check.
  std::set<std::string> available[std::size(kKinds)];

  KindCounts& counts(std::size_t slot) { return plan.counts[slot].second; }

  void add(registry::Change change, ChangeAction action, std::string kind, std::string name) {
    plan.changes.push_back(std::move(change));
    plan.items.push_back({action, std::move(kind), std::move(name)});
  }

  Status objects();
  Status devices();
  Status references() const;
  std::string where(const std::string& path, const std::string& fallback) const {
    auto it = desired.locations.find(path);
    return it != desired.locations.end() ? it->second : fallback;
  }
  Status check(ObjectKind kind, const std::string& name, const std::string& path,
               const std::string& fallback) const;
};

Status Planner::objects() {
  for (std::size_t slot = 0; slot < std::size(kKinds); ++slot) {
    const ObjectKind kind = kKinds[slot];
    const std::string kindName(registry::objectKindName(kind));
    auto stored = registry.listObjects(kind);
    if (!stored) {
      return std::move(stored).error();
    }
    std::unordered_map<std::string, const registry::InventoryObject*> byName;
    for (const auto& object : *stored) {
      byName.emplace(registry::nameOf(object), &object);
    }
    std::unordered_set<std::string> declared;
    for (const auto& object : desired.objects) {
      if (registry::kindOf(object) != kind) {
        continue;
      }
      const std::string& name = registry::nameOf(object);
      declared.insert(name);
      available[slot].insert(name);
      auto it = byName.find(name);
      if (it == byName.end()) {
        add(registry::PutObject{object}, ChangeAction::Create, kindName, name);
        ++counts(slot).created;
      } else if (!(*it->second == object)) {
        add(registry::PutObject{object}, ChangeAction::Update, kindName, name);
        ++counts(slot).updated;
      } else {
        ++counts(slot).unchanged;
      }
    }
    for (const auto& [name, object] : byName) {
      if (declared.contains(name)) {
        continue;
      }
      if (options.prune) {
        add(registry::RemoveObject{kind, name}, ChangeAction::Remove, kindName, name);
        ++counts(slot).removed;
      } else {
        available[slot].insert(name);
      }
    }
  }
  return {};
}

Status Planner::devices() {
  const auto& wanted = desired.devices;
  std::vector<std::optional<registry::Device>> stored(wanted.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    auto found = registry.getDevice(wanted[i].device.serialNumber);
    if (!found) {
      return std::move(found).error();
    }
    stored[i] = std::move(*found);
  }
  // The device each entry asks for, with the server-maintained fields and,
  // where the clear code still matches, the stored hash carried over.
  std::vector<registry::Device> target(wanted.size());
  parallelFor(wanted.size(), [&](std::size_t i) {
    registry::Device device = wanted[i].device;
    const auto& old = stored[i];
    if (old) {
      device.stage = old->stage;
      device.lastSeenMs = old->lastSeenMs;
    }
    if (!wanted[i].activationCodeGiven) {
      device.activationCodeHash = old ? old->activationCodeHash : std::string();
    } else if (!wanted[i].activationCode.empty()) {
      const bool same = old && !old->activationCodeHash.empty() &&
                        hasher.matches(wanted[i].activationCode, old->activationCodeHash);
      device.activationCodeHash =
          same ? old->activationCodeHash : hasher.hash(wanted[i].activationCode);
    }
    target[i] = std::move(device);
  });
  std::unordered_set<std::string> declared;
  declared.reserve(wanted.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const std::string& serial = target[i].serialNumber;
    declared.insert(serial);
    if (!stored[i]) {
      add(registry::PutDevice{std::move(target[i])}, ChangeAction::Create, "device", serial);
      ++counts(kDeviceSlot).created;
    } else if (!(*stored[i] == target[i])) {
      add(registry::PutDevice{std::move(target[i])}, ChangeAction::Update, "device", serial);
      ++counts(kDeviceSlot).updated;
    } else {
      ++counts(kDeviceSlot).unchanged;
    }
  }
  if (!options.prune) {
    return {};
  }
  registry::DeviceFilter filter;
  filter.limit = kPageSize;
  while (true) {
    auto page = registry.listDevices(filter);
    if (!page) {
      return std::move(page).error();
    }
    for (const auto& device : *page) {
      if (!declared.contains(device.serialNumber)) {
        add(registry::RemoveDevice{device.serialNumber}, ChangeAction::Remove, "device",
            device.serialNumber);
        ++counts(kDeviceSlot).removed;
      }
    }
    if (page->size() < kPageSize) {
      break;
    }
    filter.afterSerial = page->back().serialNumber;
  }
  return {};
}

Status Planner::check(ObjectKind kind, const std::string& name, const std::string& path,
                      const std::string& fallback) const {
  if (name.empty() || available[static_cast<std::size_t>(kind)].contains(name)) {
    return {};
  }
  return Error(InventoryErrc::DanglingReference,
               where(path, fallback) + ": " + std::string(registry::objectKindName(kind)) + " '" +
                   name + "' is neither in the inventory nor in the registry" +
                   (options.prune ? " (or is pruned)" : ""));
}

Status Planner::references() const {
  std::size_t profileIndex = 0;
  for (const auto& object : desired.objects) {
    const auto* profile = std::get_if<registry::OnboardingProfile>(&object);
    if (profile == nullptr) {
      continue;
    }
    const std::string path = "onboarding-profiles[" + std::to_string(profileIndex++) + "].";
    const std::string fallback = "onboarding-profile " + profile->name + ": ";
    const std::pair<ObjectKind, const std::string*> members[] = {
        {ObjectKind::Image, &profile->image},
        {ObjectKind::Script, &profile->preConfigurationScript},
        {ObjectKind::Configuration, &profile->configuration},
        {ObjectKind::Script, &profile->postConfigurationScript},
    };
    const char* keys[] = {"image", "pre-configuration-script", "configuration",
                          "post-configuration-script"};
    for (std::size_t m = 0; m < std::size(members); ++m) {
      if (auto s = check(members[m].first, *members[m].second, path + keys[m], fallback + keys[m]);
          !s) {
        return s;
      }
    }
  }
  for (std::size_t i = 0; i < desired.devices.size(); ++i) {
    const auto& device = desired.devices[i].device;
    const std::string path = "devices[" + std::to_string(i) + "].";
    const std::string fallback = "device " + device.serialNumber + ": ";
    if (auto s = check(ObjectKind::DeviceType, device.deviceType, path + "device-type",
                       fallback + "device-type");
        !s) {
      return s;
    }
    if (auto s = check(ObjectKind::Owner, device.owner, path + "owner", fallback + "owner"); !s) {
      return s;
    }
    for (std::size_t r = 0; r < device.responses.size(); ++r) {
      const auto& response = device.responses[r];
      const auto kind = response.kind == registry::Response::Kind::Onboarding
                            ? ObjectKind::OnboardingProfile
                            : ObjectKind::RedirectProfile;
      const std::string key = "responses[" + std::to_string(r) + "].profile";
      if (auto s = check(kind, response.profile, path + key, fallback + key); !s) {
        return s;
      }
    }
  }
  return {};
}

std::string actionSymbol(ChangeAction action) {
  switch (action) {
    case ChangeAction::Create:
      return "+";
    case ChangeAction::Update:
      return "~";
    case ChangeAction::Remove:
      return "-";
  }
  return "?";
}

}  // namespace

SecretHasher defaultSecretHasher() {
  return {[](std::string_view secret) { return crypto::hashSecret(secret); },
          [](std::string_view secret, std::string_view stored) {
            auto matched = crypto::verifySecret(secret, stored);
            return matched.ok() && *matched;
          }};
}

std::string Plan::summary() const {
  std::string out;
  for (const auto& [kind, c] : counts) {
    out += kind + ": " + std::to_string(c.created) + " created, " + std::to_string(c.updated) +
           " updated, " + std::to_string(c.removed) + " removed, " + std::to_string(c.unchanged) +
           " unchanged\n";
  }
  out += changes.empty()
             ? std::string("no changes\n")
             : std::to_string(changes.size()) + (changes.size() == 1 ? " change\n" : " changes\n");
  return out;
}

std::string Plan::details() const {
  std::string out;
  for (const auto& item : items) {
    out += actionSymbol(item.action) + " " + item.kind + " " + item.name + "\n";
  }
  return out;
}

SecretHasher completeHasher(SecretHasher hasher) {
  const SecretHasher fallback = defaultSecretHasher();
  if (!hasher.hash) {
    hasher.hash = fallback.hash;
  }
  if (!hasher.matches) {
    hasher.matches = fallback.matches;
  }
  return hasher;
}

Result<Plan> planApply(const Inventory& desired, registry::Registry& current,
                       const ApplyOptions& options) {
  Planner planner{desired, current, options, completeHasher(options.hasher), {}, {}};
  for (auto kind : kKinds) {
    planner.plan.counts.emplace_back(std::string(registry::objectKindName(kind)), KindCounts{});
  }
  planner.plan.counts.emplace_back("device", KindCounts{});
  if (auto s = planner.objects(); !s) {
    return std::move(s).error();
  }
  if (auto s = planner.references(); !s) {
    return std::move(s).error();
  }
  if (auto s = planner.devices(); !s) {
    return std::move(s).error();
  }
  return std::move(planner.plan);
}

}  // namespace sztp::inventory
