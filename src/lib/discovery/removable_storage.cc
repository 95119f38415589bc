#include "discovery/removable_storage.h"

namespace sztp::discovery {
namespace {

Result<std::optional<Bytes>> readCapped(const StorageReader& read, const std::string& path) {
  auto content = read(path, kMaxStorageFileBytes);
  if (content && content->size() > kMaxStorageFileBytes) {
    return Error(DiscoveryErrc::InputTooLarge,
                 path + " is larger than " + std::to_string(kMaxStorageFileBytes) + " octets");
  }
  return content;
}

}  // namespace

std::vector<std::string> storageCandidateDirectories(std::string_view serialNumber) {
  std::vector<std::string> out;
  const bool usable = !serialNumber.empty() && serialNumber != "." && serialNumber != ".." &&
                      serialNumber.find('/') == std::string_view::npos &&
                      serialNumber.find('\0') == std::string_view::npos;
  if (usable) {
    out.push_back(std::string(serialNumber) + "/bootstrapping-data/");
  }
  out.emplace_back("bootstrapping-data/");
  return out;
}

Result<std::optional<StorageFind>> findStorageBootstrappingData(std::string_view serialNumber,
                                                                const StorageReader& read) {
  for (const auto& dir : storageCandidateDirectories(serialNumber)) {
    auto ci = readCapped(read, dir + std::string(kConveyedInformationFile));
    if (!ci) {
      return std::move(ci).error();
    }
    if (!*ci) {
      continue;
    }
    StorageFind find;
    find.directory = dir;
    find.data.conveyedInformation = std::move(**ci);
    auto oc = readCapped(read, dir + std::string(kOwnerCertificateFile));
    if (!oc) {
      return std::move(oc).error();
    }
    find.data.ownerCertificate = std::move(*oc);
    for (auto name : kOwnershipVoucherFiles) {
      auto ov = readCapped(read, dir + std::string(name));
      if (!ov) {
        return std::move(ov).error();
      }
      if (*ov) {
        find.data.ownershipVoucher = std::move(*ov);
        break;
      }
    }
    if (find.data.ownerCertificate.has_value() != find.data.ownershipVoucher.has_value()) {
      return Error(DiscoveryErrc::StorageIncomplete,
                   dir + " has " +
                       (find.data.ownerCertificate ? "an owner certificate but no voucher"
                                                   : "a voucher but no owner certificate"));
    }
    return std::optional<StorageFind>(std::move(find));
  }
  return std::optional<StorageFind>();
}

}  // namespace sztp::discovery
