#pragma once

#include "agent/ports.h"
#include "agent_config.h"
#include "common/result.h"

namespace sztp::agentd {

/// Reads the IDevID certificate chain, loads its key (from a PEM file, or
/// through an OpenSSL provider such as tpm2 for a key held in a TPM, D9),
/// checks that they belong together, and fills in the serial number (I4) and
/// hw-model (config, else the DMI product name, I6).
Result<agent::DeviceIdentity> loadIdentity(const AgentConfig& config);

/// Every certificate of every PEM file; fails naming the file.
Result<std::vector<crypto::Certificate>> loadCertificates(
    const std::vector<std::filesystem::path>& files);

/// A small text file's content with trailing whitespace removed; nullopt
/// when it cannot be read.
std::optional<std::string> readTrimmed(const std::filesystem::path& file);

}  // namespace sztp::agentd
