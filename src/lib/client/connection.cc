#include "client/connection.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "client/client_error.h"
#include "client/wire.h"
#include "crypto/providers.h"

namespace sztp::client::detail {
namespace {

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

bool isIpLiteral(const std::string& host) {
  beast::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

std::string opensslErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    if (!text.empty()) {
      text += "; ";
    }
    text += line;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

bool isHttpCategory(const beast::error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::end_of_stream).category();
}

/// Maps a failed read of an answer to the client's reasons.
Error readError(const beast::error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout) {
    return Error(ClientErrc::Timeout, what + ": no complete answer in time");
  }
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
      ec == bhttp::error::buffer_overflow) {
    return Error(ClientErrc::AnswerTooLarge, what + ": " + ec.message());
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
      ec == asio::error::connection_reset) {
    return Error(ClientErrc::AnswerTruncated, what + ": " + ec.message());
  }
  if (isHttpCategory(ec)) {
    return Error(ClientErrc::AnswerMalformed, what + ": " + ec.message());
  }
  return Error(ClientErrc::AnswerTruncated, what + ": " + ec.message());
}

/// How telling an attempt's failure is: the error of the best-ranked attempt
/// is reported (an untrusted certificate says more than a refused connection).
int rank(const Error& error) {
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

/// A TLS client context: TLS 1.2 or later, the device's certificate, chain
/// (D15) and key (an EVP_PKEY, possibly a TPM provider key: never exported),
/// and the anchors to verify the server with (D13, D37) or none (D38, D39).
Result<std::shared_ptr<asio::ssl::context>> makeContext(const TlsSetup& setup) {
  ERR_clear_error();
  // Created with the identity key's property query (see tlsPropertyQuery):
  // SSL_CTX_new_ex fixes the query for every operation of the context.
  const std::string propq =
      setup.identity != nullptr ? tlsPropertyQuery(setup.identity->key) : std::string();
  SSL_CTX* created =
      SSL_CTX_new_ex(nullptr, propq.empty() ? nullptr : propq.c_str(), TLS_client_method());
  if (created == nullptr) {
    return Error(ClientErrc::InvalidRequest, "TLS setup: " + opensslErrors());
  }
  // Owns `created` from here on (asio::ssl::context frees it).
  auto context = std::make_shared<asio::ssl::context>(created);
  SSL_CTX* ctx = context->native_handle();
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

}  // namespace

std::string mediaType(std::string_view contentType) {
  const auto semicolon = contentType.find(';');
  std::string_view type = contentType.substr(0, semicolon);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.remove_suffix(1);
  }
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) {
    type.remove_prefix(1);
  }
  std::string out(type);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Connection::Impl {
 public:
  Impl(std::shared_ptr<asio::ssl::context> context) : context_(std::move(context)) {
    if (context_) {
      secure.emplace(ioc, *context_);
    } else {
      plain.emplace(ioc);
    }
  }

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  /// Starts one asynchronous operation and runs the io_context until it
  /// completes; the stream's expiry turns a missed deadline into
  /// beast::error::timeout and closes the socket.
  template <class Start>
  beast::error_code run(Start&& start, SteadyTime deadline) {
    lowest().expires_at(deadline);
    beast::error_code result = asio::error::would_block;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc.restart();
    while (!done && ioc.run_one() > 0) {
    }
    return result;
  }

  template <class Operation>
  void onStream(Operation&& operation) {
    if (secure) {
      operation(*secure);
    } else {
      operation(*plain);
    }
  }

  asio::io_context ioc;
  std::shared_ptr<asio::ssl::context> context_;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
};

namespace {

/// One address: TCP connect, then the TLS handshake with server verification.
Result<std::unique_ptr<Connection::Impl>> attempt(const std::string& host, const std::string& ip,
                                                  std::uint16_t port, const TlsSetup& setup,
                                                  const std::shared_ptr<asio::ssl::context>& ctx,
                                                  SteadyTime deadline) {
  auto impl = std::make_unique<Connection::Impl>(setup.tls ? ctx : nullptr);
  beast::error_code parse;
  const tcp::endpoint endpoint(asio::ip::make_address(ip, parse), port);
  if (parse) {
    return Error(ClientErrc::ResolveFailed, "not an IP address: " + ip);
  }
  auto ec =
      impl->run([&](auto handler) { impl->lowest().async_connect(endpoint, handler); }, deadline);
  if (ec == beast::error::timeout) {
    return Error(ClientErrc::Timeout, "connect: no answer in time");
  }
  if (ec) {
    return Error(ClientErrc::ConnectFailed, "connect: " + ec.message());
  }
  beast::error_code ignored;
  impl->lowest().socket().set_option(tcp::no_delay(true), ignored);
  if (!setup.tls) {
    return impl;
  }
  SSL* ssl = impl->secure->native_handle();
  ERR_clear_error();
  if (!isIpLiteral(host)) {
    // SNI only for names (RFC 6066 §3 forbids literal addresses).
    if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
      return Error(ClientErrc::InvalidRequest, "SNI: " + opensslErrors());
    }
  }
  if (!setup.anchors.empty()) {
    // RFC 6125: the certificate must name the host the device was told to
    // contact (a DNS name, or an IP address when the URI holds one).
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int set = isIpLiteral(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                      : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    if (set != 1) {
      return Error(ClientErrc::InvalidRequest, "server name " + host + ": " + opensslErrors());
    }
  }
  ec = impl->run(
      [&](auto handler) { impl->secure->async_handshake(asio::ssl::stream_base::client, handler); },
      deadline);
  if (ec) {
    const long verify = SSL_get_verify_result(ssl);
    if (!setup.anchors.empty() && verify != X509_V_OK) {
      const std::string reason = X509_verify_cert_error_string(verify);
      if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        return Error(ClientErrc::ServerNameMismatch,
                     "the certificate is not for " + host + ": " + reason);
      }
      return Error(ClientErrc::ServerCertificateUntrusted, reason);
    }
    if (ec == beast::error::timeout) {
      return Error(ClientErrc::Timeout, "TLS handshake: no answer in time");
    }
    return Error(ClientErrc::TlsHandshakeFailed, ec.message());
  }
  return impl;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::string& host, std::uint16_t port,
                                                     const TlsSetup& setup,
                                                     const TransportSettings& settings) {
  if (host.empty()) {
    return Error(ClientErrc::InvalidRequest, "empty host name");
  }
  std::shared_ptr<asio::ssl::context> context;
  if (setup.tls) {
    auto made = makeContext(setup);
    if (!made) {
      return std::move(made).error();
    }
    context = std::move(*made);
  }
  Result<std::vector<std::string>> addresses = std::vector<std::string>{host};
  if (!isIpLiteral(host)) {
    addresses = settings.resolve ? settings.resolve(host)
                                 : systemResolve(host, port, settings.connectTimeout);
    if (!addresses) {
      return std::move(addresses).error();
    }
    if (addresses->empty()) {
      return Error(ClientErrc::ResolveFailed, host + ": no address");
    }
  }
  // D36: every address is tried once before giving up on the server.
  std::optional<Error> best;
  std::string tried;
  for (const auto& ip : *addresses) {
    const auto deadline = std::chrono::steady_clock::now() + settings.connectTimeout;
    auto impl = attempt(host, ip, port, setup, context, deadline);
    const std::string address = formatHostPort(ip, port);
    if (impl) {
      const bool trusted = setup.tls && !setup.anchors.empty();
      return std::unique_ptr<Connection>(new Connection(std::move(*impl), trusted, address));
    }
    if (!tried.empty()) {
      tried += "; ";
    }
    tried +=
        address + " " + std::string(impl.error().reason()) + " (" + impl.error().detail() + ")";
    if (!best || rank(impl.error()) > rank(*best)) {
      best = impl.error();
    }
  }
  return Error(best->code(), host + ": " + tried);
}

Connection::Connection(std::unique_ptr<Impl> impl, bool trusted, std::string address)
    : impl_(std::move(impl)), trusted_(trusted), address_(std::move(address)) {}

Connection::~Connection() = default;

Status Connection::write(bhttp::request<bhttp::string_body>& request, SteadyTime deadline) {
  const auto ec = impl_->run(
      [&](auto handler) {
        impl_->onStream([&](auto& stream) { bhttp::async_write(stream, request, handler); });
      },
      deadline);
  if (ec == beast::error::timeout) {
    return Error(ClientErrc::Timeout, "sending the request took too long");
  }
  if (ec) {
    return Error(ClientErrc::AnswerTruncated, "sending the request: " + ec.message());
  }
  return {};
}

Result<StringAnswer> Connection::readString(std::size_t maxBody, SteadyTime deadline) {
  const std::string what = "reading the answer from " + address_;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(maxBody);
  // The header first, then the Content-Length is checked here: Beast 1.74's
  // eager parser (async_read) skips the body_limit check for a Content-Length
  // that arrives in the same buffer as its body. Chunked and close-delimited
  // bodies are still bounded by body_limit.
  auto ec = impl_->run(
      [&](auto handler) {
        impl_->onStream([&](auto& stream) {
          bhttp::async_read_header(stream, impl_->buffer, parser, handler);
        });
      },
      deadline);
  if (ec) {
    return readError(ec, what);
  }
  if (const auto length = parser.content_length(); length && *length > maxBody) {
    return Error(ClientErrc::AnswerTooLarge, what + ": Content-Length " + std::to_string(*length) +
                                                 " is over the limit of " +
                                                 std::to_string(maxBody));
  }
  ec = impl_->run(
      [&](auto handler) {
        impl_->onStream(
            [&](auto& stream) { bhttp::async_read(stream, impl_->buffer, parser, handler); });
      },
      deadline);
  if (ec) {
    return readError(ec, what);
  }
  auto message = parser.release();
  StringAnswer answer;
  answer.status = static_cast<int>(message.result_int());
  answer.contentType = mediaType(message[bhttp::field::content_type]);
  answer.keepAlive = message.keep_alive();
  answer.body = std::move(message.body());
  return answer;
}

Status Connection::readHeader(bhttp::response_parser<bhttp::buffer_body>& parser,
                              SteadyTime deadline) {
  parser.header_limit(kMaxHeaderBytes);
  const auto ec = impl_->run(
      [&](auto handler) {
        impl_->onStream([&](auto& stream) {
          bhttp::async_read_header(stream, impl_->buffer, parser, handler);
        });
      },
      deadline);
  if (ec) {
    return readError(ec, "reading the answer from " + address_);
  }
  return {};
}

Status Connection::readBody(bhttp::response_parser<bhttp::buffer_body>& parser, char* data,
                            std::size_t size, SteadyTime deadline, std::size_t& got) {
  got = 0;
  if (parser.is_done()) {
    return {};
  }
  auto& body = parser.get().body();
  body.data = data;
  body.size = size;
  auto ec = impl_->run(
      [&](auto handler) {
        impl_->onStream(
            [&](auto& stream) { bhttp::async_read(stream, impl_->buffer, parser, handler); });
      },
      deadline);
  got = size - body.size;
  if (ec == bhttp::error::need_buffer) {
    ec = {};
  }
  if (ec) {
    return readError(ec, "reading the body from " + address_);
  }
  return {};
}

}  // namespace sztp::client::detail
