// Fuzz target for the device facts the agent reads from files it does not
// own (agentio): os-release(5) and OpenSSH public key files. Beyond not
// crashing: every parsed os-release value respects the value cap and every
// accepted ssh key's blob begins with its algorithm name. A violation
// abort()s so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agentio/os_release.h"
#include "agentio/ssh_host_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto fields = sztp::agentio::parseOsRelease(text); fields) {
    for (const auto& [key, value] : *fields) {
      if (key.empty() || value.size() > 1024 || key.find('=') != std::string::npos) {
        std::abort();
      }
    }
  }
  if (auto key = sztp::agentio::parseSshPublicKey(text); key) {
    const auto& blob = key->keyData;
    if (key->algorithm.empty() || blob.size() < 4 + key->algorithm.size() ||
        std::string_view(reinterpret_cast<const char*>(blob.data()) + 4, key->algorithm.size()) !=
            key->algorithm) {
      std::abort();
    }
  }
  return 0;
}
