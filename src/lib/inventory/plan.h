#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "inventory/inventory_file.h"
#include "registry/registry.h"

namespace sztp::inventory {

/// How clear activation codes become stored hashes. The default is
/// crypto/password_hash.h (PBKDF2, deliberately slow: ~50 ms a code); tests
/// inject a cheaper one.
struct SecretHasher {
  std::function<std::string(std::string_view secret)> hash;
  /// True iff `secret` matches `stored`; false on a malformed `stored`.
  std::function<bool(std::string_view secret, std::string_view stored)> matches;
};
SecretHasher defaultSecretHasher();
/// `hasher` with its unset members taken from defaultSecretHasher().
SecretHasher completeHasher(SecretHasher hasher);

struct ApplyOptions {
  /// Remove every object and device the inventory does not mention.
  bool prune = false;
  /// Unset members mean defaultSecretHasher().
  SecretHasher hasher;
};

enum class ChangeAction { Create, Update, Remove };

/// One line of a plan, for people: what happens to which object.
struct PlannedChange {
  ChangeAction action = ChangeAction::Create;
  std::string kind;  ///< "device-type", ..., "redirect-profile", "device".
  std::string name;  ///< Object name or serial number.
};

/// Counts for one kind.
struct KindCounts {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t removed = 0;
  std::size_t unchanged = 0;
};

/// The changes that make the registry hold what the inventory says.
struct Plan {
  /// Applied as one batch (Registry::apply is atomic).
  std::vector<registry::Change> changes;
  /// Parallel to `changes`.
  std::vector<PlannedChange> items;
  /// By kind name, every kind present (zeros included), devices last as "device".
  std::vector<std::pair<std::string, KindCounts>> counts;

  bool empty() const { return changes.empty(); }
  /// "device-type: 1 created, 0 updated, 0 removed, 2 unchanged" per kind,
  /// then "N changes" (or "no changes"): what `--dry-run` prints.
  std::string summary() const;
  /// One line per change: "+ owner acme", "~ device SN-1", "- image old".
  std::string details() const;
};

/// Compares the inventory with the registry and returns the changes that
/// make them equal: objects and devices the file declares are created or
/// updated where they differ; with `prune`, everything else is removed.
/// Idempotent: planning again after applying the plan gives no changes
/// (clear activation codes that match the stored hash keep that hash; a
/// device's stage and last-seen time, which the server maintains, are not
/// compared). References (a device's type and owner, a response's profile,
/// a profile's image, scripts and configuration) must name an object of the
/// file or, unless pruned, of the registry: otherwise DanglingReference
/// naming the YAML path and line. Registry read failures pass through.
Result<Plan> planApply(const Inventory& desired, registry::Registry& current,
                       const ApplyOptions& options = {});

}  // namespace sztp::inventory
