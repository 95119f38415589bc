#pragma once

// Internal to sztp_client: what both connection kinds share — the TLS client
// context (D13, D15, D37–D39), the per-connection server-name setup, the
// mapping of a failed handshake to the client's reasons, name resolution and
// the "every address, best error" loop (D36). Connection (Asio/Beast, for
// RESTCONF) and BlockingConnection (poll + SSL_read, for boot images) both
// build on it, so the two can never disagree on who is trusted.

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/ports.h"
#include "client/transport_settings.h"
#include "client/wire.h"
#include "common/result.h"
#include "crypto/certificate.h"

namespace sztp::client::detail {

using SteadyTime = std::chrono::steady_clock::time_point;

/// How to secure a connection.
struct TlsSetup {
  bool tls = true;
  /// Anchors to authenticate the server with (chain to any of them, partial
  /// chains allowed so an intermediate works, then the host name or address
  /// per RFC 6125); empty: the server is not authenticated.
  std::vector<crypto::Certificate> anchors;
  /// Client certificate, chain and key to present; null: none.
  const agent::DeviceIdentity* identity = nullptr;
};

/// An owned SSL_CTX.
struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

/// The text of OpenSSL's error queue (emptied), or "unknown OpenSSL error".
std::string opensslErrors();

bool isIpLiteral(const std::string& host);

/// A TLS client context: TLS 1.2 or later, the device's certificate, chain
/// and key (possibly held by the TPM: never exported), and the anchors to
/// verify the server with, or none. Errors: InvalidRequest.
Result<SslCtxPtr> makeClientContext(const TlsSetup& setup);

/// Per connection, before the handshake: SNI for names (never for literal
/// addresses, RFC 6066 §3) and, with anchors, the name or address the
/// certificate must carry (RFC 6125). Errors: InvalidRequest.
Status prepareClientSsl(SSL* ssl, const std::string& host, const TlsSetup& setup);

/// Why a handshake failed: the verification result first (untrusted
/// certificate, name mismatch), then a timeout, then `message`.
Error handshakeError(SSL* ssl, const std::string& host, const TlsSetup& setup, bool timedOut,
                     const std::string& message);

/// The addresses to try for `host`: itself when it is an IP literal, else
/// the injected resolver's or the system's (within the connect timeout).
Result<std::vector<std::string>> resolveAddresses(const std::string& host, std::uint16_t port,
                                                  const TransportSettings& settings);

/// How telling an attempt's failure is: the error of the best-ranked attempt
/// is reported (an untrusted certificate says more than a refused connection).
int failureRank(const Error& error);

/// D36: `attempt(ip, deadline)` on every address of `host` in turn until one
/// succeeds, each with the connect timeout; otherwise the most telling error,
/// every attempt listed in its detail.
template <class T, class Attempt>
Result<T> tryEveryAddress(const std::string& host, std::uint16_t port,
                          const TransportSettings& settings, Attempt&& attempt) {
  auto addresses = resolveAddresses(host, port, settings);
  if (!addresses) {
    return std::move(addresses).error();
  }
  std::optional<Error> best;
  std::string tried;
  for (const auto& ip : *addresses) {
    Result<T> made = attempt(ip, std::chrono::steady_clock::now() + settings.connectTimeout);
    if (made) {
      return made;
    }
    if (!tried.empty()) {
      tried += "; ";
    }
    tried += formatHostPort(ip, port) + " " + std::string(made.error().reason()) + " (" +
             made.error().detail() + ")";
    if (!best || failureRank(made.error()) > failureRank(*best)) {
      best = made.error();
    }
  }
  return Error(best->code(), host + ": " + tried);
}

}  // namespace sztp::client::detail
