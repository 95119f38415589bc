#include "crypto/path_validation.h"

#include <gtest/gtest.h>

#include "crypto/crypto_error.h"
#include "crypto/issuer.h"
#include "fixtures.h"

namespace sztp::crypto {
namespace {

using namespace std::chrono_literals;
using test::makeChain;
using test::testNow;

PathValidationOptions at(TimePoint t) {
  PathValidationOptions options;
  options.at = t;
  return options;
}

TEST(PathValidation, ValidatesRootAnchoredChain) {
  auto c = makeChain();
  auto path = validatePath(c.leaf.certificate, {c.intermediate.certificate}, {c.root.certificate},
                           at(testNow()));
  ASSERT_TRUE(path) << path.error().describe();
  ASSERT_EQ(path->chain.size(), 3u);
  EXPECT_EQ(path->chain.front(), c.leaf.certificate);
  EXPECT_EQ(path->chain.back(), c.root.certificate);
}

TEST(PathValidation, NoAnchorsFailsClosed) {
  auto c = makeChain();
  auto path = validatePath(c.leaf.certificate, {c.intermediate.certificate}, {}, at(testNow()));
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code(), CryptoErrc::NoTrustAnchors);
}

TEST(PathValidation, ForeignAnchorIsUntrusted) {
  auto c = makeChain();
  auto other = makeChain(KeyType::EcP256, "Other");
  auto path = validatePath(c.leaf.certificate, {c.intermediate.certificate},
                           {other.root.certificate}, at(testNow()));
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code(), CryptoErrc::ChainUntrusted);
  EXPECT_NE(path.error().detail().find("depth"), std::string::npos);
}

TEST(PathValidation, MissingIntermediateIsUntrusted) {
  auto c = makeChain();
  auto path = validatePath(c.leaf.certificate, {}, {c.root.certificate}, at(testNow()));
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().code(), CryptoErrc::ChainUntrusted);
}

TEST(PathValidation, ExpiryAndNotYetValidDependOnTheClock) {
  auto c = makeChain();
  auto expired = validatePath(c.leaf.certificate, {c.intermediate.certificate},
                              {c.root.certificate}, at(testNow() + std::chrono::days(400)));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), CryptoErrc::CertificateExpired);
  EXPECT_NE(expired.error().detail().find("Test Leaf"), std::string::npos);

  auto early = validatePath(c.leaf.certificate, {c.intermediate.certificate}, {c.root.certificate},
                            at(testNow() - std::chrono::days(2)));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code(), CryptoErrc::CertificateNotYetValid);

  // No trusted clock (D34): validity periods are not judged.
  PathValidationOptions noClock;
  EXPECT_TRUE(validatePath(c.leaf.certificate, {c.intermediate.certificate}, {c.root.certificate},
                           noClock));
}

TEST(PathValidation, IntermediateAnchorNeedsPartialChain) {
  auto c = makeChain();
  auto strict = validatePath(c.leaf.certificate, {}, {c.intermediate.certificate}, at(testNow()));
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().code(), CryptoErrc::ChainUntrusted);

  auto options = at(testNow());
  options.allowPartialChain = true;
  auto partial = validatePath(c.leaf.certificate, {}, {c.intermediate.certificate}, options);
  ASSERT_TRUE(partial) << partial.error().describe();
  EXPECT_EQ(partial->chain.size(), 2u);

  // The leaf itself may be the pinned anchor (D30).
  auto self = validatePath(c.leaf.certificate, {}, {c.leaf.certificate}, options);
  ASSERT_TRUE(self) << self.error().describe();
  EXPECT_EQ(self->chain.size(), 1u);
}

class Revocation : public ::testing::Test {
 protected:
  test::Chain c = makeChain();
  Crl crlFor(const pki::Identity& issuer, std::vector<RevokedEntry> revoked, TimePoint thisUpdate,
             TimePoint nextUpdate) {
    auto crl = issueCrl(issuer.certificate, issuer.key, revoked, thisUpdate, nextUpdate);
    EXPECT_TRUE(crl);
    return *crl;
  }
  PathValidationOptions options(RevocationPolicy policy, std::vector<Crl> crls) {
    auto o = at(testNow());
    o.revocation = policy;
    o.crls = std::move(crls);
    return o;
  }
  Result<ValidatedPath> run(const PathValidationOptions& o) {
    return validatePath(c.leaf.certificate, {c.intermediate.certificate}, {c.root.certificate}, o);
  }
};

TEST_F(Revocation, RequireWithoutCrlsIsUnavailable) {
  auto r = run(options(RevocationPolicy::Require, {}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::RevocationUnavailable);
}

TEST_F(Revocation, RequireWithCurrentCrlsPasses) {
  const auto now = testNow();
  auto r = run(options(RevocationPolicy::Require, {crlFor(c.intermediate, {}, now - 1h, now + 24h),
                                                   crlFor(c.root, {}, now - 1h, now + 24h)}));
  EXPECT_TRUE(r) << r.error().describe();
}

TEST_F(Revocation, RevokedLeafIsRejected) {
  const auto now = testNow();
  auto r =
      run(options(RevocationPolicy::Require,
                  {crlFor(c.intermediate, {{c.leaf.certificate, now - 2h}}, now - 1h, now + 24h),
                   crlFor(c.root, {}, now - 1h, now + 24h)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::CertificateRevoked);
}

TEST_F(Revocation, RevokedIntermediateIsRejected) {
  const auto now = testNow();
  auto r =
      run(options(RevocationPolicy::Require,
                  {crlFor(c.intermediate, {}, now - 1h, now + 24h),
                   crlFor(c.root, {{c.intermediate.certificate, now - 2h}}, now - 1h, now + 24h)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::CertificateRevoked);
}

TEST_F(Revocation, StaleCrlIsNotFresh) {
  const auto now = testNow();
  auto r = run(options(RevocationPolicy::Require, {crlFor(c.intermediate, {}, now - 48h, now - 24h),
                                                   crlFor(c.root, {}, now - 1h, now + 24h)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::RevocationUnavailable);
}

TEST_F(Revocation, IfAvailableToleratesMissingButHonoursPresentCrls) {
  const auto now = testNow();
  EXPECT_TRUE(run(options(RevocationPolicy::IfAvailable, {})));
  // Only the intermediate's CRL is supplied: the root-issued one is missing and tolerated.
  EXPECT_TRUE(run(
      options(RevocationPolicy::IfAvailable, {crlFor(c.intermediate, {}, now - 1h, now + 24h)})));
  auto revoked =
      run(options(RevocationPolicy::IfAvailable,
                  {crlFor(c.intermediate, {{c.leaf.certificate, now - 2h}}, now - 1h, now + 24h)}));
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code(), CryptoErrc::CertificateRevoked);
}

TEST_F(Revocation, SkipIgnoresEvenARevokingCrl) {
  const auto now = testNow();
  EXPECT_TRUE(run(
      options(RevocationPolicy::Skip,
              {crlFor(c.intermediate, {{c.leaf.certificate, now - 2h}}, now - 1h, now + 24h)})));
}

TEST_F(Revocation, PartialChainAnchorNeedsNoCrlForItself) {
  // Pinned intermediate: only the certificates below the anchor need status.
  const auto now = testNow();
  auto o = options(RevocationPolicy::Require, {crlFor(c.intermediate, {}, now - 1h, now + 24h)});
  o.allowPartialChain = true;
  auto r = validatePath(c.leaf.certificate, {}, {c.intermediate.certificate}, o);
  EXPECT_TRUE(r) << r.error().describe();
}

}  // namespace
}  // namespace sztp::crypto
