#pragma once

// A fake HTTPS peer for the agent's error paths that the real sztp-server
// never produces (issue 4, "Tests": "against a fake server for every error
// path"): answers cut short, oversized, tampered, looping, and a file server
// that drops a download half-way. It speaks just enough HTTP/1.1 over TLS
// (Boost.Asio SSL with the suite's tls/server.{crt,key}, 127.0.0.1, port 0)
// for the agent's client, records every request, and lets a test's handler
// write whatever bytes it wants, then end the connection cleanly or not.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sztp::agent::e2e {

/// One request as the fake server received it; header names in lower case.
struct FakeRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;
  std::string body;
  std::optional<std::string> header(const std::string& name) const;
};

/// The answer a handler gives: raw bytes, then how the connection continues.
struct FakeReply {
  enum class End {
    KeepAlive,  ///< Wait for the next request on this connection.
    Close,      ///< TLS close_notify, then close.
    Abort,      ///< Close the TCP connection without close_notify (a cut network).
  };
  std::string bytes;
  End end = End::KeepAlive;
  /// After `bytes`, called repeatedly with a sink until it returns false or a
  /// write fails (the peer went away): for answers too large to hold.
  std::function<bool(const std::function<bool(std::string_view)>& write)> stream;
};

/// A complete HTTP/1.1 response with Content-Length.
FakeReply httpResponse(int status, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers = {});
/// 200 with a yang-data+json body (a RESTCONF RPC answer).
FakeReply yangJson(const std::string& body);

class FakeServer {
 public:
  using Handler = std::function<FakeReply(const FakeRequest&)>;

  /// Listens on 127.0.0.1, port 0, with the certificate chain and key
  /// (PEM files); `handler` runs on the connection's thread, one at a time.
  FakeServer(const std::filesystem::path& certificateChain, const std::filesystem::path& key,
             Handler handler);
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  /// Replaces the handler (e.g. once the answer can name this server's port).
  void setHandler(Handler handler);
  std::uint16_t port() const;
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port()); }
  /// Every request so far, in arrival order.
  std::vector<FakeRequest> requests() const;
  /// Those whose target ends with `suffix` (e.g. ":report-progress").
  std::vector<FakeRequest> requestsTo(std::string_view suffix) const;
  /// Octets written by `FakeReply::stream` so far, over all connections.
  std::uint64_t streamed() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// The RESTCONF RPC paths the agent posts to (the fallback root /restconf).
inline constexpr std::string_view kGetBootstrappingData =
    "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
inline constexpr std::string_view kReportProgress =
    "/restconf/operations/ietf-sztp-bootstrap-server:report-progress";

}  // namespace sztp::agent::e2e
