#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "fileserver/open_beneath.h"
#include "http/message.h"

namespace sztp::fileserver {

/// Decides whether a client may download; returns who it is (for the audit
/// record, "" if anonymous) or an Error whose reason code is sent back in the
/// audit record with a 403. Runs on a handler thread; may block.
using Authorize = std::function<Result<std::string>(const http::Request&, const http::Peer&)>;

struct FileServerSettings {
  /// The directory published. Only regular files beneath it are served.
  std::string root;
  /// The URL path the root is published at: "/" or e.g. "/images/" (leading
  /// and trailing '/'). Other paths get 404.
  std::string urlPrefix = "/";
  /// Extension (lowercase, no dot) → Content-Type, over the built-in table.
  std::map<std::string, std::string> contentTypes;
  /// Sent as Cache-Control on 200, 206 and 304 when not empty, e.g. "max-age=3600".
  std::string cacheControl;
  /// Optional: who may download (e.g. "a client certificate of our device
  /// CAs"). Unset: everyone the listener lets in.
  Authorize authorize;
  /// Path resolution; Auto except in tests.
  ResolveMode resolve = ResolveMode::Auto;
};

/// The deployment file server (docs/file-server.md): an http::Handler that
/// serves boot images, scripts and configuration from a directory with GET
/// and HEAD, single byte ranges (206/416), ETag and Last-Modified validators
/// (304/412), and Content-Type by extension. No directory listing; paths are
/// decoded strictly (http::decodePathSegments) and opened beneath the root so
/// that neither "..", encodings of it, nor symbolic links can leave it.
/// Bodies are http::FileBody: the transport streams them from disk.
/// Copies share the open root directory.
class FileServer {
 public:
  /// Fails with FileServerErrc::RootUnusable when the root is not a readable directory.
  static Result<FileServer> create(FileServerSettings settings);

  http::Response handle(const http::Request& request, const http::Peer& peer) const;

  /// The handler for HttpServer (holds a copy of this server).
  http::Handler handler() const;

 private:
  struct Root;
  FileServer(FileServerSettings settings, std::shared_ptr<const Root> root);

  FileServerSettings settings_;
  std::shared_ptr<const Root> root_;
};

}  // namespace sztp::fileserver
