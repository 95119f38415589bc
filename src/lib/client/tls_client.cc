#include "client/tls_client.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "client/client_error.h"
#include "crypto/openssl_errors.h"
#include "crypto/providers.h"
#include "net/asio_config.h"

namespace sztp::client::detail {
namespace {

namespace asio = net::detail::asio;
namespace beast = net::detail::beast;
using tcp = net::detail::tcp;

Result<std::vector<std::string>> systemResolve(const std::string& host, std::uint16_t port,
                                               std::chrono::milliseconds timeout) {
  // getaddrinfo runs on Asio's resolver thread; on timeout the wait is
  // abandoned (the io_context's destructor still joins that thread, so the
  // system resolver's own limits bound the worst case).
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  asio::steady_timer timer(ioc, timeout);
  bool done = false;
  beast::error_code result;
  tcp::resolver::results_type results;
  resolver.async_resolve(host, std::to_string(port),
                         [&](beast::error_code ec, tcp::resolver::results_type found) {
                           result = ec;
                           results = std::move(found);
                           done = true;
                           timer.cancel();
                         });
  timer.async_wait([&](beast::error_code ec) {
    if (!ec && !done) {
      resolver.cancel();
    }
  });
  ioc.run();
  if (result == asio::error::operation_aborted) {
    return Error(ClientErrc::Timeout, "resolving " + host + " took too long");
  }
  if (result) {
    return Error(ClientErrc::ResolveFailed, host + ": " + result.message());
  }
  std::vector<std::string> addresses;
  for (const auto& entry : results) {
    std::string ip = entry.endpoint().address().to_string();
    if (std::find(addresses.begin(), addresses.end(), ip) == addresses.end()) {
      addresses.push_back(std::move(ip));
    }
  }
  if (addresses.empty()) {
    return Error(ClientErrc::ResolveFailed, host + ": no address");
  }
  return addresses;
}

/// The property query the TLS context of a client whose identity key is
/// `key` is created with. "" for a software key. For a key held by the tpm2
/// provider NOT crypto::propertyQueryFor's "?provider=tpm2,...", which breaks
/// TLS 1.2 on OpenSSL 3.0 with tpm2-openssl 1.1.x:
///  - SSL_CTX_new_ex loads the TLS groups a provider announces only if the
///    key manager fetched with the context's query comes from that provider
///    (ssl_load_groups). With "?provider=tpm2" the EC key manager is tpm2's,
///    and tpm2-openssl 1.1.x announces no TLS groups, so P-256/P-384/P-521
///    vanish: the client offers only X25519/X448.
///  - A TLS 1.2 server with an ECDSA certificate may use it only for a curve
///    the client lists (RFC 8422 §5.1): "no shared cipher"; and the client's
///    own P-256 certificate fails its check ("wrong curve"). TLS 1.3 only
///    worked because the server took X25519.
/// "?tpm2.signature=yes" prefers the tpm2 provider for signatures only (its
/// signature algorithms alone carry that property): the CertificateVerify is
/// made inside the TPM (OpenSSL 3.0 fetches the signature with the context's
/// query and cannot use a TPM key from "default": "missing private key"),
/// while key managers and key exchange tie and go to the provider loaded
/// first — "default", which crypto::loadProvider loads before any other —
/// so every group stays available and ephemeral ECDHE keys stay in software.
/// Digests, ciphers and random numbers are never the TPM's. Side effect: the
/// server's signatures are verified by the TPM too (a public-key operation).
std::string tlsPropertyQuery(const crypto::PrivateKey& key) {
  if (crypto::propertyQueryFor(key).empty()) {
    return {};
  }
  return "?tpm2.signature=yes,tpm2.digest!=yes,tpm2.cipher!=yes,tpm2.rand!=yes";
}

}  // namespace

std::string opensslErrors() {
  std::string text = crypto::drainOpensslErrors();
  return text.empty() ? "unknown OpenSSL error" : text;
}

bool isIpLiteral(const std::string& host) {
  beast::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

/// A TLS client context: TLS 1.2 or later, the device's certificate, chain
/// (D15) and key (an EVP_PKEY, possibly a TPM provider key: never exported),
/// and the anchors to verify the server with (D13, D37) or none (D38, D39).
Result<SslCtxPtr> makeClientContext(const TlsSetup& setup) {
  ERR_clear_error();
  // Created with the identity key's property query (see tlsPropertyQuery):
  // SSL_CTX_new_ex fixes the query for every operation of the context.
  const std::string propq =
      setup.identity != nullptr ? tlsPropertyQuery(setup.identity->key) : std::string();
  SslCtxPtr context(
      SSL_CTX_new_ex(nullptr, propq.empty() ? nullptr : propq.c_str(), TLS_client_method()));
  if (!context) {
    return Error(ClientErrc::InvalidRequest, "TLS setup: " + opensslErrors());
  }
  SSL_CTX* ctx = context.get();
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION);       // As asio's own constructor does.
  std::string groups = "X25519:P-256:X448:P-521:P-384";  // mutable: SSL_CTX_ctrl takes void*
  if (!propq.empty() && SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, groups.data()) != 1) {
    // The NIST curves are missing: the tpm2 provider was loaded before
    // "default" (e.g. by an OpenSSL configuration file), so the ties above
    // went its way. TLS 1.2 to an ECDSA server, and TLS 1.3 to a server
    // without X25519/X448, would fail later with an obscure alert.
    return Error(ClientErrc::InvalidRequest,
                 "TLS setup for the TPM-held identity key: the P-256/P-384/P-521 groups are "
                 "unavailable because the tpm2 OpenSSL provider was activated before the "
                 "default provider (load \"default\" first): " +
                     opensslErrors());
  }
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    return Error(ClientErrc::InvalidRequest, "TLS setup: " + opensslErrors());
  }
  if (setup.identity != nullptr) {
    const auto& identity = *setup.identity;
    if (SSL_CTX_use_certificate(ctx, identity.idevid.native()) != 1) {
      return Error(ClientErrc::InvalidRequest, "client certificate: " + opensslErrors());
    }
    for (const auto& certificate : identity.chain) {
      if (SSL_CTX_add1_chain_cert(ctx, certificate.native()) != 1) {
        return Error(ClientErrc::InvalidRequest, "client chain: " + opensslErrors());
      }
    }
    if (identity.key.native() == nullptr ||
        SSL_CTX_use_PrivateKey(ctx, identity.key.native()) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      return Error(ClientErrc::InvalidRequest,
                   "client key does not match the IDevID certificate: " + opensslErrors());
    }
  }
  if (setup.anchors.empty()) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  } else {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (const auto& anchor : setup.anchors) {
      if (X509_STORE_add_cert(store, anchor.native()) != 1) {
        return Error(ClientErrc::InvalidRequest, "trust anchor: " + opensslErrors());
      }
    }
    // An anchor may be an intermediate CA or the server certificate itself
    // (RFC 8572 trust-anchor is "a certificate", not necessarily a root).
    X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  return context;
}

int failureRank(const Error& error) {
  if (error == ClientErrc::ServerCertificateUntrusted || error == ClientErrc::ServerNameMismatch) {
    return 4;
  }
  if (error == ClientErrc::InvalidRequest) {
    return 5;
  }
  if (error == ClientErrc::TlsHandshakeFailed) {
    return 3;
  }
  if (error == ClientErrc::Timeout) {
    return 2;
  }
  return 1;
}

Status prepareClientSsl(SSL* ssl, const std::string& host, const TlsSetup& setup) {
  ERR_clear_error();
  if (!isIpLiteral(host)) {
    if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
      return Error(ClientErrc::InvalidRequest, "SNI: " + opensslErrors());
    }
  }
  if (!setup.anchors.empty()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int set = isIpLiteral(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                      : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    if (set != 1) {
      return Error(ClientErrc::InvalidRequest, "server name " + host + ": " + opensslErrors());
    }
  }
  return {};
}

Error handshakeError(SSL* ssl, const std::string& host, const TlsSetup& setup, bool timedOut,
                     const std::string& message) {
  const long verify = SSL_get_verify_result(ssl);
  if (!setup.anchors.empty() && verify != X509_V_OK) {
    const std::string reason = X509_verify_cert_error_string(verify);
    if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      return Error(ClientErrc::ServerNameMismatch,
                   "the certificate is not for " + host + ": " + reason);
    }
    return Error(ClientErrc::ServerCertificateUntrusted, reason);
  }
  if (timedOut) {
    return Error(ClientErrc::Timeout, "TLS handshake: no answer in time");
  }
  return Error(ClientErrc::TlsHandshakeFailed, message);
}

Result<std::vector<std::string>> resolveAddresses(const std::string& host, std::uint16_t port,
                                                  const TransportSettings& settings) {
  if (host.empty()) {
    return Error(ClientErrc::InvalidRequest, "empty host name");
  }
  if (isIpLiteral(host)) {
    return std::vector<std::string>{host};
  }
  auto addresses = settings.resolve ? settings.resolve(host)
                                    : systemResolve(host, port, settings.connectTimeout);
  if (addresses && addresses->empty()) {
    return Error(ClientErrc::ResolveFailed, host + ": no address");
  }
  return addresses;
}

}  // namespace sztp::client::detail
