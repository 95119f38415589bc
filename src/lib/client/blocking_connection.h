#pragma once

// Internal to sztp_client: one HTTP/1.1 exchange over a TCP socket and
// OpenSSL directly, with poll() for every deadline and no Asio — the boot
// image downloader's connection. Bulk data pays one SSL_read per TLS record
// here and nothing more; through Asio's ssl::stream it paid an asynchronous
// round trip per record (docs/performance.md, "Device agent"). Connecting,
// the TLS setup and the server's authentication are tls_client.h's, the same
// as the RESTCONF Connection's.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "client/tls_client.h"
#include "common/result.h"
#include "net/asio_config.h"

namespace sztp::client::detail {

class BlockingConnection {
 public:
  using Header = net::detail::bhttp::response_header<>;

  /// Every address of `host` in turn (D36), as Connection::open.
  static Result<std::unique_ptr<BlockingConnection>> open(const std::string& host,
                                                          std::uint16_t port, const TlsSetup& setup,
                                                          const TransportSettings& settings);
  ~BlockingConnection();
  BlockingConnection(const BlockingConnection&) = delete;
  BlockingConnection& operator=(const BlockingConnection&) = delete;

  /// "192.0.2.1:443" / "[2001:db8::1]:443", the address that answered.
  const std::string& address() const { return address_; }

  /// Sends the whole request.
  Status write(const std::string& request, SteadyTime deadline);
  /// Reads the answer's header (at most 16 KiB: AnswerTooLarge beyond).
  Status readHeader(SteadyTime deadline);
  const Header& header() const;
  /// The header's Content-Length; none for chunked or close-delimited bodies.
  std::optional<std::uint64_t> contentLength() const;
  /// Fills up to `size` octets of the body and sets `got` — also on failure,
  /// so that what arrived before a cut is kept — and `done` once the body is
  /// complete. A body cut short (EOF before Content-Length, a TLS close
  /// without close_notify, a chunked body that stops) is AnswerTruncated.
  Status readBody(char* data, std::size_t size, SteadyTime deadline, std::size_t& got, bool& done);

  class Impl;

 private:
  BlockingConnection(std::unique_ptr<Impl> impl, std::string address);
  std::unique_ptr<Impl> impl_;
  std::string address_;
};

}  // namespace sztp::client::detail
