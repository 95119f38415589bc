// planBulkImport: bulk records merged into the registry's devices.
#include <map>
#include <unordered_map>

#include "inventory/bulk.h"
#include "inventory/inventory_error.h"
#include "inventory/parallel.h"
#include "registry/validation.h"

namespace sztp::inventory {
namespace {

using registry::ObjectKind;

// How many record errors the refusal's detail spells out.
constexpr std::size_t kErrorsShown = 5;

class ReferenceCache {
 public:
  explicit ReferenceCache(registry::Registry& registry) : registry_(registry) {}

  /// True when the object exists; registry failures pass through.
  Result<bool> exists(ObjectKind kind, const std::string& name) {
    auto key = std::make_pair(kind, name);
    if (auto it = known_.find(key); it != known_.end()) {
      return it->second;
    }
    auto found = registry_.getObject(kind, name);
    if (!found) {
      return std::move(found).error();
    }
    known_.emplace(std::move(key), found->has_value());
    return found->has_value();
  }

 private:
  registry::Registry& registry_;
  std::map<std::pair<ObjectKind, std::string>, bool> known_;
};

// Every reference of `device` exists in the registry, or the first that
// does not as an error.
Result<std::optional<Error>> missingReference(const registry::Device& device,
                                              ReferenceCache& cache) {
  std::vector<std::tuple<ObjectKind, std::string, std::string>> references = {
      {ObjectKind::DeviceType, device.deviceType, "device-type"},
      {ObjectKind::Owner, device.owner, "owner"}};
  for (std::size_t r = 0; r < device.responses.size(); ++r) {
    const auto& response = device.responses[r];
    references.emplace_back(response.kind == registry::Response::Kind::Onboarding
                                ? ObjectKind::OnboardingProfile
                                : ObjectKind::RedirectProfile,
                            response.profile, "responses[" + std::to_string(r) + "].profile");
  }
  for (const auto& [kind, name, field] : references) {
    if (name.empty()) {
      continue;
    }
    auto found = cache.exists(kind, name);
    if (!found) {
      return std::move(found).error();
    }
    if (!*found) {
      return std::optional<Error>(Error(InventoryErrc::DanglingReference,
                                        field + ": " + std::string(registry::objectKindName(kind)) +
                                            " '" + name + "' does not exist in the registry"));
    }
  }
  return std::optional<Error>();
}

}  // namespace

std::string BulkReport::summary() const {
  std::string out = std::to_string(records) + (records == 1 ? " record: " : " records: ") +
                    std::to_string(added.size()) + " added, " + std::to_string(updated.size()) +
                    " updated, " + std::to_string(unchanged.size()) + " unchanged, " +
                    std::to_string(errors.size()) + (errors.size() == 1 ? " error\n" : " errors\n");
  for (const auto& error : errors) {
    out += error.source + ": " + error.error.describe() + "\n";
  }
  return out;
}

Result<BulkPlan> planBulkImport(const BulkInput& input, registry::Registry& registry,
                                const BulkOptions& options) {
  BulkPlan plan;
  BulkReport& report = plan.report;
  report.records = input.count;
  report.errors = input.errors;
  if (options.expectedCount && *options.expectedCount != input.count) {
    plan.refused = Error(InventoryErrc::CountMismatch,
                         "expected " + std::to_string(*options.expectedCount) +
                             " records, the input holds " + std::to_string(input.count));
    return plan;
  }
  const SecretHasher hasher = completeHasher(options.hasher);
  ReferenceCache references(registry);
  std::unordered_map<std::string, std::string> firstSource;
  firstSource.reserve(input.records.size());

  // Merge each record with what is stored; hashing waits for the parallel pass.
  struct Merged {
    const DeviceRecord* record;
    std::optional<registry::Device> stored;
    registry::Device device;
    std::optional<Error> error;
  };
  std::vector<Merged> merged;
  merged.reserve(input.records.size());
  for (const auto& record : input.records) {
    auto [it, inserted] = firstSource.emplace(record.serialNumber, record.source);
    if (!inserted) {
      report.errors.push_back(
          {record.source, Error(InventoryErrc::Invalid, "serial number '" + record.serialNumber +
                                                            "' is also at " + it->second)});
      continue;
    }
    auto stored = registry.getDevice(record.serialNumber);
    if (!stored) {
      return std::move(stored).error();
    }
    registry::Device device;
    if (*stored) {
      device = **stored;
    } else {
      device.serialNumber = record.serialNumber;
      device.deviceType = options.defaultDeviceType;
      device.owner = options.defaultOwner;
      device.responses = options.defaultResponses;
    }
    if (record.deviceType) {
      device.deviceType = *record.deviceType;
    }
    if (record.owner) {
      device.owner = *record.owner;
    }
    if (record.enabled) {
      device.enabled = *record.enabled;
    }
    if (record.responses) {
      device.responses = *record.responses;
    }
    if (record.ownershipVoucher) {
      device.ownershipVoucher = record.ownershipVoucher;
    }
    if (record.activationCodeHash) {
      device.activationCodeHash = *record.activationCodeHash;
    }
    Merged entry{&record, std::move(*stored), std::move(device), std::nullopt};
    if (entry.device.deviceType.empty()) {
      entry.error =
          Error(InventoryErrc::Invalid, "no device-type for new device '" + record.serialNumber +
                                            "': give it in the record or as the import's default");
    } else if (auto valid = registry::validateDevice(entry.device); !valid) {
      entry.error = std::move(valid).error();
    } else {
      auto missing = missingReference(entry.device, references);
      if (!missing) {
        return std::move(missing).error();
      }
      entry.error = std::move(*missing);
    }
    merged.push_back(std::move(entry));
  }
  parallelFor(merged.size(), [&](std::size_t i) {
    Merged& entry = merged[i];
    if (entry.error || !entry.record->activationCode) {
      return;
    }
    const std::string& code = *entry.record->activationCode;
    const bool same = entry.stored && !entry.stored->activationCodeHash.empty() &&
                      hasher.matches(code, entry.stored->activationCodeHash);
    entry.device.activationCodeHash = same ? entry.stored->activationCodeHash : hasher.hash(code);
  });
  for (auto& entry : merged) {
    if (entry.error) {
      report.errors.push_back({entry.record->source, std::move(*entry.error)});
      continue;
    }
    const std::string& serial = entry.device.serialNumber;
    if (!entry.stored) {
      report.added.push_back(serial);
    } else if (*entry.stored == entry.device) {
      report.unchanged.push_back(serial);
      continue;
    } else {
      report.updated.push_back(serial);
    }
    plan.changes.push_back(registry::PutDevice{std::move(entry.device)});
  }
  if (!report.errors.empty() && !options.skipInvalid) {
    std::string detail = std::to_string(report.errors.size()) + " of " +
                         std::to_string(input.count) + " records are invalid";
    for (std::size_t i = 0; i < report.errors.size() && i < kErrorsShown; ++i) {
      detail += "; " + report.errors[i].source + ": " + report.errors[i].error.describe();
    }
    if (report.errors.size() > kErrorsShown) {
      detail += "; ...";
    }
    plan.refused = Error(InventoryErrc::BulkRejected, detail);
    plan.changes.clear();
  }
  return plan;
}

}  // namespace sztp::inventory
