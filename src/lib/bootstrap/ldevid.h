#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bootstrap/device_auth.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/private_key.h"
#include "model/bootstrap_rpc.h"
#include "registry/inventory.h"
#include "registry/records.h"

// LDevID issuance through get-bootstrapping-data (RFC 9646; checklist
// S19–S22): what to ask a device offering csr-support, how to check the CSR
// it sends, and the certificate issued for it. docs/server.md, "LDevID (RFC
// 9646)", describes the exchange.

namespace sztp::bootstrap {

/// Loads a private key from its reference: an owner's signingKeyRef, an
/// LDevID policy's caKeyRef. Supplied by the binary (files; later an HSM).
using KeyLoader = std::function<Result<crypto::PrivateKey>(const std::string& keyRef)>;

/// Written by the operator in a configuration where the LDevID belongs; each
/// occurrence is replaced by the base64 of the end-entity-cert-cms.
inline constexpr std::string_view kLdevidPlaceholder = "{{ldevid-certificate}}";
/// The name of the keystore entry (key and certificate) the server writes
/// when the response has no configuration of its own.
inline constexpr std::string_view kLdevidKeystoreName = "ldevid";

/// What an answer carries to deliver an issued LDevID (S21).
struct LdevidDelivery {
  /// ietf-crypto-types end-entity-cert-cms: a certificates-only SignedData
  /// with the LDevID first, then the policy's CA chain.
  Bytes certificateCms;
  Bytes publicKey;  ///< DER SubjectPublicKeyInfo of the LDevID.
};

/// The answer to csr-support when the server wants a CSR (S19, S20).
struct CsrRequestPlan {
  model::CsrRequest request;
  /// The key-generation algorithm selected ("ec-p256"), or "" when the CSR
  /// is to use the IDevID key.
  std::string keyAlgorithm;
  std::string summary;  ///< One line for the device's log.
};

/// Either a plan, or why csr-support is ignored (the device is then
/// answered normally and the reason goes to its log).
struct CsrDecision {
  std::optional<CsrRequestPlan> plan;
  std::string whyNot;
};

/// S20: the csr-request for a device of `serial`, authenticated with
/// `idevid`, that offered `support`. The format is p10-csr, only if the
/// device lists it. Key generation is asked for only if the device offered
/// it: the first of the policy's algorithms the device lists is selected and
/// its own AlgorithmIdentifier octets are echoed, so the selection is always
/// one of its supported-algorithms. Otherwise, when the policy allows it, a
/// CSR with the IDevID key is asked for, with a cert-req-info (subject
/// serialNumber, the IDevID's public key) for the device to sign (D60).
CsrDecision planCsrRequest(const registry::LdevidPolicy& policy, const crypto::Certificate& idevid,
                           const std::string& serial, const model::CsrSupport& support);

/// S21, S22: checks a device's CSR and issues its LDevID. Stateless and
/// thread-safe; the CA key is loaded for each issuance (one per device).
class LdevidIssuer {
 public:
  LdevidIssuer(const Clock& clock, KeyLoader loadKey, std::size_t maxCsrBytes);

  struct Issued {
    crypto::Certificate certificate;
    LdevidDelivery delivery;
  };

  /// Checks, in order: the format is p10-csr (CsrFormatUnsupported), the
  /// size (CsrTooLarge), the device presented an IDevID
  /// (CsrOriginUnverifiable), the request parses (CsrMalformed), its
  /// signature verifies with its own key (CsrSignatureInvalid: proof of
  /// possession), and its key is the one asked for (proof of origin): with a
  /// key-generation request outstanding in `state`, a key of that algorithm
  /// that is not the IDevID's (CsrAlgorithmWrong, CsrKeyNotNew); otherwise
  /// the IDevID's own key (CsrKeyMismatch), which the policy must allow.
  /// Then issues: subject serialNumber=<serial> (the CSR's subject is not
  /// used: the device does not choose its identity), validity from an hour
  /// ago to `validity-days` ahead but never past the CA's notAfter, key usage
  /// digitalSignature, EKU clientAuth. LdevidIssuanceFailed when the CA
  /// cannot be used.
  Result<Issued> issue(const AuthenticatedDevice& device, const registry::LdevidPolicy& policy,
                       const model::CsrMessage& csr,
                       const std::optional<registry::LdevidState>& state) const;

  /// Loads the CA certificate and key and checks they belong together and the
  /// CA is valid now: done before asking a device for a CSR, so a broken
  /// policy fails at once instead of after the device made a key.
  Status checkIssuer(const registry::LdevidPolicy& policy) const;

  std::size_t maxCsrBytes() const { return maxCsrBytes_; }

 private:
  struct Ca {
    crypto::Certificate certificate;
    std::vector<crypto::Certificate> chain;  ///< Including the CA itself, first.
    crypto::PrivateKey key;
  };
  Result<Ca> loadCa(const registry::LdevidPolicy& policy) const;

  const Clock& clock_;
  KeyLoader loadKey_;
  std::size_t maxCsrBytes_;
};

}  // namespace sztp::bootstrap
