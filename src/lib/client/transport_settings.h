#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"

namespace sztp::client {

/// Returns the addresses (IP literals, in the order to try) of a host name.
/// Tests inject one; the default asks the system resolver (getaddrinfo, in
/// the order RFC 6724 sorts them) with the connect timeout as its limit.
using ResolveHook = std::function<Result<std::vector<std::string>>(const std::string& host)>;

/// Time limits and identification shared by the RESTCONF client and the downloader.
struct TransportSettings {
  /// Per address: name resolution, TCP connect and TLS handshake together.
  std::chrono::milliseconds connectTimeout{10'000};
  /// Per request: writing it and reading the whole answer (RESTCONF), or the
  /// longest time a download may receive nothing (downloads are also bounded
  /// by DownloadRequest::timeout as a whole).
  std::chrono::milliseconds requestTimeout{30'000};
  std::string userAgent = "sztp-agent/1";
  ResolveHook resolve;  ///< Unset: the system resolver.
};

}  // namespace sztp::client
