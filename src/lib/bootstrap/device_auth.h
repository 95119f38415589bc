#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bootstrap/lru_cache.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "http/message.h"
#include "registry/registry.h"

namespace sztp::bootstrap {

/// A device the server has authenticated (S2, S3, S4).
struct AuthenticatedDevice {
  registry::Device device;
  registry::DeviceType type;
  /// The IDevID certificate the device presented, when it presented one.
  std::optional<crypto::Certificate> idevid;
  /// "certificate", "activation-code" or "certificate+activation-code".
  std::string method;
};

/// The outcome of an authentication attempt. `claimedSerial` is the serial
/// number the client claimed (from its certificate or its Basic user name),
/// kept even on failure so the refusal can go to that device's log.
struct AuthOutcome {
  Result<AuthenticatedDevice> result;
  std::string claimedSerial;
};

/// Reads the serial number from an IDevID certificate with a device type's
/// rule (I4; S4): the subject serialNumber or CN, optionally through the
/// rule's regex whose first capture group is the serial number.
Result<std::string> serialFromCertificate(const crypto::Certificate& certificate,
                                          const registry::SerialRule& rule);

/// Parses "Basic base64(user:password)" (RFC 7617). Fails with
/// MalformedAuthorization for anything else.
Result<std::pair<std::string, std::string>> parseBasicAuthorization(std::string_view header);

/// Authenticates devices against the registry.
///
/// A client certificate chain is validated (RFC 5280, at the clock's time)
/// against the IDevID trust anchors of every device type; the serial number
/// is read with the rule of a type it chains to, and the device must be of
/// that type. HTTP Basic authenticates with the device's activation code when
/// its type allows it; with both, the two serial numbers must agree. Any
/// failure is 401 (S3).
///
/// Results are cached so that the five report-progress calls after
/// get-bootstrapping-data do not repeat the work: validated chains by their
/// digest (until the earliest notAfter in the path or a registry change),
/// verified activation codes by a digest of serial, code and stored hash
/// (PBKDF2 costs tens of milliseconds by design). Thread-safe.
class DeviceAuthenticator {
 public:
  DeviceAuthenticator(registry::Registry& registry, const Clock& clock);

  AuthOutcome authenticate(const http::Peer& peer, std::optional<std::string_view> authorization);

 private:
  struct TypeTrust {
    registry::DeviceType type;
    std::vector<crypto::Certificate> anchors;
  };
  struct Snapshot {
    std::int64_t revision = -1;
    std::vector<TypeTrust> types;
  };
  /// Keyed by the digest of the chain's DER, so a device asking again costs
  /// neither a path validation nor a certificate decode.
  struct ChainVerdict {
    std::vector<std::string> typeNames;  ///< Types whose anchors the chain validates to.
    TimePoint validUntil;
    std::optional<crypto::Certificate> leaf;  ///< The decoded end-entity certificate.
  };

  Result<std::shared_ptr<const Snapshot>> snapshot();
  Result<ChainVerdict> verifyChain(const Snapshot& snapshot,
                                   const std::vector<crypto::Certificate>& chain);
  Result<bool> checkActivationCode(const registry::Device& device, std::string_view code);

  registry::Registry& registry_;
  const Clock& clock_;
  std::mutex snapshotMutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  LruCache<ChainVerdict> chainCache_{8192};
  LruCache<bool> codeCache_{8192};
};

}  // namespace sztp::bootstrap
