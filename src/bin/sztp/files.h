#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/private_key.h"

namespace sztp::cli {

/// The largest artifact or PEM file the toolkit reads whole. Boot images are
/// never read whole: they are hashed as a stream.
inline constexpr std::size_t kMaxArtifactBytes = std::size_t{64} * 1024 * 1024;

/// Reads a whole file ("-" is standard input), refusing more than `limit` octets.
Result<Bytes> readFile(const std::string& path, std::size_t limit = kMaxArtifactBytes);

/// Writes `data` atomically: a temporary file in the same directory, fsync,
/// rename. "-" writes to standard output. `mode` applies to the new file
/// (0600 for private keys). Without `overwrite`, an existing file is refused.
Status writeFile(const std::string& path, ByteView data, bool overwrite = true,
                 std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_write |
                                               std::filesystem::perms::group_read |
                                               std::filesystem::perms::others_read);
Status writePrivateKey(const std::string& path, const crypto::PrivateKey& key, bool overwrite);

/// SHA-256 of a file of any size, streamed.
Result<Bytes> sha256File(const std::string& path);

Result<std::vector<crypto::Certificate>> loadCertificates(const std::string& path);
/// The first certificate of a PEM or DER file.
Result<crypto::Certificate> loadCertificate(const std::string& path);
Result<crypto::PrivateKey> loadPrivateKey(const std::string& path);
Result<std::vector<crypto::Crl>> loadCrls(const std::string& path);

/// Every certificate of every file, in order.
Result<std::vector<crypto::Certificate>> loadCertificateFiles(
    const std::vector<std::string>& paths);

}  // namespace sztp::cli
