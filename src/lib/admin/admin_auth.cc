#include "admin/admin_auth.h"

#include "admin/admin_error.h"
#include "crypto/digest.h"
#include "crypto/path_validation.h"

namespace sztp::admin {
namespace {

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && http::lowercase(text.substr(0, prefix.size())) == prefix;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

AdminToken AdminToken::fromSecret(std::string name, std::string_view token) {
  return AdminToken{std::move(name), crypto::sha256(asBytes(token))};
}

AdminAuthenticator::AdminAuthenticator(AdminAuthSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {}

Result<std::string> AdminAuthenticator::authenticate(const http::Request& request,
                                                     const http::Peer& peer) const {
  if (!configured()) {
    return Error(AdminErrc::AuthNotConfigured);
  }
  if (const auto authorization = request.header("authorization")) {
    // RFC 6750 §2.1: "Bearer" is case-insensitive, one or more spaces follow.
    if (!startsWithIgnoringCase(*authorization, "bearer ")) {
      const auto scheme = authorization->substr(0, authorization->find(' '));
      return Error(AdminErrc::NotAuthenticated,
                   "Authorization scheme '" + std::string(scheme) + "' is not Bearer");
    }
    return checkToken(trim(authorization->substr(7)));
  }
  if (!peer.clientCertificates.empty()) {
    return checkCertificate(peer);
  }
  return Error(AdminErrc::NotAuthenticated);
}

Result<std::string> AdminAuthenticator::checkToken(std::string_view token) const {
  if (settings_.tokens.empty()) {
    return Error(AdminErrc::TokenRejected, "no admin tokens are configured");
  }
  if (token.empty()) {
    return Error(AdminErrc::TokenRejected, "the token is empty");
  }
  // Compare against the digest, in constant time, and visit every entry so
  // the time taken does not tell which (or whether an early) entry matched.
  const Bytes digest = crypto::sha256(asBytes(token));
  const AdminToken* match = nullptr;
  for (const auto& entry : settings_.tokens) {
    if (crypto::equalConstantTime(digest, entry.sha256) && match == nullptr) {
      match = &entry;
    }
  }
  if (match == nullptr) {
    return Error(AdminErrc::TokenRejected);
  }
  return "token:" + match->name;
}

Result<std::string> AdminAuthenticator::checkCertificate(const http::Peer& peer) const {
  if (settings_.clientCaAnchors.empty()) {
    return Error(AdminErrc::CertificateRejected, "no admin client CA is configured");
  }
  auto leaf = crypto::Certificate::fromDer(peer.clientCertificates.front());
  if (!leaf) {
    return Error(AdminErrc::CertificateRejected, leaf.error().describe());
  }
  std::vector<crypto::Certificate> untrusted;
  for (std::size_t i = 1; i < peer.clientCertificates.size(); ++i) {
    auto cert = crypto::Certificate::fromDer(peer.clientCertificates[i]);
    if (!cert) {
      return Error(AdminErrc::CertificateRejected,
                   "chain[" + std::to_string(i) + "]: " + cert.error().describe());
    }
    untrusted.push_back(std::move(*cert));
  }
  crypto::PathValidationOptions options;
  options.at = clock_.now();
  options.allowPartialChain = true;
  auto path = crypto::validatePath(*leaf, untrusted, settings_.clientCaAnchors, options);
  if (!path) {
    return Error(AdminErrc::CertificateRejected, leaf->subject() + ": " + path.error().describe());
  }
  return "cert:" + leaf->subject();
}

}  // namespace sztp::admin
