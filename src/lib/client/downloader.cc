#include "client/downloader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "client/client_error.h"
#include "client/connection.h"
#include "client/wire.h"
#include "common/hex.h"
#include "crypto/digest.h"

namespace sztp::client {
namespace {

namespace bhttp = detail::bhttp;
using detail::Connection;
using detail::SteadyTime;

constexpr std::size_t kMaxValidatorBytes = 512;

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
  }

 private:
  int fd_;
};

std::string errnoText(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Error fileError(const std::string& what, const std::string& path) {
  return Error(ClientErrc::DownloadFailed, errnoText(what, path));
}

bool writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

std::string readSmallFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return {};
  }
  char text[kMaxValidatorBytes];
  const ssize_t got = ::read(fd.get(), text, sizeof text);
  if (got <= 0 || static_cast<std::size_t>(got) >= sizeof text) {
    return {};
  }
  std::string value(text, static_cast<std::size_t>(got));
  // Only a header-safe value goes back on the wire.
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return {};
    }
  }
  return value;
}

void writeSmallFile(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() >= 0) {
    (void)writeAll(fd.get(), value.data(), value.size());
  }
}

void fsyncDirectoryOf(const std::string& path) {
  auto directory = std::filesystem::path(path).parent_path();
  if (directory.empty()) {
    directory = ".";
  }
  UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) {
    (void)::fsync(fd.get());
  }
}

SteadyTime earliest(SteadyTime a, SteadyTime b) {
  return std::min(a, b);
}

bool isRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// The partial file being written: its descriptor, length and running hash.
struct PartFile {
  std::string path;
  std::string validatorPath;
  UniqueFd fd;
  std::uint64_t size = 0;
  crypto::Sha256 hash;

  Status restart() {
    if (::ftruncate(fd.get(), 0) != 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0) {
      return fileError("truncating", path);
    }
    size = 0;
    (void)hash.finish();  // resets
    ::unlink(validatorPath.c_str());
    return {};
  }

  void remove() {
    fd.reset();
    ::unlink(path.c_str());
    ::unlink(validatorPath.c_str());
  }
};

/// Opens (or creates) the .part and hashes what an earlier run left in it.
Status openPart(PartFile& part, std::vector<char>& buffer) {
  part.fd.reset(::open(part.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (part.fd.get() < 0) {
    return fileError("opening", part.path);
  }
  while (true) {
    const ssize_t got = ::read(part.fd.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fileError("reading", part.path);
    }
    if (got == 0) {
      break;
    }
    part.hash.update(ByteView(reinterpret_cast<const std::uint8_t*>(buffer.data()),
                              static_cast<std::size_t>(got)));
    part.size += static_cast<std::uint64_t>(got);
  }
  return {};
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
  std::vector<char> buffer(settings_.bufferBytes);

  PartFile part;
  part.path = request.destinationPath + ".part";
  part.validatorPath = part.path + ".validator";
  if (auto opened = openPart(part, buffer); !opened) {
    return std::move(opened).error();
  }
  if (request.maxBytes != 0 && part.size > request.maxBytes) {
    if (auto restarted = part.restart(); !restarted) {
      return std::move(restarted).error();
    }
  }
  std::string validator = part.size > 0 ? readSmallFile(part.validatorPath) : std::string();

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
    auto connection = Connection::open(uri->host, uri->port, setup, settings_.transport);
    if (!connection) {
      return std::move(connection).error().addContext("download " + request.uri);
    }
    bhttp::request<bhttp::string_body> get{bhttp::verb::get, uri->target, 11};
    get.set(bhttp::field::host, hostHeader(*uri));
    get.set(bhttp::field::user_agent, settings_.transport.userAgent);
    get.set(bhttp::field::accept, "*/*");
    get.set(bhttp::field::accept_encoding, "identity");
    const bool ranged = part.size > 0;
    if (ranged) {
      get.set(bhttp::field::range, "bytes=" + std::to_string(part.size) + "-");
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
    if (auto sent = (*connection)->write(get, requestDeadline()); !sent) {
      return std::move(sent).error().addContext("download " + request.uri);
    }
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (auto header = (*connection)->readHeader(parser, requestDeadline()); !header) {
      return std::move(header).error().addContext("download " + request.uri);
    }
    const auto& response = parser.get();
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
      if (range && range->unsatisfied && range->range.complete == part.size) {
        total = part.size;
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
      if (!range || range->unsatisfied || range->range.first != part.size) {
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
      if (const auto length = parser.content_length()) {
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
      if (!keep.empty() && keep.size() < kMaxValidatorBytes) {
        writeSmallFile(part.validatorPath, keep);
      }
    }

    // Stream the body: one buffer, hashed as it is written (D46).
    if (request.progress) {
      request.progress(part.size, total);
    }
    while (!parser.is_done()) {
      std::size_t got = 0;
      auto read =
          (*connection)->readBody(parser, buffer.data(), buffer.size(), requestDeadline(), got);
      if (request.maxBytes != 0 && part.size + got > request.maxBytes) {
        part.remove();
        return Error(ClientErrc::DownloadTooLarge, request.uri + " is more than the " +
                                                       std::to_string(request.maxBytes) +
                                                       " octets allowed");
      }
      if (got > 0) {
        if (!writeAll(part.fd.get(), buffer.data(), got)) {
          return fileError("writing", part.path);
        }
        part.hash.update(ByteView(reinterpret_cast<const std::uint8_t*>(buffer.data()), got));
        part.size += got;
        if (request.progress) {
          request.progress(part.size, total);
        }
      }
      if (!read) {
        Error error = std::move(read).error();
        if (error == ClientErrc::Timeout && std::chrono::steady_clock::now() >= overall) {
          error = Error(ClientErrc::Timeout, "the download took longer than " +
                                                 std::to_string(request.timeout.count()) + " s");
        }
        // The .part stays: the next attempt resumes with Range.
        return error.addContext("download " + request.uri + " (" + std::to_string(part.size) +
                                " octets kept for resuming)");
      }
    }
    if (total && part.size != *total) {
      return Error(ClientErrc::DownloadFailed, "received " + std::to_string(part.size) +
                                                   " octets of " + std::to_string(*total));
    }
    complete = true;
  }

  result.bytes = part.size;
  result.sha256 = part.hash.finish();
  if (!request.sha256.empty() &&
      std::none_of(request.sha256.begin(), request.sha256.end(),
                   [&](const Bytes& expected) { return expected == result.sha256; })) {
    part.remove();
    return Error(ClientErrc::DownloadHashMismatch,
                 request.uri + ": sha-256 " + hexStringEncode(result.sha256) + " matches none of " +
                     std::to_string(request.sha256.size()) + " image-verification hash(es)");
  }
  if (::fsync(part.fd.get()) != 0) {
    return fileError("syncing", part.path);
  }
  part.fd.reset();
  if (::rename(part.path.c_str(), request.destinationPath.c_str()) != 0) {
    return fileError("renaming", part.path);
  }
  fsyncDirectoryOf(request.destinationPath);
  ::unlink(part.validatorPath.c_str());
  return result;
}

}  // namespace sztp::client
