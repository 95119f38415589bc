#include "net/tests/test_client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "net/asio_config.h"

namespace sztp::net::testing {

using namespace sztp::net::detail;

class TestClient::Impl {
 public:
  explicit Impl(const ClientOptions& options)
      : options_(options), tls_(asio::ssl::context::tls_client), socket_(ioc_) {}

  bool connect(std::uint16_t port, std::chrono::milliseconds timeout) {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    bool done = false;
    beast::error_code result;
    socket_.async_connect(endpoint, [&](beast::error_code ec) {
      result = ec;
      done = true;
    });
    if (!runUntil(done, timeout) || result) {
      return false;
    }
    if (!options_.tls) {
      return true;
    }
    tls_.set_verify_mode(asio::ssl::verify_none);
    if (options_.maxVersion == "1.2") {
      SSL_CTX_set_max_proto_version(tls_.native_handle(), TLS1_2_VERSION);
    }
    if (!options_.clientChainPem.empty()) {
      beast::error_code ec;
      tls_.use_certificate_chain(asio::buffer(options_.clientChainPem), ec);
      tls_.use_private_key(asio::buffer(options_.clientKeyPem), asio::ssl::context::pem, ec);
      if (ec) {
        return false;
      }
    }
    stream_.emplace(std::move(socket_), tls_);
    done = false;
    stream_->async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec) {
      result = ec;
      done = true;
    });
    return runUntil(done, timeout) && !result;
  }

  template <class Operation>
  bool onStream(Operation&& operation) {
    if (stream_) {
      operation(*stream_);
    } else {
      operation(socket_);
    }
    return true;
  }

  bool send(std::string_view raw, std::chrono::milliseconds timeout) {
    bool done = false;
    beast::error_code result;
    onStream([&](auto& stream) {
      asio::async_write(stream, asio::buffer(raw.data(), raw.size()),
                        [&](beast::error_code ec, std::size_t) {
                          result = ec;
                          done = true;
                        });
    });
    return runUntil(done, timeout) && !result;
  }

  std::optional<ClientResponse> read(bool head, std::chrono::milliseconds timeout) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(512 * 1024 * 1024);
    parser.skip(head);
    bool done = false;
    beast::error_code result;
    onStream([&](auto& stream) {
      bhttp::async_read(stream, buffer_, parser, [&](beast::error_code ec, std::size_t) {
        result = ec;
        done = true;
      });
    });
    if (!runUntil(done, timeout) || result) {
      return std::nullopt;
    }
    auto message = parser.release();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(http::lowercase(field.name_string()),
                                    std::string(field.value()));
    }
    response.body = std::move(message.body());
    response.keepAlive = message.keep_alive();
    return response;
  }

  bool closedByServer(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char scratch[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      if (buffer_.size() > 0) {
        buffer_.consume(buffer_.size());
      }
      bool done = false;
      beast::error_code result;
      onStream([&](auto& stream) {
        stream.async_read_some(asio::buffer(scratch), [&](beast::error_code ec, std::size_t) {
          result = ec;
          done = true;
        });
      });
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (!runUntil(done, std::max(left, std::chrono::milliseconds(1)))) {
        return false;
      }
      if (result) {
        return true;
      }
    }
    return false;
  }

  Bytes serverCertificateDer() const {
    if (!stream_) {
      return {};
    }
    X509* certificate = SSL_get0_peer_certificate(
        const_cast<asio::ssl::stream<tcp::socket>&>(*stream_).native_handle());
    if (certificate == nullptr) {
      return {};
    }
    const int size = i2d_X509(certificate, nullptr);
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* out = der.data();
    i2d_X509(certificate, &out);
    return der;
  }

  std::string tlsVersion() const { return stream_ ? SSL_get_version(nativeHandle()) : ""; }

  std::string cipher() const { return stream_ ? SSL_get_cipher_name(nativeHandle()) : ""; }

 private:
  SSL* nativeHandle() const {
    return const_cast<asio::ssl::stream<tcp::socket>&>(*stream_).native_handle();
  }

  /// Runs the io_context until `done` or the timeout; on timeout cancels the
  /// operation (closing the socket) and returns false.
  bool runUntil(const bool& done, std::chrono::milliseconds timeout) {
    ioc_.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      ioc_.run_one_until(deadline);
    }
    if (!done) {
      beast::error_code ignored;
      lowest().cancel(ignored);
      ioc_.restart();
      ioc_.run_for(std::chrono::milliseconds(200));
      return false;
    }
    return true;
  }

  tcp::socket& lowest() { return stream_ ? stream_->next_layer() : socket_; }

  ClientOptions options_;
  asio::io_context ioc_;
  asio::ssl::context tls_;
  tcp::socket socket_;
  std::optional<asio::ssl::stream<tcp::socket>> stream_;
  beast::flat_buffer buffer_;
};

std::optional<std::string> ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::unique_ptr<TestClient> TestClient::connect(std::uint16_t port, const ClientOptions& options,
                                                std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>(options);
  if (!impl->connect(port, timeout)) {
    return nullptr;
  }
  return std::unique_ptr<TestClient>(new TestClient(std::move(impl)));
}

TestClient::TestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestClient::~TestClient() = default;

bool TestClient::send(std::string_view raw, std::chrono::milliseconds timeout) {
  return impl_->send(raw, timeout);
}

std::optional<ClientResponse> TestClient::read(bool head, std::chrono::milliseconds timeout) {
  return impl_->read(head, timeout);
}

std::optional<ClientResponse> TestClient::request(const std::string& method,
                                                  const std::string& target,
                                                  const http::Headers& headers,
                                                  const std::string& body) {
  if (!send(rawRequest(method, target, headers, body))) {
    return std::nullopt;
  }
  return read(method == "HEAD");
}

bool TestClient::closedByServer(std::chrono::milliseconds timeout) {
  return impl_->closedByServer(timeout);
}

Bytes TestClient::serverCertificateDer() const {
  return impl_->serverCertificateDer();
}

std::string TestClient::tlsVersion() const {
  return impl_->tlsVersion();
}

std::string TestClient::cipher() const {
  return impl_->cipher();
}

std::string rawRequest(const std::string& method, const std::string& target,
                       const http::Headers& headers, const std::string& body) {
  std::string raw = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  for (const auto& [name, value] : headers) {
    raw += name + ": " + value + "\r\n";
  }
  if (!body.empty()) {
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  raw += "\r\n" + body;
  return raw;
}

}  // namespace sztp::net::testing
