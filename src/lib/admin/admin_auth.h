#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "http/message.h"

namespace sztp::admin {

/// One admin bearer token. Only its SHA-256 digest is kept, so a memory dump
/// or a configuration file leaks no usable token.
struct AdminToken {
  /// Who holds it ("ops", "ci"): the identity in audit records. Not secret.
  std::string name;
  /// SHA-256 of the token text as the client sends it after "Bearer ".
  Bytes sha256;

  /// The entry for a token given in clear (e.g. read from a token file).
  static AdminToken fromSecret(std::string name, std::string_view token);
};

/// Who may use the admin API. Fail closed: with no token and no client CA,
/// every request is refused with admin-auth-not-configured.
struct AdminAuthSettings {
  std::vector<AdminToken> tokens;
  /// Anchors for admin client certificates (the listener must be TLS and ask
  /// for a client certificate). An anchor may be an intermediate CA: the
  /// configured anchor is trusted as it is (partial chains accepted).
  std::vector<crypto::Certificate> clientCaAnchors;
};

/// Checks a request's credentials; thread-safe (read-only after construction).
class AdminAuthenticator {
 public:
  AdminAuthenticator(AdminAuthSettings settings, const Clock& clock);

  /// The authenticated identity: "token:<name>" or "cert:<subject DN>".
  /// An Authorization header decides on its own: a wrong token is refused
  /// even when a valid certificate was also sent. Errors (AdminErrc):
  /// AuthNotConfigured, NotAuthenticated (nothing presented, or a scheme
  /// other than Bearer), TokenRejected, CertificateRejected.
  Result<std::string> authenticate(const http::Request& request, const http::Peer& peer) const;

  bool configured() const {
    return !settings_.tokens.empty() || !settings_.clientCaAnchors.empty();
  }

 private:
  Result<std::string> checkToken(std::string_view token) const;
  Result<std::string> checkCertificate(const http::Peer& peer) const;

  AdminAuthSettings settings_;
  const Clock& clock_;
};

}  // namespace sztp::admin
