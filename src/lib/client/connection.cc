#include "client/connection.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>

#include "client/client_error.h"
#include "client/wire.h"

namespace sztp::client::detail {
namespace {

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

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
  if (auto prepared = prepareClientSsl(ssl, host, setup); !prepared) {
    return std::move(prepared).error();
  }
  ec = impl->run(
      [&](auto handler) { impl->secure->async_handshake(asio::ssl::stream_base::client, handler); },
      deadline);
  if (ec) {
    return handshakeError(ssl, host, setup, ec == beast::error::timeout, ec.message());
  }
  return impl;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::string& host, std::uint16_t port,
                                                     const TlsSetup& setup,
                                                     const TransportSettings& settings) {
  std::shared_ptr<asio::ssl::context> context;
  if (setup.tls) {
    auto made = makeClientContext(setup);
    if (!made) {
      return std::move(made).error();
    }
    // asio::ssl::context takes ownership of the SSL_CTX.
    context = std::make_shared<asio::ssl::context>(made->release());
  }
  return tryEveryAddress<std::unique_ptr<Connection>>(
      host, port, settings,
      [&](const std::string& ip, SteadyTime deadline) -> Result<std::unique_ptr<Connection>> {
        auto impl = attempt(host, ip, port, setup, context, deadline);
        if (!impl) {
          return std::move(impl).error();
        }
        const bool trusted = setup.tls && !setup.anchors.empty();
        return std::unique_ptr<Connection>(
            new Connection(std::move(*impl), trusted, formatHostPort(ip, port)));
      });
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
