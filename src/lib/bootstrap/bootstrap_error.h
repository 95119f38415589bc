#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::bootstrap {

/// Why the bootstrap server refused or failed a device's request (category
/// "sztp.bootstrap"). Each value maps to one HTTP status and RESTCONF
/// error-tag (httpStatus/errorTag below). Authentication failures all answer
/// 401 with the same body (S3): the reason code reaches the audit record and
/// the device's log, never the unauthenticated client.
enum class BootstrapErrc {
  /// No client certificate and no Authorization header (S3).
  NotAuthenticated = 1,
  /// The client certificate does not chain to the IDevID trust anchors of any
  /// device type (S4).
  ClientCertificateUntrusted,
  /// The client certificate or its chain is outside its validity period.
  ClientCertificateExpired,
  /// The serial number cannot be read from the client certificate with the
  /// device type's serial rule (I4).
  SerialNotInCertificate,
  /// The serial number is not registered.
  UnknownDevice,
  /// The device is registered but disabled.
  DeviceDisabled,
  /// The certificate chains to a device type other than the device's own.
  DeviceTypeMismatch,
  /// The device's type requires a client certificate and none was sent.
  ClientCertificateRequired,
  /// HTTP Basic was used but the device type or device has no activation code.
  ActivationCodeNotAllowed,
  /// The activation code does not match.
  ActivationCodeWrong,
  /// The serial numbers of the certificate and of HTTP Basic disagree.
  SerialMismatch,
  /// The Authorization header is not a well-formed Basic credential.
  MalformedAuthorization,
  /// The request body does not parse as the RPC's input.
  MalformedInput,
  /// The request's Content-Type is not a YANG data type we read (S11).
  UnsupportedMediaType,
  /// No response media type the client accepts can be produced (S11).
  NotAcceptable,
  /// The path names no resource.
  UnknownResource,
  /// None of the device's responses matches the request.
  NoMatchingResponse,
  /// The device asked for signed data and its response is unsigned onboarding
  /// information (S6).
  SignedDataRequired,
  /// A signed response needs an owner, owner certificate chain and voucher,
  /// and one is missing.
  SigningMaterialMissing,
  /// The owner's signing key cannot be loaded or does not match its certificate.
  SigningKeyUnavailable,
  /// Building, signing or encrypting the answer failed.
  AnswerFailed,
  /// The device type asks for encryption and the device sent no certificate.
  EncryptionImpossible,
  /// The registry failed; the request can be retried.
  StorageFailure,
  // RFC 9646 (S19–S22): LDevID issuance through get-bootstrapping-data.
  /// Not a refusal: the device offered csr-support and its type's LDevID
  /// policy wants a CSR; answered 400 missing-attribute with a csr-request
  /// in error-info (S19).
  CsrRequired,
  /// The device sent a CMC or CMP request; only p10-csr is read (S21).
  CsrFormatUnsupported,
  /// The CSR is larger than the server's limit (ServiceSettings::maxCsrBytes).
  CsrTooLarge,
  /// The p10-csr value is not a DER PKCS#10 CertificationRequest.
  CsrMalformed,
  /// Proof of possession failed: the CSR's signature does not verify with
  /// the key it carries (S22).
  CsrSignatureInvalid,
  /// Proof of origin failed: the CSR was to use the IDevID key and its key is
  /// another (S22).
  CsrKeyMismatch,
  /// A new key was asked for and the CSR carries the IDevID key (S22, D61).
  CsrKeyNotNew,
  /// The CSR's key is not of the algorithm the server selected (S20, S22).
  CsrAlgorithmWrong,
  /// The device authenticated without an IDevID certificate, so a CSR's
  /// origin cannot be verified (S22).
  CsrOriginUnverifiable,
  /// The device sent a CSR but its device type has no LDevID policy.
  LdevidNotConfigured,
  /// The device's chosen response cannot carry an LDevID: redirect
  /// information, or a configuration without the placeholder (S21).
  LdevidNotDeliverable,
  /// The LDevID CA certificate or key cannot be used, or issuing failed.
  LdevidIssuanceFailed,
};

const ReasonCategory& bootstrapCategory() noexcept;

inline std::error_code make_error_code(BootstrapErrc e) noexcept {
  return {static_cast<int>(e), bootstrapCategory()};
}

/// The HTTP status an error is answered with (RFC 8040 §7 table).
int httpStatus(BootstrapErrc e);
/// The RESTCONF error-tag sent with it.
std::string_view errorTag(BootstrapErrc e);

}  // namespace sztp::bootstrap

template <>
struct std::is_error_code_enum<sztp::bootstrap::BootstrapErrc> : std::true_type {};
