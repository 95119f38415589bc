#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "http/message.h"

namespace sztp::net::testing {

struct ClientOptions {
  bool tls = false;
  std::string clientChainPem;  ///< Sent as the client certificate chain (leaf first) if set.
  std::string clientKeyPem;
  std::string maxVersion;  ///< "1.2" to force TLS 1.2.
};

struct ClientResponse {
  int status = 0;
  http::Headers headers;  ///< Names lowercased.
  std::string body;
  bool keepAlive = true;

  std::optional<std::string> header(std::string_view name) const;
};

/// A small HTTP/1.1 client on Beast/Asio for the transport tests: raw writes
/// (to send malformed, slow or oversized requests), reads with a time limit,
/// and TLS with an optional client certificate chain. Server certificates are
/// not verified (the tests inspect them instead).
class TestClient {
 public:
  static std::unique_ptr<TestClient> connect(
      std::uint16_t port, const ClientOptions& options = {},
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~TestClient();

  /// Writes raw octets; false on error or timeout.
  bool send(std::string_view raw, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Reads one response; nullopt on error, end of stream or timeout.
  std::optional<ClientResponse> read(bool head = false,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Sends a request with Host and Content-Length, then reads its response.
  std::optional<ClientResponse> request(const std::string& method, const std::string& target,
                                        const http::Headers& headers = {},
                                        const std::string& body = {});
  /// Waits until the server closes the connection (end of stream, reset or
  /// TLS close); true if it did within `timeout`. Discards data received.
  bool closedByServer(std::chrono::milliseconds timeout);

  Bytes serverCertificateDer() const;
  std::string tlsVersion() const;
  std::string cipher() const;

  class Impl;

 private:
  explicit TestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The raw text of a request with Host and (for a body) Content-Length.
std::string rawRequest(const std::string& method, const std::string& target,
                       const http::Headers& headers = {}, const std::string& body = {});

}  // namespace sztp::net::testing
