#pragma once

// An admin API world for in-process tests: a demo PKI (its TLS CA stands in
// for the admin client CA), a real SQLite registry in a TempDir, a fixed
// clock and the AdminService with one token. Requests are plain values.

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "admin/admin_service.h"
#include "common/base64.h"
#include "common/clock.h"
#include "crypto/digest.h"
#include "pki/demo_pki.h"
#include "registry/json_codec.h"
#include "registry/sqlite/sqlite_registry.h"
#include "testutil/temp_dir.h"

namespace sztp::admin::testing {

inline constexpr std::string_view kToken = "s3cret-admin-token";

inline TimePoint testNow() {
  return std::chrono::sys_days{std::chrono::year{2026} / 3 / 1} + std::chrono::hours{10};
}

/// The demo PKI is made once per test program: key generation is the slow part.
inline const pki::DemoPki& demoPki() {
  static const pki::DemoPki pki = [] {
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-1"};
    auto created = pki::createDemoPki(options, testNow() - std::chrono::hours{24});
    if (!created) {
      ADD_FAILURE() << created.error().describe();
      std::abort();
    }
    return std::move(*created);
  }();
  return pki;
}

class AdminWorld {
 public:
  /// Opens the registry and builds the service with `auth` (by default the
  /// one token "ops" and the demo TLS CA as admin client CA).
  ::testing::AssertionResult build(std::optional<AdminAuthSettings> auth = std::nullopt,
                                   AdminLimits limits = {}) {
    registry::SqliteOptions sqlite;
    sqlite.path = dir_ / "registry.db";
    auto opened = registry::openSqliteRegistry(sqlite);
    if (!opened) {
      return ::testing::AssertionFailure() << opened.error().describe();
    }
    registry_ = std::move(*opened);
    if (!auth) {
      auth = AdminAuthSettings{};
      auth->tokens.push_back(AdminToken::fromSecret("ops", kToken));
      auth->clientCaAnchors.push_back(demoPki().tlsCa.certificate);
    }
    AdminSettings settings;
    settings.auth = *auth;
    settings.limits = limits;
    service_ = std::make_unique<AdminService>(*registry_, clock_, std::move(settings));
    return ::testing::AssertionSuccess();
  }

  http::Response call(std::string method, std::string target, std::string body = {},
                      std::string contentType = "application/json") {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.headers.emplace_back("authorization", "Bearer " + std::string(kToken));
    if (!body.empty() && !contentType.empty()) {
      request.headers.emplace_back("content-type", std::move(contentType));
    }
    request.body = std::move(body);
    return service_->handle(request, peer());
  }
  http::Response call(std::string method, std::string target, const nlohmann::json& body) {
    return call(std::move(method), std::move(target), body.dump());
  }

  static http::Peer peer() {
    http::Peer peer;
    peer.address = "127.0.0.1";
    peer.port = 40000;
    return peer;
  }

  static nlohmann::json parsed(const http::Response& response) {
    return nlohmann::json::parse(response.body, nullptr, false);
  }
  /// The reason code of an error body ("" if the body is not one).
  static std::string reason(const http::Response& response) {
    auto body = parsed(response);
    if (body.is_discarded() || !body.contains("error")) {
      return {};
    }
    return body["error"].value("reason", "");
  }

  // ---- Inventory values --------------------------------------------------

  static nlohmann::json deviceType(const std::string& name = "dpu") {
    return {{"name", name},
            {"idevid-trust-anchors", {base64Encode(demoPki().manufacturerCa.certificate.toDer())}},
            {"allow-activation-code", true}};
  }
  static nlohmann::json owner(const std::string& name = "acme") {
    return {{"name", name},
            {"certificate-chain", {base64Encode(demoPki().owner.certificate.toDer())}},
            {"signing-key-ref", "file:/etc/sztp/acme.key"}};
  }
  static nlohmann::json image(const std::string& name = "os-2") {
    return {{"name", name},
            {"os-name", "DemoOS"},
            {"os-version", "2.0"},
            {"file", "os-2.img"},
            {"sha256", std::string(64, 'a')}};
  }
  static nlohmann::json script(const std::string& name = "pre") {
    return {{"name", name}, {"content", base64Encode(asBytes("#!/bin/sh\nexit 0\n"))}};
  }
  static nlohmann::json configuration(const std::string& name = "base") {
    return {
        {"name", name}, {"handling", "replace"}, {"content", base64Encode(asBytes("<config/>"))}};
  }
  static nlohmann::json onboardingProfile(const std::string& name = "full") {
    return {{"name", name},
            {"image", "os-2"},
            {"pre-configuration-script", "pre"},
            {"configuration", "base"}};
  }
  static nlohmann::json redirectProfile(const std::string& name = "lab") {
    return {{"name", name},
            {"bootstrap-servers",
             {{{"address", "onboard.example.net"},
               {"port", 8443},
               {"trust-anchor-chain", {base64Encode(demoPki().tlsCa.certificate.toDer())}}}}}};
  }
  static nlohmann::json device(const std::string& serial, const std::string& type = "dpu",
                               const std::string& ownerName = "acme") {
    return {{"serial-number", serial},
            {"device-type", type},
            {"owner", ownerName},
            {"responses", {{{"name", "default"}, {"kind", "onboarding"}, {"profile", "full"}}}}};
  }

  /// Every object a device needs, through the API.
  void addBasics() {
    for (const auto& [collection, body] : std::vector<std::pair<std::string, nlohmann::json>>{
             {"device-types", deviceType()},
             {"owners", owner()},
             {"images", image()},
             {"scripts", script()},
             {"configurations", configuration()},
             {"onboarding-profiles", onboardingProfile()},
             {"redirect-profiles", redirectProfile()}}) {
      auto reply = call("POST", "/api/v1/" + collection, body);
      ASSERT_EQ(reply.status, 201) << collection << ": " << reply.body;
    }
  }

  testutil::TempDir dir_;
  FixedClock clock_{testNow()};
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<AdminService> service_;
};

class AdminTest : public ::testing::Test, public AdminWorld {
 protected:
  void SetUp() override { ASSERT_TRUE(build()); }
};

}  // namespace sztp::admin::testing
