// Ownership vouchers (RFC 8366, ietf-voucher@2018-05-09 yang-data
// `voucher-artifact`) as the toolkit builds them (artifact::makeVoucher) and
// encodeVoucher() writes them. Only RFC 8366 leaves: the rfc8366bis additions
// are not in the 2018 module, and the bis module's sx:structure does not work
// in libyang 2.1.30 (checklist §4 point 6).

#include "artifact/voucher_issuer.h"
#include "conformance/conformance_fixture.h"
#include "model/voucher.h"

namespace sztp::conformance {
namespace {

using namespace std::chrono_literals;

artifact::VoucherRequest baseRequest() {
  return artifact::VoucherRequest{.serialNumber = "SN-1",
                                  .pinnedDomainCert = demoPki().ownerCa.certificate};
}

class VoucherConformance : public EncodingTest {
 protected:
  ::testing::AssertionResult acceptsRequest(const artifact::VoucherRequest& request) const {
    auto voucher = artifact::makeVoucher(request, fixedNow());
    if (!voucher) {
      return ::testing::AssertionFailure()
             << "makeVoucher refused the request: " << voucher.error().describe();
    }
    return accepts(PayloadKind::Voucher, GetParam(), model::encodeVoucher(*voucher, GetParam()));
  }
};

TEST_P(VoucherConformance, WithExpiresOn) {
  auto request = baseRequest();
  request.expiresOn = fixedNow() + 24h * 30;
  EXPECT_TRUE(acceptsRequest(request));
}

TEST_P(VoucherConformance, WithNonceAndNoExpiresOn) {
  auto request = baseRequest();
  for (std::size_t length : {8u, 16u, 32u}) {  // RFC 8366: nonce is 8..32 octets.
    request.nonce = Bytes(length, 0xa5);
    EXPECT_TRUE(acceptsRequest(request)) << length << "-octet nonce";
  }
}

TEST_P(VoucherConformance, WithIdevidIssuerRevocationChecksAndLastRenewalDate) {
  for (auto form :
       {artifact::IdevidIssuerForm::Extension, artifact::IdevidIssuerForm::KeyIdentifier}) {
    for (bool revocationChecks : {true, false}) {
      auto request = baseRequest();
      request.idevid = demoPki().idevids.at("SN-1").certificate;
      request.idevidIssuerForm = form;
      request.domainCertRevocationChecks = revocationChecks;
      request.expiresOn = fixedNow() + 24h * 90;
      request.lastRenewalDate = fixedNow() + 24h * 60;
      EXPECT_TRUE(acceptsRequest(request)) << "domain-cert-revocation-checks " << revocationChecks
                                           << ", idevid-issuer form " << static_cast<int>(form);
    }
  }
}

TEST_P(VoucherConformance, EveryRfc8366Assertion) {
  for (model::Assertion assertion :
       {model::Assertion::Verified, model::Assertion::Logged, model::Assertion::Proximity}) {
    auto request = baseRequest();
    request.assertion = assertion;
    request.expiresOn = fixedNow() + 24h;
    EXPECT_TRUE(acceptsRequest(request)) << model::assertionName(assertion);
  }
}

TEST_P(VoucherConformance, MinimalRfc8366Voucher) {
  // created-on, assertion, serial-number and pinned-domain-cert: the
  // mandatory leaves of RFC 8366, and nothing else.
  EXPECT_TRUE(acceptsRequest(baseRequest()));
}

SZTP_INSTANTIATE_FOR_ENCODINGS(VoucherConformance);

}  // namespace
}  // namespace sztp::conformance
