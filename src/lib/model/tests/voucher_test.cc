#include "model/voucher.h"

#include <gtest/gtest.h>

#include "model/tests/test_util.h"

namespace sztp::model {
namespace {

using testing::expectRoundTrip;
using testing::failsAt;
using testing::failsWith;
using testing::kEncodings;

// RFC 8366 §5.2, first example (nonce, no expiry).
constexpr const char* kRfcNonceVoucher = R"({
  "ietf-voucher:voucher": {
    "created-on": "2016-10-07T19:31:42Z",
    "assertion": "logged",
    "serial-number": "JADA123456789",
    "idevid-issuer": "base64encodedvalue==",
    "pinned-domain-cert": "base64encodedvalue==",
    "nonce": "base64encodedvalue=="
  }
})";

// RFC 8366 §5.2, second example, verbatim: the string "true" is not an RFC
// 7951 boolean (checklist §3; rfc8366bis fixes the example).
constexpr const char* kRfcExpiringVoucher = R"({
  "ietf-voucher:voucher": {
    "created-on": "2016-10-07T19:31:42Z",
    "expires-on": "2016-10-21T19:31:42Z",
    "assertion": "verified",
    "serial-number": "JADA123456789",
    "idevid-issuer": "base64encodedvalue==",
    "pinned-domain-cert": "base64encodedvalue==",
    "domain-cert-revocation-checks": "true",
    "last-renewal-date": "2017-10-07T19:31:42Z"
  }
})";

constexpr const char* kVoucherPath = "/ietf-voucher:voucher";

Result<Voucher> parseJson(std::string_view text) {
  return parseVoucher(text, Encoding::Json);
}

std::string voucherWith(std::string_view members) {
  return R"({"ietf-voucher:voucher":{"serial-number":"SN1")" +
         (members.empty() ? std::string() : "," + std::string(members)) + "}}";
}

DateTime date(const char* text) {
  return *parseDateTime(text);
}

void expectBothRoundTrips(const Voucher& voucher) {
  for (const auto encoding : kEncodings) {
    expectRoundTrip(voucher, encoding, encodeVoucher, parseVoucher);
  }
}

TEST(VoucherGolden, Rfc8366NonceExample) {
  auto parsed = parseJson(kRfcNonceVoucher);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  EXPECT_EQ(parsed->serialNumber, "JADA123456789");
  EXPECT_EQ(parsed->assertion, Assertion::Logged);
  ASSERT_TRUE(parsed->createdOn);
  EXPECT_EQ(parsed->createdOn->text, "2016-10-07T19:31:42Z");
  ASSERT_TRUE(parsed->nonce);
  EXPECT_EQ(parsed->nonce->size(), 13u);
  EXPECT_FALSE(parsed->expiresOn);
  expectBothRoundTrips(*parsed);
}

TEST(VoucherGolden, Rfc8366StringBooleanFails) {
  const auto r = parseJson(kRfcExpiringVoucher);
  EXPECT_TRUE(
      failsAt(r, CodecErrc::InvalidValue, "/ietf-voucher:voucher/domain-cert-revocation-checks"));
  EXPECT_TRUE(failsWith(r, CodecErrc::InvalidValue, "JSON literal true or false"));
}

TEST(VoucherGolden, Rfc8366bisFixedExample) {
  std::string fixed = kRfcExpiringVoucher;
  fixed.replace(fixed.find("\"true\""), 6, "true");
  auto parsed = parseJson(fixed);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  EXPECT_EQ(parsed->domainCertRevocationChecks, true);
  EXPECT_EQ(parsed->assertion, Assertion::Verified);
  EXPECT_EQ(parsed->lastRenewalDate->text, "2017-10-07T19:31:42Z");
  expectBothRoundTrips(*parsed);
}

TEST(VoucherGolden, CanonicalJson) {
  Voucher voucher;
  voucher.createdOn = date("2016-10-07T19:31:42Z");
  voucher.assertion = Assertion::Verified;
  voucher.serialNumber = "SN";
  voucher.pinnedDomainCert = Bytes{1, 2, 3};
  voucher.domainCertRevocationChecks = false;
  EXPECT_EQ(encodeVoucher(voucher, Encoding::Json), R"({
  "ietf-voucher:voucher": {
    "created-on": "2016-10-07T19:31:42Z",
    "assertion": "verified",
    "serial-number": "SN",
    "pinned-domain-cert": "AQID",
    "domain-cert-revocation-checks": false
  }
}
)");
}

TEST(VoucherRoundTrip, MinimalAndFull) {
  Voucher minimal;
  minimal.serialNumber = "only-serial";
  expectBothRoundTrips(minimal);

  Voucher expiring;
  expiring.createdOn = date("2024-01-02T03:04:05.123+02:00");
  expiring.expiresOn = date("2024-02-02T03:04:05Z");
  expiring.lastRenewalDate = date("2025-02-02T03:04:05-05:00");
  expiring.assertion = Assertion::Proximity;
  expiring.serialNumber = "PID:X SN:Y";
  expiring.idevidIssuer = Bytes{0x04, 0x14, 0xAA};
  expiring.pinnedDomainCert = Bytes(300, 0x30);
  expiring.domainCertRevocationChecks = true;
  expiring.pinnedDomainPubk = Bytes{9};
  expiring.pinnedDomainPubkSha256 = Bytes(32, 7);
  expiring.estDomain = "https://est.example.com/.well-known/est";
  expiring.additionalConfigurationUrl = "https://config.example.com/x";
  expiring.extensions = {"example-my-extension", "305823299950"};
  expiring.manufacturerProprietary = Bytes{0xFF};
  expectBothRoundTrips(expiring);

  Voucher nonce;
  nonce.serialNumber = "S";
  nonce.assertion = Assertion::AgentProximity;
  nonce.nonce = Bytes(8, 1);
  expectBothRoundTrips(nonce);
  nonce.nonce = Bytes(32, 2);
  expectBothRoundTrips(nonce);
}

TEST(VoucherRules, SerialNumberMandatoryString) {
  EXPECT_TRUE(failsAt(parseJson(R"({"ietf-voucher:voucher":{"assertion":"logged"}})"),
                      CodecErrc::MissingNode, "/ietf-voucher:voucher/serial-number"));
  EXPECT_TRUE(failsAt(parseJson(R"({"ietf-voucher:voucher":{"serial-number":123}})"),
                      CodecErrc::InvalidValue, "/ietf-voucher:voucher/serial-number"));
  EXPECT_TRUE(failsAt(parseJson("{}"), CodecErrc::MissingNode, kVoucherPath));
  auto qualified = parseJson(R"({"ietf-voucher:voucher":{"ietf-voucher:serial-number":"Q"}})");
  ASSERT_TRUE(qualified) << qualified.error().detail();
  EXPECT_EQ(qualified->serialNumber, "Q");
}

TEST(VoucherRules, NonceLength) {
  EXPECT_TRUE(failsAt(parseJson(voucherWith(R"("nonce":"AQIDBAUGBw==")")), CodecErrc::InvalidValue,
                      "/ietf-voucher:voucher/nonce"));  // 7 octets
  EXPECT_TRUE(failsAt(parseJson(voucherWith(R"("nonce":")" + std::string(44, 'A') + "\"")),
                      CodecErrc::InvalidValue, "/ietf-voucher:voucher/nonce"));  // 33 octets
  EXPECT_TRUE(parseJson(voucherWith(R"("nonce":"AQIDBAUGBwg=")")));              // 8 octets
}

TEST(VoucherRules, ExpiryConstraints) {
  EXPECT_TRUE(failsAt(
      parseJson(voucherWith(R"("expires-on":"2016-10-21T19:31:42Z","nonce":"AQIDBAUGBwg=")")),
      CodecErrc::ConstraintViolation, "/ietf-voucher:voucher/expires-on"));
  EXPECT_TRUE(failsAt(parseJson(voucherWith(R"("last-renewal-date":"2016-10-21T19:31:42Z")")),
                      CodecErrc::ConstraintViolation, "/ietf-voucher:voucher/last-renewal-date"));
}

TEST(VoucherRules, ValueTypes) {
  const struct {
    const char* member;
    const char* path;
  } cases[] = {
      {R"("created-on":"2016-13-07T19:31:42Z")", "/ietf-voucher:voucher/created-on"},
      {R"("created-on":"yesterday")", "/ietf-voucher:voucher/created-on"},
      {R"("expires-on":1)", "/ietf-voucher:voucher/expires-on"},
      {R"("assertion":"bogus")", "/ietf-voucher:voucher/assertion"},
      {R"("assertion":"Verified")", "/ietf-voucher:voucher/assertion"},
      {R"("idevid-issuer":"AQ")", "/ietf-voucher:voucher/idevid-issuer"},
      {R"("pinned-domain-cert":null)", "/ietf-voucher:voucher/pinned-domain-cert"},
      {R"("domain-cert-revocation-checks":"false")",
       "/ietf-voucher:voucher/domain-cert-revocation-checks"},
      {R"("domain-cert-revocation-checks":1)",
       "/ietf-voucher:voucher/domain-cert-revocation-checks"},
      {R"("est-domain":"est.example.com")", "/ietf-voucher:voucher/est-domain"},
      {R"("additional-configuration-url":"")",
       "/ietf-voucher:voucher/additional-configuration-url"},
      {R"("extensions":[-1])", "/ietf-voucher:voucher/extensions[1]"},
      {R"("extensions":["a", 1.5])", "/ietf-voucher:voucher/extensions[2]"},
      {R"("extensions":"a")", "/ietf-voucher:voucher/extensions"},
      {R"("manufacturer-private":"*")", "/ietf-voucher:voucher/manufacturer-private"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(failsAt(parseJson(voucherWith(c.member)), CodecErrc::InvalidValue, c.path))
        << c.member;
  }
}

TEST(VoucherRules, BisAdditionsAccepted) {
  auto parsed = parseJson(voucherWith(
      R"("assertion":"agent-proximity","extensions":["example-my-extension",305823299950],
         "pinned-domain-pubk":"AQ==","pinned-domain-pubk-sha256":"Ag==",
         "est-domain":"https://est.example.com","additional-configuration-url":"https://c/x",
         "manufacturer-private":"Aw==")"));
  ASSERT_TRUE(parsed) << parsed.error().detail();
  EXPECT_EQ(parsed->assertion, Assertion::AgentProximity);
  EXPECT_EQ(parsed->extensions, (std::vector<std::string>{"example-my-extension", "305823299950"}));
  EXPECT_EQ(parsed->manufacturerProprietary, Bytes{3});
}

TEST(VoucherRules, UnknownMembers) {
  EXPECT_TRUE(failsAt(parseJson(voucherWith(R"("serial":"x")")), CodecErrc::UnknownNode,
                      "/ietf-voucher:voucher/serial"));
  // rfc8366bis extension payloads have no place in the Voucher struct yet.
  EXPECT_TRUE(failsAt(parseJson(voucherWith(R"("extension:example-my-extension":{})")),
                      CodecErrc::UnknownNode,
                      "/ietf-voucher:voucher/extension:example-my-extension"));
  EXPECT_TRUE(failsAt(parseJson(voucherWith(R"("ietf-restconf:errors":{})")),
                      CodecErrc::UnknownNode, "/ietf-voucher:voucher/ietf-restconf:errors"));
  EXPECT_TRUE(failsAt(parseJson(R"({"ietf-voucher:voucher-request":{}})"), CodecErrc::UnknownNode,
                      "/ietf-voucher:voucher-request"));
  EXPECT_TRUE(
      failsWith(parseJson(R"({"ietf-voucher:voucher":{"serial-number":"a","serial-number":"b"}})"),
                CodecErrc::DuplicateNode, "serial-number"));
}

TEST(VoucherXml, ParsesAndChecksTypes) {
  auto parsed = parseVoucher(R"(<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher">
  <created-on>2016-10-07T19:31:42Z</created-on>
  <assertion>verified</assertion>
  <serial-number>JADA123456789</serial-number>
  <pinned-domain-cert>
    base64encodedvalue==
  </pinned-domain-cert>
  <domain-cert-revocation-checks>false</domain-cert-revocation-checks>
</voucher>)",
                             Encoding::Xml);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  EXPECT_EQ(parsed->domainCertRevocationChecks, false);
  EXPECT_EQ(parsed->pinnedDomainCert->size(), 13u);
  EXPECT_TRUE(failsAt(parseVoucher(R"(<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher">
      <serial-number>x</serial-number><domain-cert-revocation-checks>True</domain-cert-revocation-checks>
      </voucher>)",
                                   Encoding::Xml),
                      CodecErrc::InvalidValue,
                      "/ietf-voucher:voucher/domain-cert-revocation-checks"));
  EXPECT_TRUE(failsAt(
      parseVoucher(R"(<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"/>)", Encoding::Xml),
      CodecErrc::MissingNode, "/ietf-voucher:voucher/serial-number"));
}

TEST(VoucherNames, Assertions) {
  for (const auto assertion :
       {Assertion::Verified, Assertion::Logged, Assertion::Proximity, Assertion::AgentProximity}) {
    EXPECT_EQ(assertionFromName(assertionName(assertion)), assertion);
  }
  EXPECT_EQ(assertionName(Assertion::AgentProximity), "agent-proximity");
  EXPECT_FALSE(assertionFromName("Verified"));
}

}  // namespace
}  // namespace sztp::model
