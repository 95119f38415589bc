#include "client/downloader.h"

#include <algorithm>
#include <sstream>

#include "client/blocking_connection.h"
#include "client/client_error.h"
#include "client/part_file.h"
#include "client/wire.h"
#include "common/hex.h"

namespace sztp::client {
namespace {

namespace bhttp = net::detail::bhttp;
using detail::BlockingConnection;
using detail::PartFile;
using detail::SteadyTime;

SteadyTime earliest(SteadyTime a, SteadyTime b) {
  return std::min(a, b);
}

bool isRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

HttpsDownloader::HttpsDownloader(DownloaderSettings settings) : settings_(std::move(settings)) {
  settings_.bufferBytes = std::max<std::size_t>(settings_.bufferBytes, 4096);
}

Result<agent::DownloadResult> HttpsDownloader::download(const agent::DownloadRequest& request) {
  auto uri = parseHttpUri(request.uri);
  if (!uri) {
    return std::move(uri).error();
  }
  if (!uri->tls && !settings_.allowHttp) {
    return Error(ClientErrc::DownloadFailed,
                 "plain http is not allowed (only for labs, when enabled): " + request.uri);
  }
  if (request.destinationPath.empty()) {
    return Error(ClientErrc::InvalidRequest, "no destination path");
  }
  const auto overall = std::chrono::steady_clock::now() + request.timeout;
  auto opened = PartFile::open(request.destinationPath, settings_.bufferBytes);
  if (!opened) {
    return std::move(opened).error();
  }
  PartFile& part = **opened;
  if (request.maxBytes != 0 && part.size() > request.maxBytes) {
    if (auto restarted = part.restart(); !restarted) {
      return std::move(restarted).error();
    }
  }
  std::string validator = part.size() > 0 ? part.validator() : std::string();

  detail::TlsSetup setup;
  setup.anchors = settings_.trustAnchors;
  setup.identity = settings_.clientIdentity ? &*settings_.clientIdentity : nullptr;

  agent::DownloadResult result;
  std::optional<std::uint64_t> total;
  bool restartedOnce = false;
  bool complete = false;
  int redirects = 0;
  while (!complete) {
    setup.tls = uri->tls;
    auto connection = BlockingConnection::open(uri->host, uri->port, setup, settings_.transport);
    if (!connection) {
      return std::move(connection).error().addContext("download " + request.uri);
    }
    bhttp::request<bhttp::string_body> get{bhttp::verb::get, uri->target, 11};
    get.set(bhttp::field::host, hostHeader(*uri));
    get.set(bhttp::field::user_agent, settings_.transport.userAgent);
    get.set(bhttp::field::accept, "*/*");
    get.set(bhttp::field::accept_encoding, "identity");
    const bool ranged = part.size() > 0;
    if (ranged) {
      get.set(bhttp::field::range, "bytes=" + std::to_string(part.size()) + "-");
      if (!validator.empty()) {
        get.set(bhttp::field::if_range, validator);
      }
    }
    get.keep_alive(false);
    get.prepare_payload();
    const auto requestDeadline = [&] {
      return earliest(std::chrono::steady_clock::now() + settings_.transport.requestTimeout,
                      overall);
    };
    std::ostringstream wire;
    wire << get;
    if (auto sent = (*connection)->write(wire.str(), requestDeadline()); !sent) {
      return std::move(sent).error().addContext("download " + request.uri);
    }
    if (auto header = (*connection)->readHeader(requestDeadline()); !header) {
      return std::move(header).error().addContext("download " + request.uri);
    }
    const auto& response = (*connection)->header();
    const int status = static_cast<int>(response.result_int());

    if (isRedirect(status)) {
      const std::string location(response[bhttp::field::location]);
      if (++redirects > settings_.maxRedirects) {
        return Error(ClientErrc::DownloadFailed, "too many redirects for " + request.uri);
      }
      if (!location.empty() && location.front() == '/' &&
          (location.size() < 2 || location[1] != '/')) {
        uri->target = location;
        continue;
      }
      auto next = parseHttpUri(location);
      if (!next || next->tls != uri->tls) {
        // Never from https to http (or elsewhere): the redirect could strip TLS.
        return Error(ClientErrc::DownloadFailed,
                     "redirect refused (another scheme or not a URI): " + location);
      }
      *uri = std::move(*next);
      continue;
    }

    if (status == 416 && ranged) {
      // What we hold may be the whole file already; otherwise start over once.
      auto range = parseContentRange(response[bhttp::field::content_range]);
      if (range && range->unsatisfied && range->range.complete == part.size()) {
        total = part.size();
        result.resumed = true;
        complete = true;
        break;
      }
      if (restartedOnce) {
        return Error(ClientErrc::DownloadFailed, "range refused twice for " + request.uri);
      }
      restartedOnce = true;
      if (auto restarted = part.restart(); !restarted) {
        return std::move(restarted).error();
      }
      validator.clear();
      continue;
    }

    if (status == 206 && ranged) {
      auto range = parseContentRange(response[bhttp::field::content_range]);
      if (!range || range->unsatisfied || range->range.first != part.size()) {
        if (restartedOnce) {
          return Error(ClientErrc::DownloadFailed,
                       "the server answered another range than asked for " + request.uri);
        }
        restartedOnce = true;
        if (auto restarted = part.restart(); !restarted) {
          return std::move(restarted).error();
        }
        validator.clear();
        continue;
      }
      result.resumed = true;
      total = range->range.complete;
    } else if (status == 200) {
      if (ranged) {
        // The server ignored the range (or the validator no longer matches):
        // the whole file follows, so what we had is dropped.
        if (auto restarted = part.restart(); !restarted) {
          return std::move(restarted).error();
        }
        result.resumed = false;
      }
      if (const auto length = (*connection)->contentLength()) {
        total = *length;
      }
    } else {
      return Error(ClientErrc::HttpStatus,
                   "download " + request.uri + ": HTTP " + std::to_string(status));
    }
    if (request.maxBytes != 0 && total && *total > request.maxBytes) {
      part.remove();
      return Error(ClientErrc::DownloadTooLarge, request.uri + " is " + std::to_string(*total) +
                                                     " octets, more than the " +
                                                     std::to_string(request.maxBytes) + " allowed");
    }
    if (status == 200) {
      // Keep what identifies this version of the file, for If-Range next time.
      const std::string etag(response[bhttp::field::etag]);
      const std::string lastModified(response[bhttp::field::last_modified]);
      const std::string keep = (!etag.empty() && etag.rfind("W/", 0) != 0) ? etag : lastModified;
      part.keepValidator(keep);
    }

    // Stream the body: received here, written and hashed by the part's
    // writer thread (D46).
    if (request.progress) {
      request.progress(part.size(), total);
    }
    for (bool done = false; !done;) {
      std::size_t got = 0;
      auto read =
          (*connection)
              ->readBody(part.buffer(), settings_.bufferBytes, requestDeadline(), got, done);
      if (request.maxBytes != 0 && part.size() + got > request.maxBytes) {
        part.remove();
        return Error(ClientErrc::DownloadTooLarge, request.uri + " is more than the " +
                                                       std::to_string(request.maxBytes) +
                                                       " octets allowed");
      }
      if (got > 0) {
        if (auto committed = part.commit(got); !committed) {
          return std::move(committed).error();
        }
        if (request.progress) {
          request.progress(part.size(), total);
        }
      }
      if (!read) {
        Error error = std::move(read).error();
        if (error == ClientErrc::Timeout && std::chrono::steady_clock::now() >= overall) {
          error = Error(ClientErrc::Timeout, "the download took longer than " +
                                                 std::to_string(request.timeout.count()) + " s");
        }
        // The .part stays, with all that arrived: the next attempt resumes with Range.
        if (auto drained = part.drain(); !drained) {
          return std::move(drained).error();
        }
        return error.addContext("download " + request.uri + " (" + std::to_string(part.size()) +
                                " octets kept for resuming)");
      }
    }
    if (total && part.size() != *total) {
      return Error(ClientErrc::DownloadFailed, "received " + std::to_string(part.size()) +
                                                   " octets of " + std::to_string(*total));
    }
    complete = true;
  }

  result.bytes = part.size();
  auto digest = part.digest();
  if (!digest) {
    return std::move(digest).error();
  }
  result.sha256 = std::move(*digest);
  if (!request.sha256.empty() &&
      std::none_of(request.sha256.begin(), request.sha256.end(),
                   [&](const Bytes& expected) { return expected == result.sha256; })) {
    part.remove();
    return Error(ClientErrc::DownloadHashMismatch,
                 request.uri + ": sha-256 " + hexStringEncode(result.sha256) + " matches none of " +
                     std::to_string(request.sha256.size()) + " image-verification hash(es)");
  }
  if (auto installed = part.install(); !installed) {
    return std::move(installed).error();
  }
  return result;
}

}  // namespace sztp::client
