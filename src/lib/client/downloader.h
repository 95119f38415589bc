#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "agent/ports.h"
#include "client/transport_settings.h"
#include "crypto/certificate.h"

namespace sztp::client {

struct DownloaderSettings {
  TransportSettings transport;
  /// Anchors to authenticate https file servers with (chain + host name).
  /// EMPTY MEANS THE FILE SERVER IS NOT AUTHENTICATED, which RFC 8572 §5.6
  /// allows (D45): the image is verified by its hash (D46) instead.
  std::vector<crypto::Certificate> trustAnchors;
  /// A client certificate to present, for file servers that want one.
  std::optional<agent::DeviceIdentity> clientIdentity;
  /// Plain http:// URIs, for labs only; off by default (the caller should log
  /// when it turns this on).
  bool allowHttp = false;
  /// Redirects followed per download; only to the same scheme.
  int maxRedirects = 5;
  /// Each of the four buffers between the receiving thread and the writer
  /// thread (memory stays constant whatever the image size).
  std::size_t bufferBytes = 256 * 1024;
};

/// Boot-image downloads over HTTPS (OpenSSL on a blocking socket, Beast's
/// HTTP parser), streamed to `destinationPath + ".part"` through fixed
/// buffers while SHA-256 is computed in-process as the octets arrive (D46):
/// the calling thread receives and decrypts, a second thread writes and
/// hashes. An existing .part is
/// hashed and continued with "Range: bytes=N-" (and If-Range with the
/// validator kept in `destinationPath + ".part.validator"`); a 200 answer to
/// that starts over. The final digest must equal one of request.sha256 when
/// any are given: on a mismatch the file is deleted (download-hash-mismatch);
/// on a match it is fsynced and renamed to destinationPath. A connection lost
/// mid-body keeps the .part for the next attempt. Not thread-safe.
///
/// Errors (ClientErrc): invalid-request (URI), download-failed (scheme,
/// redirect, range, file I/O), http-status, download-too-large (maxBytes or
/// more than Content-Length), download-hash-mismatch, the connection errors
/// of the RESTCONF client, timeout (request.timeout as a whole, or
/// transport.requestTimeout without a single octet).
class HttpsDownloader final : public agent::Downloader {
 public:
  explicit HttpsDownloader(DownloaderSettings settings);
  Result<agent::DownloadResult> download(const agent::DownloadRequest& request) override;

 private:
  DownloaderSettings settings_;
};

}  // namespace sztp::client
