#include "bootstrap/bootstrap_error.h"

#include <array>

namespace sztp::bootstrap {
namespace {

#define SZTP_REASON(value, code, message)                 \
  ReasonInfo {                                            \
    static_cast<int>(BootstrapErrc::value), code, message \
  }

constexpr std::array kReasons{
    SZTP_REASON(NotAuthenticated, "device-not-authenticated",
                "the client sent neither a certificate nor an activation code; devices must "
                "present their IDevID certificate"),
    SZTP_REASON(ClientCertificateUntrusted, "client-cert-untrusted",
                "the client certificate does not chain to the IDevID trust anchors of any "
                "device type; add the manufacturer CA to the device type"),
    SZTP_REASON(ClientCertificateExpired, "client-cert-expired",
                "the client certificate or a CA above it is expired or not yet valid; check "
                "the server's clock and the certificate"),
    SZTP_REASON(SerialNotInCertificate, "serial-not-in-cert",
                "the serial number cannot be read from the client certificate; check the "
                "device type's serial rule"),
    SZTP_REASON(UnknownDevice, "device-unknown",
                "the device's serial number is not registered; add the device to the inventory"),
    SZTP_REASON(DeviceDisabled, "device-disabled",
                "the device is registered but disabled; enable it to let it bootstrap"),
    SZTP_REASON(DeviceTypeMismatch, "device-type-mismatch",
                "the client certificate was issued by another device type's CA than the "
                "device's registered type; correct the device's type"),
    SZTP_REASON(ClientCertificateRequired, "client-cert-required",
                "the device type requires a client certificate and the device sent none"),
    SZTP_REASON(ActivationCodeNotAllowed, "activation-code-not-allowed",
                "HTTP Basic was used but the device type does not allow activation codes or "
                "the device has none"),
    SZTP_REASON(ActivationCodeWrong, "activation-code-wrong",
                "the activation code does not match the one registered for the device"),
    SZTP_REASON(SerialMismatch, "serial-mismatch",
                "the serial number in the client certificate differs from the HTTP Basic user "
                "name; a device must use its own identity for both"),
    SZTP_REASON(MalformedAuthorization, "authorization-malformed",
                "the Authorization header is not a well-formed Basic credential"),
    SZTP_REASON(MalformedInput, "input-malformed",
                "the request body is not a valid RPC input; the detail names the node"),
    SZTP_REASON(UnsupportedMediaType, "media-type-unsupported",
                "the request's Content-Type is not application/yang-data+json or "
                "application/yang-data+xml"),
    SZTP_REASON(NotAcceptable, "media-type-not-acceptable",
                "the Accept header allows neither application/yang-data+json nor "
                "application/yang-data+xml"),
    SZTP_REASON(UnknownResource, "resource-unknown",
                "the path names no resource of the bootstrap server"),
    SZTP_REASON(NoMatchingResponse, "no-matching-response",
                "none of the device's responses matches its request and it has no default; "
                "add a response without conditions"),
    SZTP_REASON(SignedDataRequired, "signed-data-required",
                "the device does not trust this server and asked for signed data, but its "
                "response is unsigned onboarding information; sign it (S6)"),
    SZTP_REASON(SigningMaterialMissing, "signing-material-missing",
                "a signed answer needs the device's owner, the owner certificate chain and the "
                "device's ownership voucher; one is missing"),
    SZTP_REASON(SigningKeyUnavailable, "signing-key-unavailable",
                "the owner's signing key cannot be loaded or does not match the owner "
                "certificate"),
    SZTP_REASON(AnswerFailed, "answer-failed",
                "building, signing or encrypting the answer failed; the detail says why"),
    SZTP_REASON(EncryptionImpossible, "encryption-impossible",
                "the device type asks for encrypted artifacts but the device sent no "
                "certificate to encrypt to"),
    SZTP_REASON(StorageFailure, "registry-unavailable",
                "the device registry failed; the device will retry; see the server log"),
    SZTP_REASON(CsrRequired, "csr-required",
                "the device's type issues LDevIDs, so its csr-support was answered with a "
                "csr-request; the device is to send a certificate signing request (RFC 9646)"),
    SZTP_REASON(CsrFormatUnsupported, "csr-format-unsupported",
                "the device sent a CMC or CMP certificate request; this server reads PKCS#10 "
                "(p10-csr) only"),
    SZTP_REASON(CsrTooLarge, "csr-too-large",
                "the certificate signing request is larger than the server's limit; it is not "
                "a device CSR"),
    SZTP_REASON(CsrMalformed, "csr-malformed",
                "the p10-csr is not a DER PKCS#10 certificate signing request with a readable "
                "public key"),
    SZTP_REASON(CsrSignatureInvalid, "csr-signature-invalid",
                "the certificate signing request's signature does not verify with its own key, "
                "so the device did not prove it holds the key (RFC 9646 proof of possession)"),
    SZTP_REASON(CsrKeyMismatch, "csr-key-mismatch",
                "the certificate signing request was to use the device's IDevID key and carries "
                "another key (RFC 9646 proof of origin)"),
    SZTP_REASON(CsrKeyNotNew, "csr-key-not-new",
                "a newly generated key was asked for and the certificate signing request carries "
                "the IDevID key"),
    SZTP_REASON(CsrAlgorithmWrong, "csr-algorithm-wrong",
                "the certificate signing request's key is not of the algorithm the server "
                "selected in its csr-request"),
    SZTP_REASON(CsrOriginUnverifiable, "csr-origin-unverifiable",
                "the device authenticated without its IDevID certificate, so the origin of its "
                "certificate signing request cannot be verified; use TLS client authentication"),
    SZTP_REASON(LdevidNotConfigured, "ldevid-not-configured",
                "the device sent a certificate signing request but its device type has no ldevid "
                "policy; add one to issue LDevIDs"),
    SZTP_REASON(LdevidNotDeliverable, "ldevid-not-deliverable",
                "the device's response cannot carry an LDevID: it is a redirect, or its "
                "configuration lacks the {{ldevid-certificate}} placeholder"),
    SZTP_REASON(LdevidIssuanceFailed, "ldevid-issuance-failed",
                "the LDevID CA certificate or key cannot be used, or issuing failed; check the "
                "device type's ldevid ca-certificate and ca-key"),
};

#undef SZTP_REASON

}  // namespace

const ReasonCategory& bootstrapCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.bootstrap", kReasons);
  return category;
}

int httpStatus(BootstrapErrc e) {
  switch (e) {
    case BootstrapErrc::NotAuthenticated:
    case BootstrapErrc::ClientCertificateUntrusted:
    case BootstrapErrc::ClientCertificateExpired:
    case BootstrapErrc::SerialNotInCertificate:
    case BootstrapErrc::UnknownDevice:
    case BootstrapErrc::DeviceDisabled:
    case BootstrapErrc::DeviceTypeMismatch:
    case BootstrapErrc::ClientCertificateRequired:
    case BootstrapErrc::ActivationCodeNotAllowed:
    case BootstrapErrc::ActivationCodeWrong:
    case BootstrapErrc::SerialMismatch:
    case BootstrapErrc::MalformedAuthorization:
      return 401;
    case BootstrapErrc::MalformedInput:
      return 400;
    case BootstrapErrc::UnsupportedMediaType:
      return 415;
    case BootstrapErrc::NotAcceptable:
      return 406;
    case BootstrapErrc::UnknownResource:
    case BootstrapErrc::NoMatchingResponse:
      return 404;
    case BootstrapErrc::SignedDataRequired:
      return 403;
    case BootstrapErrc::SigningMaterialMissing:
    case BootstrapErrc::SigningKeyUnavailable:
    case BootstrapErrc::AnswerFailed:
    case BootstrapErrc::EncryptionImpossible:
    case BootstrapErrc::StorageFailure:
    case BootstrapErrc::LdevidNotDeliverable:
    case BootstrapErrc::LdevidIssuanceFailed:
      return 500;
    case BootstrapErrc::CsrRequired:  // RFC 9646 §3.2 (ietf-sztp-csr csr-support case)
    case BootstrapErrc::CsrFormatUnsupported:
    case BootstrapErrc::CsrMalformed:
    case BootstrapErrc::CsrSignatureInvalid:
    case BootstrapErrc::CsrKeyMismatch:
    case BootstrapErrc::CsrKeyNotNew:
    case BootstrapErrc::CsrAlgorithmWrong:
      return 400;
    case BootstrapErrc::CsrTooLarge:
      return 413;
    case BootstrapErrc::CsrOriginUnverifiable:
    case BootstrapErrc::LdevidNotConfigured:
      return 403;
  }
  return 500;
}

std::string_view errorTag(BootstrapErrc e) {
  switch (e) {
    case BootstrapErrc::CsrRequired:
      return "missing-attribute";  // RFC 9646 (S19)
    case BootstrapErrc::CsrTooLarge:
      return "too-big";
    case BootstrapErrc::CsrFormatUnsupported:
    case BootstrapErrc::CsrMalformed:
    case BootstrapErrc::CsrSignatureInvalid:
    case BootstrapErrc::CsrKeyMismatch:
    case BootstrapErrc::CsrKeyNotNew:
    case BootstrapErrc::CsrAlgorithmWrong:
      // The RPC input is well-formed; the value of its CSR leaf is refused.
      return "invalid-value";
    default:
      break;
  }
  switch (httpStatus(e)) {
    case 401:
    case 403:
      return "access-denied";
    case 400:
      return "malformed-message";
    case 404:
      return "invalid-value";
    case 406:
    case 415:
      return "invalid-value";
    default:
      return "operation-failed";
  }
}

}  // namespace sztp::bootstrap
