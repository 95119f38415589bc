#include "artifact/voucher_issuer.h"

#include "artifact/artifact_error.h"
#include "common/date_time.h"
#include "crypto/cms.h"

namespace sztp::artifact {

Result<model::Voucher> makeVoucher(const VoucherRequest& request, TimePoint now) {
  if (request.serialNumber.empty()) {
    return Error(ArtifactErrc::InvalidRequest, "the serial number is empty");
  }
  model::Voucher voucher;
  voucher.serialNumber = request.serialNumber;
  voucher.assertion = request.assertion;
  voucher.createdOn = DateTime::at(request.createdOn.value_or(now));
  voucher.pinnedDomainCert = request.pinnedDomainCert.toDer();
  voucher.domainCertRevocationChecks = request.domainCertRevocationChecks;
  if (request.expiresOn) {
    if (*request.expiresOn > request.pinnedDomainCert.notAfter()) {
      return Error(ArtifactErrc::InvalidRequest,
                   "expires-on " + formatDateTime(*request.expiresOn) +
                       " is after the pinned certificate's notAfter " +
                       formatDateTime(request.pinnedDomainCert.notAfter()) + " (RFC 8366 §5.3)");
    }
    if (*request.expiresOn <= voucher.createdOn->time) {
      return Error(ArtifactErrc::InvalidRequest, "expires-on is not after created-on");
    }
    voucher.expiresOn = DateTime::at(*request.expiresOn);
  }
  if (request.nonce) {
    if (request.nonce->size() < 8 || request.nonce->size() > 32) {
      return Error(ArtifactErrc::InvalidRequest, "the nonce must be 8 to 32 octets");
    }
    if (request.expiresOn) {
      return Error(ArtifactErrc::InvalidRequest,
                   "a voucher has a nonce or an expires-on, not both (RFC 8366 §5.3)");
    }
    voucher.nonce = request.nonce;
  }
  if (request.lastRenewalDate) {
    if (!request.expiresOn) {
      return Error(ArtifactErrc::InvalidRequest, "last-renewal-date requires expires-on");
    }
    voucher.lastRenewalDate = DateTime::at(*request.lastRenewalDate);
  }
  if (request.idevid) {
    const auto issuer = request.idevidIssuerForm == IdevidIssuerForm::Extension
                            ? request.idevid->authorityKeyIdentifierExtension()
                            : request.idevid->authorityKeyIdentifier();
    if (!issuer) {
      return Error(ArtifactErrc::InvalidRequest, "the IDevID " + request.idevid->subject() +
                                                     " has no authority key identifier to pin");
    }
    const auto serial = request.idevid->subjectSerialNumber();
    if (serial && *serial != request.serialNumber) {
      return Error(ArtifactErrc::InvalidRequest, "the IDevID is for serial number '" + *serial +
                                                     "', not '" + request.serialNumber + "'");
    }
    voucher.idevidIssuer = issuer;
  }
  return voucher;
}

Result<Bytes> issueVoucher(const VoucherRequest& request, const Signer& masa, TimePoint now) {
  auto voucher = makeVoucher(request, now);
  if (!voucher) {
    return std::move(voucher).error();
  }
  const std::string json = model::encodeVoucher(*voucher, model::Encoding::Json);
  crypto::SignOptions options;
  options.extraCertificates = masa.chain;
  options.signingTime = now;
  return crypto::signContent(asBytes(json), crypto::ContentType::AnimaJsonVoucher, masa.certificate,
                             masa.key, options);
}

}  // namespace sztp::artifact
