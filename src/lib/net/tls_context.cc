#include "net/tls_context.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "net/net_error.h"

namespace sztp::net::detail {
namespace {

/// Drains OpenSSL's error queue into one line for the Error detail.
std::string opensslErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) {
      text += "; ";
    }
    text += buffer;
  }
  return text;
}

std::optional<int> protocolVersion(std::string_view text) {
  if (text == "1.2") {
    return TLS1_2_VERSION;
  }
  if (text == "1.3") {
    return TLS1_3_VERSION;
  }
  return std::nullopt;
}

/// Accepts whatever chain the client sends: trust is the handler's decision,
/// so that a device of an unknown CA gets an HTTP 401 it can report, not a
/// handshake failure it cannot explain (S14).
int acceptAnyClientChain(int /*preverifyOk*/, X509_STORE_CTX* /*store*/) {
  return 1;
}

/// SSL_CTX_set1_groups_list and friends, whose macros cast away const (a
/// -Wcast-qual error with clang): the same control call on a mutable copy.
long setList(SSL_CTX* native, int command, const std::string& list) {
  std::string copy = list;
  return SSL_CTX_ctrl(native, command, 0, copy.data());
}

Status configureProtocol(SSL_CTX* native, const TlsSettings& settings) {
  const auto minVersion = protocolVersion(settings.minVersion);
  const auto maxVersion =
      settings.maxVersion.empty() ? std::optional<int>(0) : protocolVersion(settings.maxVersion);
  if (!minVersion || !maxVersion) {
    return Error(NetErrc::TlsSettingsInvalid, "TLS versions must be \"1.2\" or \"1.3\" (min '" +
                                                  settings.minVersion + "', max '" +
                                                  settings.maxVersion + "')");
  }
  if (*maxVersion != 0 && *maxVersion < *minVersion) {
    return Error(NetErrc::TlsSettingsInvalid, "the maximum TLS version is below the minimum");
  }
  SSL_CTX_set_min_proto_version(native, *minVersion);
  SSL_CTX_set_max_proto_version(native, *maxVersion);

  // No renegotiation at all (a client-triggered CPU cost, and a way to swap
  // the client certificate mid-connection).
  std::uint64_t options =
      SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE;
  if (!settings.sessionTickets) {
    // TLS 1.2: no tickets at all. TLS 1.3: stateful tickets instead, which the
    // settings below turn off too unless the cache is wanted.
    options |= SSL_OP_NO_TICKET;
  }
  SSL_CTX_set_options(native, options);
  if (settings.sessionCache) {
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_SERVER);
    // Required for resumption when client certificates are requested.
    static const unsigned char kContext[] = "sztp";
    SSL_CTX_set_session_id_context(native, kContext, sizeof kContext - 1);
  } else {
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    if (!settings.sessionTickets) {
      SSL_CTX_set_num_tickets(native, 0);  // No TLS 1.3 NewSessionTicket messages at all.
    }
  }
  // Idle connections keep no 34 KiB read/write buffers (many devices, mostly idle).
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);

  if (SSL_CTX_set_cipher_list(native, settings.cipherList.c_str()) != 1) {
    return Error(NetErrc::TlsSettingsInvalid,
                 "cipher list '" + settings.cipherList + "': " + opensslErrors());
  }
  if (SSL_CTX_set_ciphersuites(native, settings.cipherSuites.c_str()) != 1) {
    return Error(NetErrc::TlsSettingsInvalid,
                 "cipher suites '" + settings.cipherSuites + "': " + opensslErrors());
  }
  if (!settings.groups.empty() && setList(native, SSL_CTRL_SET_GROUPS_LIST, settings.groups) != 1) {
    return Error(NetErrc::TlsSettingsInvalid,
                 "groups '" + settings.groups + "': " + opensslErrors());
  }
  if (!settings.signatureAlgorithms.empty() &&
      (setList(native, SSL_CTRL_SET_SIGALGS_LIST, settings.signatureAlgorithms) != 1 ||
       setList(native, SSL_CTRL_SET_CLIENT_SIGALGS_LIST, settings.signatureAlgorithms) != 1)) {
    return Error(NetErrc::TlsSettingsInvalid,
                 "signature algorithms '" + settings.signatureAlgorithms + "': " + opensslErrors());
  }

  switch (settings.clientCert) {
    case TlsSettings::ClientCert::None:
      SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
      break;
    case TlsSettings::ClientCert::Request:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER, acceptAnyClientChain);
      break;
    case TlsSettings::ClientCert::Require:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         acceptAnyClientChain);
      break;
  }
  return {};
}

/// An encrypted key fails to load instead of OpenSSL's default of prompting
/// on the controlling terminal.
int refusePassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) {
  return 0;
}

Status configureIdentity(asio::ssl::context& context, const TlsSettings& settings) {
  if (settings.certificateChainPem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Error(NetErrc::TlsCertificateInvalid, "no PEM certificate found");
  }
  boost::system::error_code ec;
  context.use_certificate_chain(asio::buffer(settings.certificateChainPem), ec);
  if (ec) {
    return Error(NetErrc::TlsCertificateInvalid, ec.message() + " " + opensslErrors());
  }
  // Read the key apart from installing it, so a key that does not parse and a
  // key of another certificate get their own reason codes.
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(settings.privateKeyPem.data(),
                      static_cast<int>(settings.privateKeyPem.size())),
      BIO_free);
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr) : nullptr,
      EVP_PKEY_free);
  if (!key) {
    return Error(NetErrc::TlsKeyInvalid, opensslErrors());
  }
  if (SSL_CTX_use_PrivateKey(context.native_handle(), key.get()) != 1 ||
      SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return Error(NetErrc::TlsKeyMismatch, opensslErrors());
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> makeTlsContext(const TlsSettings& settings) {
  ERR_clear_error();
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  if (auto status = configureProtocol(context->native_handle(), settings); !status) {
    ERR_clear_error();
    return std::move(status).error();
  }
  if (auto status = configureIdentity(*context, settings); !status) {
    ERR_clear_error();
    return std::move(status).error();
  }
  return context;
}

void describeTlsPeer(TlsStream& stream, http::Peer& peer) {
  SSL* ssl = stream.native_handle();
  peer.tls = true;
  peer.tlsVersion = SSL_get_version(ssl);
  peer.cipher = SSL_get_cipher_name(ssl);
  peer.clientCertificates.clear();
  auto append = [&peer](X509* certificate) {
    const int size = i2d_X509(certificate, nullptr);
    if (size <= 0) {
      return;
    }
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* out = der.data();
    if (i2d_X509(certificate, &out) == size) {
      peer.clientCertificates.push_back(std::move(der));
    }
  };
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr) {
    return;
  }
  append(leaf);
  // On a server, SSL_get_peer_cert_chain() holds the rest of the chain as sent,
  // without the leaf (see its manual page).
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      X509* certificate = sk_X509_value(chain, i);
      if (X509_cmp(certificate, leaf) != 0) {
        append(certificate);
      }
    }
  }
}

}  // namespace sztp::net::detail
