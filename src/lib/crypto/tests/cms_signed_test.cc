#include <gtest/gtest.h>
#include <openssl/cms.h>

#include "common/codec_error.h"
#include "crypto/cms.h"
#include "crypto/crypto_error.h"
#include "crypto/issuer.h"
#include "fixtures.h"

namespace sztp::crypto {
namespace {

using test::makeChain;
using test::testNow;

const Bytes kContent = toBytes(R"({"ietf-sztp-conveyed-info:onboarding-information":{}})");

Result<Bytes> sign(const test::Chain& c, ContentType type = ContentType::ConveyedInfoJson) {
  SignOptions options;
  options.signingTime = testNow();
  options.extraCertificates = {c.intermediate.certificate};
  return signContent(kContent, type, c.leaf.certificate, c.leaf.key, options);
}

PathValidationOptions at(TimePoint t) {
  PathValidationOptions o;
  o.at = t;
  return o;
}

TEST(ContentTypes, OidsAndNames) {
  EXPECT_EQ(contentTypeOid(ContentType::ConveyedInfoXml), "1.2.840.113549.1.9.16.1.42");
  EXPECT_EQ(contentTypeOid(ContentType::ConveyedInfoJson), "1.2.840.113549.1.9.16.1.43");
  EXPECT_EQ(contentTypeOid(ContentType::AnimaJsonVoucher), "1.2.840.113549.1.9.16.1.40");
  EXPECT_EQ(contentTypeFromOid("1.2.840.113549.1.7.1"), ContentType::Data);
  EXPECT_EQ(contentTypeFromOid("1.2.3"), ContentType::Other);
  EXPECT_EQ(contentTypeName(ContentType::AnimaJsonVoucher), "id-ct-animaJSONVoucher");
}

TEST(SignedData, SignsWithSignedAttributesAndVersion3) {
  for (auto type : {ContentType::ConveyedInfoJson, ContentType::ConveyedInfoXml,
                    ContentType::AnimaJsonVoucher, ContentType::Data}) {
    auto c = makeChain();
    auto der = sign(c, type);
    ASSERT_TRUE(der) << der.error().describe();
    auto parsed = parseSignedData(*der);
    ASSERT_TRUE(parsed) << parsed.error().describe();
    EXPECT_EQ(parsed->contentType, type);
    ASSERT_EQ(parsed->signers.size(), 1u);
    const auto& signer = parsed->signers[0];
    EXPECT_TRUE(signer.hasSignedAttributes);
    EXPECT_EQ(signer.contentTypeAttributeOid, std::string(contentTypeOid(type)));
    EXPECT_EQ(signer.signingTime, testNow());
    EXPECT_EQ(signer.digestAlgorithm, "SHA256");
    EXPECT_EQ(parsed->content, kContent);
    EXPECT_EQ(parsed->certificates.size(), 2u);  // signer + intermediate
  }
}

TEST(SignedData, VerifySignedByAcceptsTheSigner) {
  auto c = makeChain();
  auto der = sign(c);
  ASSERT_TRUE(der);
  auto verified = verifySignedBy(*der, c.leaf.certificate);
  ASSERT_TRUE(verified) << verified.error().describe();
  EXPECT_EQ(verified->content, kContent);
  EXPECT_EQ(verified->contentType, ContentType::ConveyedInfoJson);
  EXPECT_EQ(verified->signer, c.leaf.certificate);
}

TEST(SignedData, VerifySignedByRejectsAnotherCertificate) {
  auto c = makeChain();
  auto der = sign(c);
  // Even though the CMS carries the real signer, only the given certificate counts (D32).
  auto verified = verifySignedBy(*der, c.intermediate.certificate);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code(), CryptoErrc::SignerNotFound);
}

TEST(SignedData, TamperedContentFailsTheSignature) {
  auto c = makeChain();
  auto der = sign(c);
  Bytes tampered = *der;
  const auto at = std::search(tampered.begin(), tampered.end(), kContent.begin(), kContent.end());
  ASSERT_NE(at, tampered.end());
  *(at + 5) ^= 0x01;
  auto verified = verifySignedBy(tampered, c.leaf.certificate);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code(), CryptoErrc::SignatureInvalid);
}

TEST(SignedData, MalformedTruncatedAndTrailingInputs) {
  auto c = makeChain();
  auto der = sign(c);
  Bytes truncated(der->begin(), der->begin() + static_cast<long>(der->size() / 2));
  EXPECT_EQ(verifySignedBy(truncated, c.leaf.certificate).error().code(), CryptoErrc::MalformedCms);
  Bytes trailing = *der;
  trailing.push_back(0x00);
  auto t = verifySignedBy(trailing, c.leaf.certificate);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), CryptoErrc::MalformedCms);
  EXPECT_NE(t.error().detail().find("trailing"), std::string::npos);
  EXPECT_EQ(verifySignedBy(Bytes{}, c.leaf.certificate).error().code(), CryptoErrc::MalformedCms);
  EXPECT_EQ(verifySignedBy(asBytes("garbage"), c.leaf.certificate).error().code(),
            CryptoErrc::MalformedCms);
}

TEST(SignedData, SizeLimitIsCheckedFirst) {
  auto c = makeChain();
  auto der = sign(c);
  CmsLimits limits;
  limits.maxBytes = der->size() - 1;
  auto r = verifySignedBy(*der, c.leaf.certificate, limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CodecErrc::InputTooLarge);
}

// Produces structures our signer refuses to make, through OpenSSL directly.
Bytes encode(CMS_ContentInfo* cms) {
  unsigned char* out = nullptr;
  const int length = i2d_CMS_ContentInfo(cms, &out);
  Bytes der(out, out + length);
  OPENSSL_free(out);
  return der;
}

CMS_ContentInfo* startJsonSignedData() {
  CMS_ContentInfo* cms = CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL | CMS_BINARY);
  ASN1_OBJECT* json = OBJ_txt2obj("1.2.840.113549.1.9.16.1.43", 1);
  CMS_set1_eContentType(cms, json);
  ASN1_OBJECT_free(json);
  return cms;
}

void finish(CMS_ContentInfo* cms) {
  BIO* in = BIO_new_mem_buf(kContent.data(), static_cast<int>(kContent.size()));
  CMS_final(cms, in, nullptr, CMS_BINARY);
  BIO_free(in);
}

TEST(SignedData, MissingSignedAttributesAreRefused) {
  auto c = makeChain();
  CMS_ContentInfo* cms = startJsonSignedData();
  CMS_add1_signer(cms, c.leaf.certificate.native(), c.leaf.key.native(), EVP_sha256(),
                  CMS_PARTIAL | CMS_BINARY | CMS_NOATTR);
  finish(cms);
  auto r = verifySignedBy(encode(cms), c.leaf.certificate);
  CMS_ContentInfo_free(cms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::SignedAttributesMissing);
}

TEST(SignedData, ContentTypeAttributeMustEqualEContentType) {
  // The attack A4 defends against: relabel signed JSON as XML after signing.
  // The signature still verifies, because eContentType itself is not signed.
  auto c = makeChain();
  CMS_ContentInfo* cms = startJsonSignedData();
  CMS_add1_signer(cms, c.leaf.certificate.native(), c.leaf.key.native(), EVP_sha256(),
                  CMS_PARTIAL | CMS_BINARY);
  finish(cms);
  ASN1_OBJECT* xml = OBJ_txt2obj("1.2.840.113549.1.9.16.1.42", 1);
  CMS_set1_eContentType(cms, xml);
  ASN1_OBJECT_free(xml);
  auto r = verifySignedBy(encode(cms), c.leaf.certificate);
  CMS_ContentInfo_free(cms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::ContentTypeAttributeMismatch);
  EXPECT_NE(r.error().detail().find("1.2.840.113549.1.9.16.1.42"), std::string::npos);
}

TEST(SignedData, DuplicateContentTypeAttributesAreRefused) {
  auto c = makeChain();
  CMS_ContentInfo* cms = startJsonSignedData();
  CMS_SignerInfo* si = CMS_add1_signer(cms, c.leaf.certificate.native(), c.leaf.key.native(),
                                       EVP_sha256(), CMS_PARTIAL | CMS_BINARY);
  ASN1_OBJECT* json = OBJ_txt2obj("1.2.840.113549.1.9.16.1.43", 1);
  // OpenSSL adds its own content-type attribute when signing: this makes two.
  CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT, json, -1);
  ASN1_OBJECT_free(json);
  finish(cms);
  auto r = verifySignedBy(encode(cms), c.leaf.certificate);
  CMS_ContentInfo_free(cms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::ContentTypeAttributeMismatch);
}

TEST(SignedData, ExactlyOneSignerIsRequired) {
  auto c = makeChain();
  CMS_ContentInfo* cms = startJsonSignedData();
  CMS_add1_signer(cms, c.leaf.certificate.native(), c.leaf.key.native(), EVP_sha256(),
                  CMS_PARTIAL | CMS_BINARY);
  CMS_add1_signer(cms, c.intermediate.certificate.native(), c.intermediate.key.native(),
                  EVP_sha256(), CMS_PARTIAL | CMS_BINARY);
  finish(cms);
  const Bytes der = encode(cms);
  CMS_ContentInfo_free(cms);
  ASSERT_EQ(parseSignedData(der)->signers.size(), 2u);
  auto r = verifySignedBy(der, c.leaf.certificate);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::SignerCount);
}

TEST(SignedData, TrustedVerificationChecksThePath) {
  auto c = makeChain();
  auto der = sign(c);
  auto ok = verifySignedByTrusted(*der, {c.root.certificate}, at(testNow()));
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_EQ(ok->signer, c.leaf.certificate);
  EXPECT_EQ(ok->path.size(), 3u);

  auto none = verifySignedByTrusted(*der, {}, at(testNow()));
  EXPECT_EQ(none.error().code(), CryptoErrc::NoTrustAnchors);

  auto other = makeChain(KeyType::EcP256, "Other");
  auto foreign = verifySignedByTrusted(*der, {other.root.certificate}, at(testNow()));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code(), CryptoErrc::ChainUntrusted);

  auto late =
      verifySignedByTrusted(*der, {c.root.certificate}, at(testNow() + std::chrono::days(500)));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), CryptoErrc::CertificateExpired);
}

TEST(SignedData, SignerMayBeTheAnchorItselfWhenNotCarried) {
  auto c = makeChain();
  SignOptions options;
  options.includeSignerCertificate = false;
  auto der =
      signContent(kContent, ContentType::AnimaJsonVoucher, c.leaf.certificate, c.leaf.key, options);
  ASSERT_TRUE(der);
  auto o = at(testNow());
  o.allowPartialChain = true;
  auto ok = verifySignedByTrusted(*der, {c.leaf.certificate}, o);
  EXPECT_TRUE(ok) << ok.error().describe();
}

TEST(SignedData, SigningWithAMismatchedKeyIsRefused) {
  auto c = makeChain();
  auto r = signContent(kContent, ContentType::ConveyedInfoJson, c.leaf.certificate, c.root.key);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::KeyCertificateMismatch);
}

TEST(CertificateBag, RoundTripWithCrls) {
  auto c = makeChain();
  auto crl = issueCrl(c.intermediate.certificate, c.intermediate.key, {}, testNow(),
                      testNow() + std::chrono::hours(24));
  auto der = makeCertificateBag({c.leaf.certificate, c.intermediate.certificate}, {*crl});
  ASSERT_TRUE(der);
  auto bag = parseCertificateBag(*der);
  ASSERT_TRUE(bag) << bag.error().describe();
  ASSERT_EQ(bag->certificates.size(), 2u);
  EXPECT_EQ(bag->certificates[0], c.leaf.certificate);
  EXPECT_EQ(bag->crls.size(), 1u);
  auto parsed = parseSignedData(*der);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->content);
  EXPECT_EQ(parsed->contentType, ContentType::Data);
}

TEST(CertificateBag, SignedDataWithASignerIsNotABag) {
  auto c = makeChain();
  auto r = parseCertificateBag(*sign(c));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::SignerCount);
  EXPECT_FALSE(makeCertificateBag({}));
}

TEST(UnsignedContent, WrapAndUnwrap) {
  for (auto type :
       {ContentType::ConveyedInfoJson, ContentType::ConveyedInfoXml, ContentType::Data}) {
    auto der = wrapContent(kContent, type);
    ASSERT_TRUE(der);
    auto peek = peekContentType(*der);
    ASSERT_TRUE(peek) << peek.error().describe();
    EXPECT_EQ(peek->type, type);
    auto back = unwrapContent(*der);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(back->content, kContent);
    EXPECT_EQ(back->type, type);
  }
  EXPECT_FALSE(wrapContent(kContent, ContentType::SignedData));
  auto c = makeChain();
  auto notUnsigned = unwrapContent(*sign(c));
  ASSERT_FALSE(notUnsigned);
  EXPECT_EQ(notUnsigned.error().code(), CryptoErrc::UnexpectedContentType);
}

TEST(UnsignedContent, LargeContentUsesLongFormLengths) {
  Bytes big(70000, 'x');
  auto der = wrapContent(big, ContentType::ConveyedInfoXml);
  ASSERT_TRUE(der);
  auto back = unwrapContent(*der);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->content, big);
}

}  // namespace
}  // namespace sztp::crypto

namespace sztp::crypto {
namespace {

TEST(SignedMessage, DecodedOnceVerifiedAgainstEachCandidate) {
  auto c = test::makeChain();
  SignOptions options;
  options.extraCertificates = {c.intermediate.certificate};
  auto der = signContent(toBytes("{}"), ContentType::ConveyedInfoJson, c.leaf.certificate,
                         c.leaf.key, options);
  auto message = SignedMessage::parse(*der);
  ASSERT_TRUE(message) << message.error().describe();
  ASSERT_EQ(message->summary().signers.size(), 1u);
  EXPECT_EQ(message->summary().signers[0].serialHex, c.leaf.certificate.serialNumberHex());
  // A wrong candidate first must not leave its mark on the decoded structure.
  auto wrong = message->verifyBy(c.intermediate.certificate);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), CryptoErrc::SignerNotFound);
  auto right = message->verifyBy(c.leaf.certificate);
  ASSERT_TRUE(right) << right.error().describe();
  EXPECT_EQ(right->signer, c.leaf.certificate);
  EXPECT_FALSE(message->verifyBy(c.root.certificate));
}

TEST(PeekContentType, ReadsOnlyTheOuterTypeButChecksTheLength) {
  auto c = test::makeChain();
  auto der =
      *signContent(toBytes("{}"), ContentType::AnimaJsonVoucher, c.leaf.certificate, c.leaf.key);
  auto type = peekContentType(der);
  ASSERT_TRUE(type);
  EXPECT_EQ(type->type, ContentType::SignedData);
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_EQ(peekContentType(trailing).error().code(), CryptoErrc::MalformedCms);
  Bytes truncated(der.begin(), der.end() - 1);
  EXPECT_EQ(peekContentType(truncated).error().code(), CryptoErrc::MalformedCms);
  EXPECT_EQ(peekContentType(c.leaf.certificate.toDer()).error().code(), CryptoErrc::MalformedCms);
  EXPECT_FALSE(peekContentType(Bytes{0x30}));
  EXPECT_FALSE(peekContentType(Bytes{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}));
}

}  // namespace
}  // namespace sztp::crypto
