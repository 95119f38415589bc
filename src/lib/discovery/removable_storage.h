#pragma once

// Removable storage as an SZTP source (RFC 8572 §4.1, X1, X2). RFC 8572
// leaves file system and names open and recommends per-device names (X2
// [S]); this is our scheme, documented for operators:
//
//   <root>/<serial>/bootstrapping-data/conveyed-information.cms
//   <root>/<serial>/bootstrapping-data/owner-certificate.cms
//   <root>/<serial>/bootstrapping-data/ownership-voucher.vcj  (or .cms)
//   <root>/bootstrapping-data/...                             (generic, same names)
//
// The per-serial directory is tried first; the generic one only when the
// per-serial one has no conveyed information (compare X4 for DNS). What is
// found is untrusted (X1): the trust library requires it to be signed, or
// treats it as provisional redirect information. Pure: files come through a
// callback.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "discovery/discovery_error.h"
#include "trust/signed_data_validator.h"

namespace sztp::discovery {

/// No artifact file may be larger (conveyed information with an embedded
/// configuration and scripts stays well below).
inline constexpr std::size_t kMaxStorageFileBytes = 16 * 1024 * 1024;

inline constexpr std::string_view kConveyedInformationFile = "conveyed-information.cms";
inline constexpr std::string_view kOwnerCertificateFile = "owner-certificate.cms";
/// Tried in this order: RFC 8366's file extension (A11) first.
inline constexpr std::string_view kOwnershipVoucherFiles[] = {"ownership-voucher.vcj",
                                                              "ownership-voucher.cms"};

/// Directories relative to a storage root, in the order tried, each ending
/// in '/': "<serial>/bootstrapping-data/", then "bootstrapping-data/". A
/// serial that is empty, ".", "..", or holds '/' or NUL gets no per-serial
/// entry (it would escape or alias the scheme).
std::vector<std::string> storageCandidateDirectories(std::string_view serialNumber);

/// Reads one file by relative path; nullopt when it does not exist. An
/// implementation caps what it reads at `maxBytes` + 1 so an oversized file
/// is detected without reading it all.
using StorageReader =
    std::function<std::optional<Bytes>(const std::string& relativePath, std::size_t maxBytes)>;

struct StorageFind {
  std::string directory;  ///< The candidate directory the data came from.
  trust::BootstrappingData data;
};

/// The first candidate directory with a conveyed-information file, with the
/// owner certificate and voucher beside it when present. nullopt when no
/// directory has one. Fails with InputTooLarge for a file over the cap, or
/// StorageIncomplete when exactly one of owner certificate and voucher is
/// there (signed data needs both, D22: better to say so here than to let it
/// fail later as unsigned).
Result<std::optional<StorageFind>> findStorageBootstrappingData(std::string_view serialNumber,
                                                                const StorageReader& read);

}  // namespace sztp::discovery
