#pragma once

#include <string_view>

#include "common/result.h"
#include "model/bootstrap_rpc.h"

namespace sztp::agentio {

inline constexpr std::size_t kMaxSshPublicKeyBytes = 16 * 1024;

/// Parses an OpenSSH public key file line ("ssh-ed25519 AAAA... comment", as
/// in /etc/ssh/ssh_host_*_key.pub) into the algorithm and the RFC 4253 §6.6
/// blob that bootstrap-complete reports (D55). The blob must begin with the
/// same algorithm name, as OpenSSH writes it. Errors: CodecErrc::InputTooLarge,
/// CodecErrc::InvalidValue.
Result<model::SshHostKey> parseSshPublicKey(std::string_view text);

}  // namespace sztp::agentio
