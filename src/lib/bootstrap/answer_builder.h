#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bootstrap/device_auth.h"
#include "bootstrap/ldevid.h"
#include "bootstrap/lru_cache.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/private_key.h"
#include "model/bootstrap_rpc.h"
#include "model/conveyed_info.h"
#include "registry/registry.h"

namespace sztp::bootstrap {

/// Loads an owner's signing key from its reference (registry::Owner::signingKeyRef),
/// and an LDevID CA's key (registry::LdevidPolicy::caKeyRef). Called once per
/// owner and registry revision, and once per LDevID issued, so it may be slow.
using SigningKeyLoader = KeyLoader;

struct AnswerSettings {
  /// File server base URLs ("https://files.example.net:8443/images"); an
  /// image's download URIs are its own followed by base + "/" + file for each.
  std::vector<std::string> fileServerBaseUrls;
  /// Signed answers kept (keyed by the digest of everything they depend on).
  std::size_t signedCacheEntries = 4096;
};

/// An answer ready to send, with what the bootstrapping log records about it.
struct Answer {
  model::GetBootstrappingDataOutput output;
  bool isSigned = false;
  bool isEncrypted = false;
  bool cacheHit = false;
  /// Lowercase hex SHA-256 of the conveyed-information document before
  /// signing: the same value means the device got the same instructions.
  std::string contentDigest;
  /// Things the operator should know, e.g. "the device sent a nonce but the
  /// stored voucher has none; a device that requires a fresh voucher will
  /// reject it (S14)".
  std::vector<std::string> notes;
};

/// Builds the get-bootstrapping-data output for a device and its chosen
/// response: conveyed information from the response's profile, signed by the
/// device's owner with the owner certificate and the device's voucher (S7),
/// encrypted to the IDevID when the device type asks (S15, sign then encrypt).
/// Signed conveyed information and owner-certificate artifacts are cached
/// until an input changes (their cache key is the digest of the document and
/// the signing identity), so repeated requests cost no signature. Thread-safe.
class AnswerBuilder {
 public:
  AnswerBuilder(registry::Registry& registry, const Clock& clock, SigningKeyLoader loadKey,
                AnswerSettings settings);

  /// Fails with NoMatchingResponse (profile missing), SignedDataRequired (S6),
  /// SigningMaterialMissing, SigningKeyUnavailable, EncryptionImpossible,
  /// AnswerFailed or StorageFailure.
  ///
  /// With `ldevid` (RFC 9646, S21) the onboarding information also carries an
  /// issued LDevID: each kLdevidPlaceholder in the response's configuration
  /// becomes the base64 of its end-entity-cert-cms, or, when the profile has
  /// no configuration, the configuration is an ietf-keystore fragment
  /// (merge) holding it. LdevidNotDeliverable when neither is possible.
  Result<Answer> build(const AuthenticatedDevice& device, const registry::Response& response,
                       const model::GetBootstrappingDataInput& input, model::Encoding encoding,
                       const LdevidDelivery* ldevid = nullptr);

  /// Why `response` cannot carry an LDevID (it is redirect information, or
  /// its configuration has no kLdevidPlaceholder), or nullopt when it can.
  /// Fails with StorageFailure or NoMatchingResponse (a missing profile).
  Result<std::optional<std::string>> ldevidUndeliverable(const registry::Response& response);

  std::uint64_t cacheHits() const { return hits_; }
  std::uint64_t cacheMisses() const { return misses_; }

 private:
  struct OwnerMaterial {
    std::int64_t revision;
    crypto::Certificate certificate;
    std::vector<crypto::Certificate> intermediates;
    crypto::PrivateKey key;
    Bytes ownerCertificateArtifact;  ///< Certificate bag, unencrypted.
    std::string identityDigest;      ///< Over chain and key reference.
  };

  Result<model::ConveyedInformation> conveyedInformation(const registry::Response& response,
                                                         model::Encoding encoding,
                                                         const LdevidDelivery* ldevid);
  Result<std::shared_ptr<const OwnerMaterial>> ownerMaterial(const std::string& owner,
                                                             std::int64_t revision);

  registry::Registry& registry_;
  const Clock& clock_;
  SigningKeyLoader loadKey_;
  AnswerSettings settings_;
  LruCache<Bytes> signedCache_;
  LruCache<std::shared_ptr<const OwnerMaterial>> owners_{256};
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
};

}  // namespace sztp::bootstrap
