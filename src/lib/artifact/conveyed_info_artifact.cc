#include "artifact/conveyed_info_artifact.h"

#include "artifact/artifact_error.h"

namespace sztp::artifact {

using crypto::ContentType;

Result<Bytes> makeConveyedInformation(const model::ConveyedInformation& information,
                                      const ConveyedInfoOptions& options) {
  const std::string document = model::encodeConveyedInformation(information, options.encoding);
  const ContentType type = options.useIdData ? ContentType::Data
                           : options.encoding == model::Encoding::Json
                               ? ContentType::ConveyedInfoJson
                               : ContentType::ConveyedInfoXml;
  if (!options.owner) {
    if (options.encryptTo) {
      return crypto::encryptTo(asBytes(document), type, *options.encryptTo);
    }
    return crypto::wrapContent(asBytes(document), type);
  }
  crypto::SignOptions sign;
  sign.extraCertificates = options.owner->chain;
  sign.signingTime = options.signingTime;
  auto signedDer = crypto::signContent(asBytes(document), type, options.owner->certificate,
                                       options.owner->key, sign);
  if (!signedDer || !options.encryptTo) {
    return signedDer;
  }
  return crypto::encryptTo(*signedDer, ContentType::SignedData, *options.encryptTo);
}

Result<Bytes> makeOwnerCertificateArtifact(const crypto::Certificate& ownerCertificate,
                                           const std::vector<crypto::Certificate>& intermediates,
                                           const std::vector<crypto::Crl>& crls,
                                           const std::optional<crypto::Certificate>& encryptTo) {
  std::vector<crypto::Certificate> certificates{ownerCertificate};
  certificates.insert(certificates.end(), intermediates.begin(), intermediates.end());
  auto bag = crypto::makeCertificateBag(certificates, crls);
  if (!bag || !encryptTo) {
    return bag;
  }
  return encryptArtifact(*bag, *encryptTo);
}

Result<Bytes> makeTrustAnchorArtifact(const std::vector<crypto::Certificate>& chain,
                                      const std::vector<crypto::Crl>& crls) {
  if (chain.empty()) {
    return Error(ArtifactErrc::InvalidRequest, "a trust anchor needs at least one certificate");
  }
  if (!chain.back().isSelfSigned()) {
    return Error(
        ArtifactErrc::InvalidRequest,
        "the chain must end in a self-signed root (A14); last is " + chain.back().subject());
  }
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    if (chain[i].issuer() != chain[i + 1].subject()) {
      return Error(ArtifactErrc::InvalidRequest, "not a single chain: " + chain[i].subject() +
                                                     " is not issued by " + chain[i + 1].subject() +
                                                     "; list the certificates issuer last");
    }
  }
  return crypto::makeCertificateBag(chain, crls);
}

Result<Bytes> encryptArtifact(ByteView artifact, const crypto::Certificate& device) {
  auto type = crypto::peekContentType(artifact);
  if (!type) {
    return std::move(type).error();
  }
  return crypto::encryptTo(artifact, type->type, device);
}

}  // namespace sztp::artifact
