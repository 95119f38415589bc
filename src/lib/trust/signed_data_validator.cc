#include "trust/signed_data_validator.h"

#include <algorithm>

#include "common/date_time.h"
#include "common/hex.h"
#include "crypto/crypto_error.h"
#include "crypto/digest.h"
#include "crypto/path_validation.h"
#include "trust/trust_error.h"

namespace sztp::trust {

using crypto::ContentType;
using crypto::CryptoErrc;
using Outcome = CheckRecord::Outcome;

namespace {

/// An artifact after decryption: SignedData DER, or the document of an
/// unsigned A2 content type.
struct Opened {
  ContentType type = ContentType::Other;
  std::string oid;
  Bytes data;
  bool encrypted = false;
};

bool isConveyedInfoType(ContentType type) {
  return type == ContentType::ConveyedInfoJson || type == ContentType::ConveyedInfoXml ||
         type == ContentType::Data;
}

std::optional<model::Encoding> encodingFor(ContentType type, const Bytes& document) {
  switch (type) {
    case ContentType::ConveyedInfoJson:
    case ContentType::AnimaJsonVoucher:
      return model::Encoding::Json;
    case ContentType::ConveyedInfoXml:
      return model::Encoding::Xml;
    default:
      // id-data: the encoding is signalled out of band (A2); look at the document.
      return model::sniffEncoding(
          std::string_view(reinterpret_cast<const char*>(document.data()), document.size()));
  }
}

std::string_view asText(const Bytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool isOneOf(const std::error_code& code, std::initializer_list<CryptoErrc> values) {
  return std::any_of(values.begin(), values.end(),
                     [&](CryptoErrc v) { return code == make_error_code(v); });
}

class Validator {
 public:
  Validator(const ValidationContext& context, std::vector<CheckRecord>* log)
      : context_(context), log_(log) {}

  Result<ValidatedData> run(const BootstrappingData& data);

 private:
  void record(std::string_view rule, std::string_view name, Outcome outcome, std::string detail) {
    if (log_ != nullptr) {
      log_->push_back(
          CheckRecord{std::string(rule), std::string(name), outcome, std::move(detail)});
    }
  }
  void pass(std::string_view rule, std::string_view name, std::string detail) {
    record(rule, name, Outcome::Passed, std::move(detail));
  }
  void skip(std::string_view rule, std::string_view name, std::string detail) {
    record(rule, name, Outcome::Skipped, std::move(detail));
  }
  Error fail(std::string_view rule, std::string_view name, TrustErrc code,
             const std::string& detail) {
    record(rule, name, Outcome::Failed, detail);
    return Error(code, detail);
  }

  Result<Opened> open(ByteView der, std::string_view artifact, TrustErrc malformed);
  Result<model::Voucher> checkVoucher(ByteView der, ValidatedData& out);
  Status checkVoucherFields(const model::Voucher& voucher);
  Result<crypto::Certificate> checkOwnerCertificate(ByteView der, const model::Voucher& voucher,
                                                    const crypto::SignedData& conveyed,
                                                    ValidatedData& out);
  Result<model::ConveyedInformation> parseDocument(ContentType type, const Bytes& document,
                                                   model::Encoding& encoding);

  const ValidationContext& context_;
  std::vector<CheckRecord>* log_;
};

Result<Opened> Validator::open(ByteView der, std::string_view artifact, TrustErrc malformed) {
  auto outer = crypto::peekContentType(der, context_.limits);
  if (!outer) {
    return fail("A1", std::string(artifact) + "-format", malformed, outer.error().describe());
  }
  if (outer->type == ContentType::EnvelopedData) {
    if (!context_.idevid || !context_.idevidKey) {
      return fail("D16", std::string(artifact) + "-decrypt", TrustErrc::EncryptedNoDeviceKey,
                  std::string(artifact) + " is encrypted");
    }
    auto plain = crypto::decrypt(der, *context_.idevid, *context_.idevidKey, context_.limits);
    if (!plain) {
      return fail("D16", std::string(artifact) + "-decrypt", TrustErrc::DecryptionFailed,
                  plain.error().describe());
    }
    pass("D16", std::string(artifact) + "-decrypt",
         "decrypted with the IDevID key; inner type " +
             std::string(crypto::contentTypeName(plain->contentType)));
    if (plain->contentType == ContentType::SignedData || isConveyedInfoType(plain->contentType)) {
      return Opened{plain->contentType, plain->contentTypeOid, std::move(plain->content), true};
    }
    return fail("A5", std::string(artifact) + "-format", malformed,
                "unexpected encrypted content type " + plain->contentTypeOid);
  }
  if (outer->type == ContentType::SignedData) {
    return Opened{outer->type, outer->oid, Bytes(der.begin(), der.end()), false};
  }
  if (isConveyedInfoType(outer->type)) {
    auto unwrapped = crypto::unwrapContent(der, context_.limits);
    if (!unwrapped) {
      return fail("A2", std::string(artifact) + "-format", malformed, unwrapped.error().describe());
    }
    return Opened{unwrapped->type, unwrapped->oid, std::move(unwrapped->content), false};
  }
  return fail("A1", std::string(artifact) + "-format", malformed,
              "unexpected content type " + outer->oid);
}

Result<model::Voucher> Validator::checkVoucher(ByteView der, ValidatedData& out) {
  auto opened = open(der, "voucher", TrustErrc::VoucherMalformed);
  if (!opened) {
    return std::move(opened).error();
  }
  if (opened->type != ContentType::SignedData) {
    return fail("A8", "voucher-format", TrustErrc::VoucherMalformed,
                "the voucher is not signed (content type " + opened->oid + ")");
  }
  crypto::PathValidationOptions options;
  options.at = context_.now;
  // A configured anchor need not be a root: devices may pin the MASA's issuing CA.
  options.allowPartialChain = true;
  options.revocation = crypto::RevocationPolicy::IfAvailable;
  auto verified = crypto::verifySignedByTrusted(opened->data, context_.voucherTrustAnchors, options,
                                                context_.limits);
  if (!verified) {
    const auto& code = verified.error().code();
    TrustErrc reason = TrustErrc::VoucherMalformed;
    if (isOneOf(code, {CryptoErrc::SignatureInvalid, CryptoErrc::SignerNotFound})) {
      reason = TrustErrc::VoucherSignatureInvalid;
    } else if (isOneOf(code, {CryptoErrc::ChainUntrusted, CryptoErrc::ChainInvalid,
                              CryptoErrc::CertificateRevoked})) {
      reason = TrustErrc::VoucherSignerUntrusted;
    } else if (isOneOf(code,
                       {CryptoErrc::CertificateExpired, CryptoErrc::CertificateNotYetValid})) {
      reason = TrustErrc::VoucherSignerExpired;
    }
    return fail("D23", "voucher-signature", reason, verified.error().describe());
  }
  pass("D23", "voucher-signature",
       "signed by " + verified->signer.subject() + ", chains to trust anchor " +
           verified->path.back().subject());
  out.voucherSignerPath = verified->path;

  if (verified->contentType != ContentType::AnimaJsonVoucher &&
      verified->contentType != ContentType::Data) {
    return fail("A8", "voucher-format", TrustErrc::VoucherMalformed,
                "eContentType " + verified->contentTypeOid +
                    " is neither id-ct-animaJSONVoucher nor id-data");
  }
  const auto encoding = encodingFor(verified->contentType, verified->content);
  if (!encoding) {
    return fail("A10", "voucher-format", TrustErrc::VoucherMalformed,
                "the voucher content is neither JSON nor XML");
  }
  auto voucher = model::parseVoucher(asText(verified->content), *encoding);
  if (!voucher) {
    return fail("A10", "voucher-format", TrustErrc::VoucherMalformed, voucher.error().describe());
  }
  pass("A10", "voucher-format", "voucher for serial number '" + voucher->serialNumber + "'");
  auto fields = checkVoucherFields(*voucher);
  if (!fields) {
    return std::move(fields).error();
  }
  return voucher;
}

Status Validator::checkVoucherFields(const model::Voucher& voucher) {
  // D24: created-on and expires-on, only against a trusted clock (D34).
  if (!context_.now) {
    skip("D24", "voucher-validity", "no trusted clock: created-on/expires-on not checked");
  } else {
    const auto now = *context_.now;
    if (voucher.createdOn && voucher.createdOn->time > now) {
      return fail(
          "D24", "voucher-validity", TrustErrc::VoucherNotYetValid,
          "created-on " + voucher.createdOn->text + " is after now (" + formatDateTime(now) + ")");
    }
    if (voucher.expiresOn && now >= voucher.expiresOn->time) {
      return fail("D24", "voucher-validity", TrustErrc::VoucherExpired,
                  "expires-on " + voucher.expiresOn->text + " is not after now (" +
                      formatDateTime(now) + ")");
    }
    pass("D24", "voucher-validity",
         "created-on " + (voucher.createdOn ? voucher.createdOn->text : "absent") +
             ", expires-on " + (voucher.expiresOn ? voucher.expiresOn->text : "absent") + ", now " +
             formatDateTime(now));
  }

  const auto& accepted = context_.policy.acceptedAssertions;
  if (!voucher.assertion ||
      std::find(accepted.begin(), accepted.end(), *voucher.assertion) == accepted.end()) {
    std::string allowed;
    for (auto a : accepted) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(model::assertionName(a));
    }
    return fail(
        "D25", "voucher-assertion", TrustErrc::VoucherAssertionRejected,
        "assertion " +
            (voucher.assertion ? "'" + std::string(model::assertionName(*voucher.assertion)) + "'"
                               : std::string("absent")) +
            "; policy accepts: " + allowed);
  }
  pass("D25", "voucher-assertion",
       "assertion '" + std::string(model::assertionName(*voucher.assertion)) + "' is accepted");

  if (voucher.serialNumber != context_.serialNumber) {
    return fail("D26", "voucher-serial-number", TrustErrc::VoucherSerialMismatch,
                "voucher serial-number '" + voucher.serialNumber + "', device serial number '" +
                    context_.serialNumber + "'");
  }
  pass("D26", "voucher-serial-number", "'" + voucher.serialNumber + "' is this device");

  if (!voucher.idevidIssuer) {
    skip("D27", "voucher-idevid-issuer", "the voucher does not pin the IDevID issuer");
  } else if (!context_.idevid) {
    return fail("D27", "voucher-idevid-issuer", TrustErrc::VoucherIdevidIssuerUnverifiable,
                "idevid-issuer " + hexStringEncode(*voucher.idevidIssuer));
  } else if (!idevidIssuerMatches(*voucher.idevidIssuer, *context_.idevid)) {
    const auto aki = context_.idevid->authorityKeyIdentifier();
    return fail("D27", "voucher-idevid-issuer", TrustErrc::VoucherIdevidIssuerMismatch,
                "idevid-issuer " + hexStringEncode(*voucher.idevidIssuer) +
                    ", IDevID authority key identifier " +
                    (aki ? hexStringEncode(*aki) : std::string("absent")));
  } else {
    pass("D27", "voucher-idevid-issuer", "matches the IDevID authority key identifier");
  }

  if (voucher.nonce) {
    if (!context_.nonce || !crypto::equalConstantTime(*voucher.nonce, *context_.nonce)) {
      return fail("D28", "voucher-nonce", TrustErrc::VoucherNonceMismatch,
                  context_.nonce ? "the voucher nonce differs from the nonce sent"
                                 : "the voucher carries a nonce but none was sent");
    }
    pass("D28", "voucher-nonce", "matches the nonce sent");
  } else if (context_.policy.requireNonce) {
    return fail("D28", "voucher-nonce", TrustErrc::VoucherNonceMissing,
                "policy requires a nonce-bearing voucher");
  } else {
    skip("D28", "voucher-nonce", "the voucher carries no nonce");
  }
  return {};
}

Result<crypto::Certificate> Validator::checkOwnerCertificate(ByteView der,
                                                             const model::Voucher& voucher,
                                                             const crypto::SignedData& conveyed,
                                                             ValidatedData& out) {
  if (!voucher.pinnedDomainCert) {
    return fail("D30", "owner-certificate-path", TrustErrc::VoucherPinnedDomainCertMissing,
                "the voucher pins no domain certificate");
  }
  auto pinned = crypto::Certificate::fromDer(*voucher.pinnedDomainCert);
  if (!pinned) {
    return fail("D30", "owner-certificate-path", TrustErrc::VoucherPinnedDomainCertInvalid,
                pinned.error().describe());
  }
  auto opened = open(der, "owner-certificate", TrustErrc::OwnerCertificateMalformed);
  if (!opened) {
    return std::move(opened).error();
  }
  auto bag = opened->type == ContentType::SignedData
                 ? crypto::parseCertificateBag(opened->data, context_.limits)
                 : Result<crypto::CertificateBag>(
                       Error(CryptoErrc::UnexpectedContentType, "content type " + opened->oid));
  if (!bag) {
    return fail("A6", "owner-certificate-format", TrustErrc::OwnerCertificateMalformed,
                bag.error().describe());
  }
  // The owner certificate is the bag's certificate that signed the conveyed
  // information; failing that, its first end-entity certificate (then D32
  // reports the signature mismatch).
  const auto& certs = bag->certificates;
  auto owner = certs.end();
  if (!conveyed.signers.empty()) {
    const auto& sid = conveyed.signers.front();
    owner = std::find_if(certs.begin(), certs.end(), [&](const crypto::Certificate& c) {
      return (sid.subjectKeyId && c.subjectKeyIdentifier() == sid.subjectKeyId) ||
             (!sid.issuer.empty() && c.issuer() == sid.issuer &&
              c.serialNumberHex() == sid.serialHex);
    });
  }
  if (owner == certs.end()) {
    owner = std::find_if(certs.begin(), certs.end(),
                         [](const crypto::Certificate& c) { return !c.isCa(); });
  }
  if (owner == certs.end()) {
    owner = certs.begin();
  }

  crypto::PathValidationOptions options;
  options.at = context_.now;
  options.allowPartialChain = true;  // The pinned cert may be an intermediate or the OC (D30).
  options.crls = bag->crls;
  std::string revocation;
  if (!voucher.domainCertRevocationChecks) {
    options.revocation = crypto::RevocationPolicy::IfAvailable;
    revocation = "revocation checked against stapled CRLs where present";
  } else if (*voucher.domainCertRevocationChecks) {
    options.revocation = crypto::RevocationPolicy::Require;
    revocation = "revocation required by the voucher";
  } else {
    options.revocation = crypto::RevocationPolicy::Skip;
    revocation = "revocation not checked (voucher says false)";
  }
  auto path = crypto::validatePath(*owner, certs, {*pinned}, options);
  if (!path) {
    const auto& code = path.error().code();
    TrustErrc reason = TrustErrc::OwnerCertificateUntrusted;
    if (isOneOf(code, {CryptoErrc::CertificateExpired, CryptoErrc::CertificateNotYetValid})) {
      reason = TrustErrc::OwnerCertificateExpired;
    } else if (code == make_error_code(CryptoErrc::CertificateRevoked)) {
      reason = TrustErrc::OwnerCertificateRevoked;
    } else if (code == make_error_code(CryptoErrc::RevocationUnavailable)) {
      reason = TrustErrc::OwnerCertificateRevocationUnavailable;
    }
    return fail(reason == TrustErrc::OwnerCertificateRevoked ||
                        reason == TrustErrc::OwnerCertificateRevocationUnavailable
                    ? "D29"
                    : "D30",
                "owner-certificate-path", reason,
                path.error().describe() + "; pinned " + pinned->subject());
  }
  pass("D30", "owner-certificate-path",
       owner->subject() + " chains to pinned " + pinned->subject() + " (" +
           std::to_string(path->chain.size()) + " certificates; " + revocation + ")");
  out.ownerCertificatePath = path->chain;

  const auto usage = owner->keyUsage();
  if (usage && (*usage & crypto::kDigitalSignature) == 0) {
    return fail("D31", "owner-certificate-key-usage", TrustErrc::OwnerCertificateKeyUsage,
                owner->subject() + " has a keyUsage without digitalSignature");
  }
  pass("D31", "owner-certificate-key-usage",
       usage ? "keyUsage includes digitalSignature" : "no keyUsage extension");
  return *owner;
}

Result<model::ConveyedInformation> Validator::parseDocument(ContentType type, const Bytes& document,
                                                            model::Encoding& encoding) {
  const auto detected = encodingFor(type, document);
  if (!detected) {
    return fail("A13", "conveyed-info-format", TrustErrc::ConveyedInfoMalformed,
                "the content is neither JSON nor XML");
  }
  encoding = *detected;
  auto parsed = model::parseConveyedInformation(asText(document), encoding);
  if (!parsed) {
    return fail("A13", "conveyed-info-format", TrustErrc::ConveyedInfoMalformed,
                parsed.error().describe());
  }
  pass("A13", "conveyed-info-format",
       std::string(std::holds_alternative<model::RedirectInformation>(*parsed)
                       ? "redirect-information"
                       : "onboarding-information") +
           " (" + std::string(model::encodingName(encoding)) + ")");
  return parsed;
}

Result<ValidatedData> Validator::run(const BootstrappingData& data) {
  ValidatedData out;
  auto conveyed = open(data.conveyedInformation, "conveyed-info", TrustErrc::ConveyedInfoMalformed);
  if (!conveyed) {
    return std::move(conveyed).error();
  }
  out.wasEncrypted = conveyed->encrypted;

  if (conveyed->type != ContentType::SignedData) {
    if (data.ownerCertificate || data.ownershipVoucher) {
      skip("D22", "signed-data-complete",
           "the conveyed information is unsigned; the voucher and owner certificate are ignored");
    }
    auto parsed = parseDocument(conveyed->type, conveyed->data, out.encoding);
    if (!parsed) {
      return std::move(parsed).error();
    }
    if (std::holds_alternative<model::OnboardingInformation>(*parsed) && !context_.sourceTrusted) {
      return fail("D19", "source-trust", TrustErrc::UnsignedOnboardingFromUntrustedSource,
                  "unsigned onboarding information is usable only from a trusted bootstrap server");
    }
    if (auto* redirect = std::get_if<model::RedirectInformation>(&*parsed);
        redirect != nullptr && !context_.sourceTrusted) {
      // D39: an untrusted source's trust anchors are discarded; the redirect is provisional.
      for (auto& server : redirect->bootstrapServers) {
        server.trustAnchor.reset();
      }
      pass("D39", "source-trust",
           "unsigned redirect from an untrusted source: provisional, "
           "trust anchors discarded");
    } else {
      pass("D19", "source-trust", "unsigned data from a trusted source");
    }
    out.information = std::move(*parsed);
    out.signedData = false;
    out.trusted = context_.sourceTrusted;
    return out;
  }

  if (!data.ownerCertificate || !data.ownershipVoucher) {
    return fail("D22", "signed-data-complete", TrustErrc::SignedDataIncomplete,
                std::string("missing ") + (!data.ownershipVoucher && !data.ownerCertificate
                                               ? "ownership voucher and owner certificate"
                                           : !data.ownershipVoucher ? "ownership voucher"
                                                                    : "owner certificate"));
  }
  pass("D22", "signed-data-complete",
       "conveyed information, ownership voucher and owner certificate");
  if (context_.voucherTrustAnchors.empty()) {
    return fail("D8", "voucher-trust-anchors", TrustErrc::VoucherTrustAnchorsMissing,
                "the device has no voucher trust anchor configured");
  }
  // Decoded once: its signer identifier picks the owner certificate (step
  // D30), its signature is checked against it afterwards (D32).
  auto message = crypto::SignedMessage::parse(conveyed->data, context_.limits);
  if (!message) {
    return fail("A4", "conveyed-info-format", TrustErrc::ConveyedInfoMalformed,
                message.error().describe());
  }

  auto voucher = checkVoucher(*data.ownershipVoucher, out);
  if (!voucher) {
    return std::move(voucher).error();
  }
  auto owner = checkOwnerCertificate(*data.ownerCertificate, *voucher, message->summary(), out);
  if (!owner) {
    return std::move(owner).error();
  }

  auto verified = message->verifyBy(*owner);
  if (!verified) {
    const bool signature = isOneOf(verified.error().code(),
                                   {CryptoErrc::SignatureInvalid, CryptoErrc::SignerNotFound});
    return fail(
        signature ? "D32" : "A4", "conveyed-info-signature",
        signature ? TrustErrc::ConveyedInfoSignatureInvalid : TrustErrc::ConveyedInfoMalformed,
        verified.error().describe());
  }
  if (!isConveyedInfoType(verified->contentType)) {
    return fail("A4", "conveyed-info-format", TrustErrc::ConveyedInfoMalformed,
                "eContentType " + verified->contentTypeOid + " is not a conveyed-information type");
  }
  pass("D32", "conveyed-info-signature", "signed by owner certificate " + owner->subject());

  auto parsed = parseDocument(verified->contentType, verified->content, out.encoding);
  if (!parsed) {
    return std::move(parsed).error();
  }
  out.information = std::move(*parsed);
  out.signedData = true;
  out.trusted = true;
  out.voucher = std::move(*voucher);
  out.ownerCertificate = *owner;
  return out;
}

}  // namespace

std::string_view outcomeName(CheckRecord::Outcome outcome) {
  switch (outcome) {
    case Outcome::Passed:
      return "passed";
    case Outcome::Failed:
      return "failed";
    case Outcome::Skipped:
      return "skipped";
  }
  return "unknown";
}

bool idevidIssuerMatches(ByteView idevidIssuer, const crypto::Certificate& idevid) {
  const auto keyId = idevid.authorityKeyIdentifier();
  const auto extension = idevid.authorityKeyIdentifierExtension();
  return (keyId && crypto::equalConstantTime(idevidIssuer, *keyId)) ||
         (extension && crypto::equalConstantTime(idevidIssuer, *extension));
}

Result<ValidatedData> validateBootstrappingData(const BootstrappingData& data,
                                                const ValidationContext& context,
                                                std::vector<CheckRecord>* log) {
  return Validator(context, log).run(data);
}

}  // namespace sztp::trust
