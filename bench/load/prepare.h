#pragma once

// The world of the load benchmark, beside the PKI that `sztp pki init` writes:
// vouchers and the inventory file of the measured devices, filler devices put
// straight into the registry (as registry_scale does), and a full check of a
// real answer, the way a device would check it.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sztp::bench::load {

/// Reads one serial number a line.
std::vector<std::string> readSerials(const std::filesystem::path& file);

/// Issues a voucher per serial (MASA of `dir`/pki, pinned to the owner CA) into
/// `dir`/vouchers, writes an image, a script and a configuration under
/// `dir`/files and `dir`/inventory.yaml naming them and every device.
/// Throws std::runtime_error on failure.
void prepareWorld(const std::filesystem::path& dir, const std::vector<std::string>& serials);

/// Puts `count` more devices (serials FILL-0000000…) of the inventory's type,
/// owner and profile, each with a copy of `voucherFile`, into the registry at
/// `registryPath`, in batches of `batch`. The server must be stopped and the
/// inventory applied once. Prints the time taken.
void fillRegistry(const std::filesystem::path& registryPath, std::uint64_t count,
                  std::uint64_t batch, const std::filesystem::path& voucherFile);

/// Validates a get-bootstrapping-data answer (RFC 8572 §5.4) as the device
/// `serial` would; throws std::runtime_error with the failing check.
void validateAnswer(const std::filesystem::path& dir, const std::string& serial,
                    const std::string& answerJson);

}  // namespace sztp::bench::load
