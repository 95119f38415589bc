#pragma once

// Internal to sztp_client: one HTTP/1.1 connection (plain or TLS) driven
// synchronously over Boost.Asio/Beast, with a deadline on every operation —
// the RESTCONF client's. Boot images go through BlockingConnection instead
// (blocking_connection.h), which moves bulk data with far less overhead.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/ports.h"
#include "client/tls_client.h"
#include "client/transport_settings.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "net/asio_config.h"

namespace sztp::client::detail {

namespace asio = net::detail::asio;
namespace beast = net::detail::beast;
namespace bhttp = net::detail::bhttp;
using tcp = net::detail::tcp;

/// A read answer with a body held in memory.
struct StringAnswer {
  int status = 0;
  std::string contentType;  ///< Lowercase media type without parameters; "" when absent.
  std::string body;
  bool keepAlive = false;
};

class Connection {
 public:
  /// Resolves `host` and tries every address in turn until one connects and
  /// completes the TLS handshake (D36). Fails with the most telling error of
  /// all attempts, every attempt listed in the detail.
  static Result<std::unique_ptr<Connection>> open(const std::string& host, std::uint16_t port,
                                                  const TlsSetup& setup,
                                                  const TransportSettings& settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// True iff TLS with anchors, and the server certificate validated (D13).
  bool trusted() const { return trusted_; }
  /// "192.0.2.1:443" / "[2001:db8::1]:443", the address that answered.
  const std::string& address() const { return address_; }

  Status write(bhttp::request<bhttp::string_body>& request, SteadyTime deadline);
  /// Reads one answer; the body is capped at `maxBody` (AnswerTooLarge).
  Result<StringAnswer> readString(std::size_t maxBody, SteadyTime deadline);

  /// Streaming: the header first, then body pieces into the caller's buffer.
  Status readHeader(bhttp::response_parser<bhttp::buffer_body>& parser, SteadyTime deadline);
  /// Fills up to `size` octets and sets `got` to how many — also when it
  /// fails, so that what arrived before a cut is not lost.
  Status readBody(bhttp::response_parser<bhttp::buffer_body>& parser, char* data, std::size_t size,
                  SteadyTime deadline, std::size_t& got);

  class Impl;

 private:
  explicit Connection(std::unique_ptr<Impl> impl, bool trusted, std::string address);
  std::unique_ptr<Impl> impl_;
  bool trusted_ = false;
  std::string address_;
};

/// The media type of a Content-Type value, lowercase, without parameters.
std::string mediaType(std::string_view contentType);

}  // namespace sztp::client::detail
