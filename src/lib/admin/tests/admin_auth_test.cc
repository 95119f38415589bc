// Authentication of the admin API: fail closed, bearer tokens, client certificates.
#include "admin_fixture.h"

namespace sztp::admin::testing {
namespace {

http::Request get(const std::string& target) {
  http::Request request;
  request.method = "GET";
  request.target = target;
  return request;
}

http::Request withToken(http::Request request, const std::string& authorization) {
  request.headers.emplace_back("authorization", authorization);
  return request;
}

http::Peer peerWith(const std::vector<crypto::Certificate>& chain) {
  http::Peer peer = AdminWorld::peer();
  peer.tls = true;
  for (const auto& cert : chain) {
    peer.clientCertificates.push_back(cert.toDer());
  }
  return peer;
}

TEST(AdminAuth, NothingConfiguredRefusesEverythingAndSaysWhy) {
  AdminWorld world;
  ASSERT_TRUE(world.build(AdminAuthSettings{}));
  for (const auto& target : {"/api/v1/stats", "/api/v1/devices", "/no/such/path"}) {
    // Even a request carrying a token: there is nothing to check it against.
    for (const auto& request : {get(target), withToken(get(target), "Bearer anything")}) {
      auto reply = world.service_->handle(request, AdminWorld::peer());
      EXPECT_EQ(reply.status, 401) << target;
      EXPECT_EQ(AdminWorld::reason(reply), "admin-auth-not-configured") << reply.body;
      EXPECT_EQ(reply.reason, "admin-auth-not-configured");
      EXPECT_NE(reply.body.find("no admin token and no admin client CA is configured"),
                std::string::npos)
          << reply.body;
      EXPECT_EQ(reply.identity, "");
    }
  }
}

TEST_F(AdminTest, MissingCredentialsAre401WithAJsonBody) {
  auto reply = service_->handle(get("/api/v1/stats"), peer());
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reason(reply), "admin-not-authenticated");
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.header("www-authenticate"), "Bearer realm=\"sztp-admin\"");
  // Unknown paths too: an unauthenticated client learns nothing about routes.
  EXPECT_EQ(service_->handle(get("/api/v1/nothing-here"), peer()).status, 401);
}

TEST_F(AdminTest, WrongTokenOrSchemeIsRefused) {
  auto wrong = service_->handle(withToken(get("/api/v1/stats"), "Bearer not-the-token"), peer());
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(reason(wrong), "admin-token-rejected");
  auto prefix = service_->handle(
      withToken(get("/api/v1/stats"), "Bearer " + std::string(kToken).substr(0, 5)), peer());
  EXPECT_EQ(reason(prefix), "admin-token-rejected");
  auto empty = service_->handle(withToken(get("/api/v1/stats"), "Bearer "), peer());
  EXPECT_EQ(reason(empty), "admin-token-rejected");
  auto basic = service_->handle(withToken(get("/api/v1/stats"), "Basic b3BzOnB3"), peer());
  EXPECT_EQ(basic.status, 401);
  EXPECT_EQ(reason(basic), "admin-not-authenticated");
  EXPECT_NE(basic.body.find("not Bearer"), std::string::npos) << basic.body;
}

TEST_F(AdminTest, RightTokenIsAcceptedWhateverTheSchemeCase) {
  for (const auto* scheme : {"Bearer ", "bearer ", "BEARER  "}) {
    auto reply = service_->handle(
        withToken(get("/api/v1/stats"), std::string(scheme) + std::string(kToken)), peer());
    EXPECT_EQ(reply.status, 200) << scheme << reply.body;
    EXPECT_EQ(reply.identity, "token:ops");
    EXPECT_EQ(reply.reason, "");
  }
}

TEST_F(AdminTest, SeveralTokensEachNameTheirHolder) {
  AdminAuthSettings auth;
  auth.tokens = {AdminToken::fromSecret("ops", "token-a"), AdminToken::fromSecret("ci", "token-b")};
  AdminWorld world;
  ASSERT_TRUE(world.build(auth));
  EXPECT_EQ(
      world.service_->handle(withToken(get("/api/v1/stats"), "Bearer token-b"), peer()).identity,
      "token:ci");
  EXPECT_EQ(
      world.service_->handle(withToken(get("/api/v1/stats"), "Bearer token-a"), peer()).identity,
      "token:ops");
  // Stored as digests only.
  EXPECT_EQ(auth.tokens[0].sha256, crypto::sha256(asBytes("token-a")));
}

TEST_F(AdminTest, AdminClientCertificateFromTheAdminCaIsAccepted) {
  const auto& pki = demoPki();
  auto admin = pki::issueOwnerCertificate(pki.tlsCa, "alice", "Ops", crypto::KeyType::EcP256,
                                          testNow() - std::chrono::hours{1}, std::chrono::days{30});
  ASSERT_TRUE(admin.ok()) << admin.error().describe();
  auto reply = service_->handle(get("/api/v1/stats"), peerWith({admin->certificate}));
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.identity, "cert:" + admin->certificate.subject());

  // A certificate of another CA (the owner CA) is refused.
  auto other = service_->handle(get("/api/v1/stats"), peerWith({pki.owner.certificate}));
  EXPECT_EQ(other.status, 401);
  EXPECT_EQ(reason(other), "admin-certificate-rejected");

  // Expired by the injected clock.
  clock_.advance(std::chrono::days{31});
  auto expired = service_->handle(get("/api/v1/stats"), peerWith({admin->certificate}));
  EXPECT_EQ(reason(expired), "admin-certificate-rejected");
  EXPECT_NE(expired.logDetail.find("alice"), std::string::npos) << expired.logDetail;
}

TEST_F(AdminTest, AWrongTokenIsRefusedEvenWithAGoodCertificate) {
  const auto& pki = demoPki();
  auto admin = pki::issueOwnerCertificate(pki.tlsCa, "bob", "Ops", crypto::KeyType::EcP256,
                                          testNow() - std::chrono::hours{1}, std::chrono::days{30});
  ASSERT_TRUE(admin.ok());
  auto reply = service_->handle(withToken(get("/api/v1/stats"), "Bearer wrong"),
                                peerWith({admin->certificate}));
  EXPECT_EQ(reason(reply), "admin-token-rejected");
}

TEST(AdminAuth, CertificateWithoutAnAdminCaIsRefused) {
  AdminAuthSettings auth;
  auth.tokens = {AdminToken::fromSecret("ops", "t")};
  AdminWorld world;
  ASSERT_TRUE(world.build(auth));
  auto reply =
      world.service_->handle(get("/api/v1/stats"), peerWith({demoPki().server.certificate}));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(AdminWorld::reason(reply), "admin-certificate-rejected");
  EXPECT_NE(reply.body.find("no admin client CA is configured"), std::string::npos);
}

TEST(AdminAuth, GarbageCertificateIsRefusedNotCrashed) {
  AdminWorld world;
  ASSERT_TRUE(world.build());
  http::Peer peer = AdminWorld::peer();
  peer.clientCertificates = {toBytes("not a certificate")};
  EXPECT_EQ(AdminWorld::reason(world.service_->handle(get("/api/v1/stats"), peer)),
            "admin-certificate-rejected");
}

}  // namespace
}  // namespace sztp::admin::testing
