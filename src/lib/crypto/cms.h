#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/path_validation.h"
#include "crypto/private_key.h"

namespace sztp::crypto {

/// CMS content types SZTP uses (A2–A8).
enum class ContentType {
  Data,              ///< id-data 1.2.840.113549.1.7.1
  SignedData,        ///< id-signedData 1.2.840.113549.1.7.2
  EnvelopedData,     ///< id-envelopedData 1.2.840.113549.1.7.3
  AnimaJsonVoucher,  ///< id-ct-animaJSONVoucher 1.2.840.113549.1.9.16.1.40
  ConveyedInfoXml,   ///< id-ct-sztpConveyedInfoXML 1.2.840.113549.1.9.16.1.42
  ConveyedInfoJson,  ///< id-ct-sztpConveyedInfoJSON 1.2.840.113549.1.9.16.1.43
  Other,             ///< Anything else; the dotted OID is reported alongside.
};

std::string_view contentTypeOid(ContentType type);
std::string_view contentTypeName(ContentType type);  ///< "id-ct-sztpConveyedInfoJSON", ...
ContentType contentTypeFromOid(std::string_view dottedOid);

/// Limits on untrusted CMS input, checked before OpenSSL sees it.
struct CmsLimits {
  /// Largest DER accepted. Conveyed information can embed configuration and
  /// scripts; boot images are never inside CMS.
  std::size_t maxBytes = std::size_t{32} * 1024 * 1024;
};

/// The outer ContentInfo type of a DER blob.
struct ContentInfoType {
  ContentType type = ContentType::Other;
  std::string oid;
};
Result<ContentInfoType> peekContentType(ByteView der, const CmsLimits& limits = {});

/// Unsigned, unencrypted content (A2): ContentInfo { type, [0] OCTET STRING }.
Result<Bytes> wrapContent(ByteView content, ContentType type);
struct UnwrappedContent {
  ContentType type = ContentType::Other;
  std::string oid;
  Bytes content;
};
/// Accepts only the A2 types (id-data and the two conveyed-information types).
Result<UnwrappedContent> unwrapContent(ByteView der, const CmsLimits& limits = {});

struct SignerSummary {
  std::string issuer;
  std::string serialHex;
  std::optional<Bytes> subjectKeyId;  ///< When the signer is identified by SKI.
  std::string digestAlgorithm;
  std::string signatureAlgorithm;
  bool hasSignedAttributes = false;
  std::optional<std::string> contentTypeAttributeOid;
  std::optional<TimePoint> signingTime;
};

/// A SignedData, structurally parsed; nothing is verified.
struct SignedData {
  ContentType contentType = ContentType::Other;  ///< eContentType
  std::string contentTypeOid;
  std::optional<Bytes> content;  ///< Absent for detached or degenerate SignedData.
  std::vector<Certificate> certificates;
  std::vector<Crl> crls;
  std::vector<SignerSummary> signers;
};
Result<SignedData> parseSignedData(ByteView der, const CmsLimits& limits = {});

/// Verified content and who signed it.
struct VerifiedContent {
  ContentType contentType = ContentType::Other;
  std::string contentTypeOid;
  Bytes content;
  Certificate signer;
  /// The signer's validated path, leaf first (empty for verifySignedBy).
  std::vector<Certificate> path;
  std::vector<Certificate> certificates;  ///< All certificates carried in the CMS.
  std::vector<Crl> crls;                  ///< All CRLs carried in the CMS.
};

/// Verifies a SignedData that must be signed by `signer` (D32): exactly one
/// SignerInfo; signed attributes present with a content-type attribute equal
/// to eContentType (A4); content present; the signature verifies with
/// signer's key. Certificates inside the CMS are not consulted.
Result<VerifiedContent> verifySignedBy(ByteView der, const Certificate& signer,
                                       const CmsLimits& limits = {});

/// A SignedData decoded once, for the device's flow: read the signer
/// identifier, validate that certificate's path, then check the signature,
/// without decoding the CMS twice. Copies share the decoded structure.
class SignedMessage {
 public:
  static Result<SignedMessage> parse(ByteView der, const CmsLimits& limits = {});
  const SignedData& summary() const;
  /// Same rules and errors as verifySignedBy.
  Result<VerifiedContent> verifyBy(const Certificate& signer) const;

 private:
  struct Impl;
  explicit SignedMessage(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

/// Verifies a SignedData whose signer must chain to `anchors` (D23): the same
/// structural rules as verifySignedBy, the signer certificate looked up among
/// the certificates in the CMS and the anchors, and its path validated with
/// the CMS's certificates as intermediates and its CRLs added to
/// `options.crls`. Fails NoTrustAnchors when
/// `anchors` is empty.
Result<VerifiedContent> verifySignedByTrusted(ByteView der, const std::vector<Certificate>& anchors,
                                              const PathValidationOptions& options,
                                              const CmsLimits& limits = {});

struct SignOptions {
  /// Intermediates (and optionally the anchor) to carry in the CMS (A9).
  std::vector<Certificate> extraCertificates;
  std::vector<Crl> crls;
  /// Value of the signingTime attribute; taken from the caller's Clock so
  /// that output is reproducible under test.
  std::optional<TimePoint> signingTime;
  bool includeSignerCertificate = true;
};

/// Signs `content` as SignedData with eContentType `type`, SHA-256, signed
/// attributes (content-type, message-digest, signing-time), version 3 when
/// `type` is not id-data (A4).
Result<Bytes> signContent(ByteView content, ContentType type, const Certificate& signer,
                          const PrivateKey& key, const SignOptions& options = {});

/// A degenerate ("certificates-only") SignedData (A6, A14, A17).
Result<Bytes> makeCertificateBag(const std::vector<Certificate>& certificates,
                                 const std::vector<Crl>& crls = {});

struct CertificateBag {
  std::vector<Certificate> certificates;
  std::vector<Crl> crls;
};
/// Parses a degenerate SignedData: no signers and no content are required;
/// a bag with a signer is refused (SignerCount), as is one with no certificate.
Result<CertificateBag> parseCertificateBag(ByteView der, const CmsLimits& limits = {});

/// EnvelopedData to `recipient` (key transport for RSA, ECDH key agreement for
/// EC), AES-256-CBC; the encryptedContentInfo type is `innerType` (A3, A5: an
/// A2 type, or SignedData for sign-then-encrypt).
Result<Bytes> encryptTo(ByteView inner, ContentType innerType, const Certificate& recipient);

struct DecryptedContent {
  ContentType contentType = ContentType::Other;  ///< The encryptedContentInfo type.
  std::string contentTypeOid;
  Bytes content;
};
/// Decrypts an EnvelopedData with the device's identity key (D16).
Result<DecryptedContent> decrypt(ByteView der, const Certificate& certificate,
                                 const PrivateKey& key, const CmsLimits& limits = {});

struct RecipientSummary {
  std::string kind;  ///< "key-transport", "key-agreement", "other"
  std::string issuer;
  std::string serialHex;
  std::optional<Bytes> subjectKeyId;
};
struct EnvelopedSummary {
  ContentType contentType = ContentType::Other;
  std::string contentTypeOid;
  std::vector<RecipientSummary> recipients;
};
Result<EnvelopedSummary> parseEnvelopedData(ByteView der, const CmsLimits& limits = {});

}  // namespace sztp::crypto
