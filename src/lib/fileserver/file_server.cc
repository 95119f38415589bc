#include "fileserver/file_server.h"

#include <fcntl.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "fileserver/content_type.h"
#include "fileserver/fileserver_error.h"
#include "http/conditional.h"
#include "http/http_date.h"
#include "http/http_error.h"
#include "http/range.h"
#include "http/target_path.h"

namespace sztp::fileserver {

struct FileServer::Root {
  FileDescriptor fd;
  std::string realPath;
};

namespace {

http::Response refusal(int status, const Error& error) {
  http::Response response;
  response.status = status;
  response.reason = std::string(error.reason());
  response.setHeader("Content-Type", "text/plain; charset=utf-8");
  // The reason and its sentence, not the detail: the detail names server paths.
  response.body = std::string(error.reason()) + ": " + Error(error.code()).message() + "\n";
  return response;
}

http::Response refusal(FileServerErrc errc, const Error& error) {
  return refusal(statusFor(errc), error);
}

int statusOf(const Error& error) {
  if (error.code().category() == http::httpCategory()) {
    return http::statusFor(static_cast<http::HttpErrc>(error.code().value()));
  }
  if (error.code().category() == fileServerCategory()) {
    return statusFor(static_cast<FileServerErrc>(error.code().value()));
  }
  return 500;
}

TimePoint modificationTime(const struct stat& info) {
  return TimePoint{std::chrono::seconds(info.st_mtim.tv_sec)};
}

std::int64_t modificationNanoseconds(const struct stat& info) {
  return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

}  // namespace

Result<FileServer> FileServer::create(FileServerSettings settings) {
  if (settings.urlPrefix.empty() || settings.urlPrefix.front() != '/' ||
      settings.urlPrefix.back() != '/') {
    return Error(FileServerErrc::RootUnusable,
                 "the URL prefix must start and end with '/' ('" + settings.urlPrefix + "')");
  }
  char resolved[PATH_MAX + 1];
  if (settings.root.empty() || ::realpath(settings.root.c_str(), resolved) == nullptr) {
    return Error(FileServerErrc::RootUnusable, "'" + settings.root + "': " + std::strerror(errno));
  }
  const int fd = ::open(resolved, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Error(FileServerErrc::RootUnusable, "'" + settings.root + "': " + std::strerror(errno));
  }
  auto root = std::make_shared<Root>();
  root->fd = FileDescriptor(fd);
  root->realPath = resolved;
  for (auto& [extension, type] : settings.contentTypes) {
    (void)type;
    if (extension != http::lowercase(extension)) {
      return Error(FileServerErrc::RootUnusable,
                   "content type extensions must be lowercase ('" + extension + "')");
    }
  }
  return FileServer(std::move(settings), std::move(root));
}

FileServer::FileServer(FileServerSettings settings, std::shared_ptr<const Root> root)
    : settings_(std::move(settings)), root_(std::move(root)) {}

http::Handler FileServer::handler() const {
  return [server = *this](const http::Request& request, const http::Peer& peer) {
    return server.handle(request, peer);
  };
}

http::Response FileServer::handle(const http::Request& request, const http::Peer& peer) const {
  std::string identity;
  if (settings_.authorize) {
    auto allowed = settings_.authorize(request, peer);
    if (!allowed) {
      // The callback's own reason code when it has one (e.g. client-cert-untrusted).
      const bool ownReason =
          dynamic_cast<const ReasonCategory*>(&allowed.error().code().category()) != nullptr;
      return refusal(FileServerErrc::ClientNotAuthorized,
                     ownReason ? allowed.error() : Error(FileServerErrc::ClientNotAuthorized));
    }
    identity = std::move(*allowed);
  }
  auto answer = [&identity](http::Response response) {
    response.identity = identity;
    return response;
  };

  if (request.method != "GET" && request.method != "HEAD") {
    auto response = refusal(405, Error(http::HttpErrc::MethodNotAllowed, request.method));
    response.setHeader("Allow", "GET, HEAD");
    return answer(std::move(response));
  }
  const std::string_view path = request.path();
  if (!path.starts_with(settings_.urlPrefix)) {
    return answer(refusal(FileServerErrc::FileNotFound, Error(FileServerErrc::FileNotFound)));
  }
  auto segments = http::decodePathSegments(path.substr(settings_.urlPrefix.size() - 1));
  if (!segments) {
    return answer(refusal(statusOf(segments.error()), segments.error()));
  }
  for (const auto& segment : *segments) {
    if (segment.front() == '.') {  // .git, .htpasswd, editor swap files: never published.
      return answer(refusal(FileServerErrc::FileNotFound, Error(FileServerErrc::FileNotFound)));
    }
  }
  auto opened = openBeneath(root_->fd.get(), root_->realPath, *segments, settings_.resolve);
  if (!opened) {
    return answer(refusal(statusOf(opened.error()), opened.error()));
  }
  const struct stat& info = opened->info;
  if (!S_ISREG(info.st_mode)) {
    return answer(refusal(FileServerErrc::NotRegularFile, Error(FileServerErrc::NotRegularFile)));
  }

  const auto size = static_cast<std::uint64_t>(info.st_size);
  const http::Validators validators{http::fileEntityTag(size, modificationNanoseconds(info),
                                                        static_cast<std::uint64_t>(info.st_ino)),
                                    modificationTime(info)};
  http::Response response;
  response.setHeader("ETag", validators.etag->toString());
  response.setHeader("Last-Modified", http::formatHttpDate(*validators.lastModified));
  if (!settings_.cacheControl.empty()) {
    response.setHeader("Cache-Control", settings_.cacheControl);
  }

  switch (http::evaluatePreconditions(request, validators)) {
    case http::Precondition::NotModified:
      response.status = 304;
      return answer(std::move(response));
    case http::Precondition::Failed: {
      auto failed = refusal(412, Error(http::HttpErrc::PreconditionFailed));
      failed.setHeader("ETag", validators.etag->toString());
      return answer(std::move(failed));
    }
    case http::Precondition::Proceed:
      break;
  }

  response.setHeader("Content-Type", contentTypeFor(segments->back(), settings_.contentTypes));
  response.setHeader("Accept-Ranges", "bytes");
  response.setHeader("X-Content-Type-Options", "nosniff");
  http::RangeDecision range;
  // Range applies to GET only (RFC 9110 §14.2); If-Range guards against
  // stitching together parts of two versions of the file.
  if (request.method == "GET" &&
      http::ifRangeAllowsPartial(request.header("if-range"), validators)) {
    range = http::decideRange(request.header("range"), size);
  }
  switch (range.kind) {
    case http::RangeKind::Unsatisfiable: {
      auto refused = refusal(416, Error(http::HttpErrc::RangeNotSatisfiable));
      refused.setHeader("Content-Range", http::unsatisfiedContentRangeHeader(size));
      return answer(std::move(refused));
    }
    case http::RangeKind::Partial:
      response.status = 206;
      response.setHeader("Content-Range", http::contentRangeHeader(range.range, size));
      response.file = http::FileBody{opened->realPath, range.range.first, range.range.length()};
      break;
    case http::RangeKind::Full:
      response.status = 200;
      response.file = http::FileBody{opened->realPath, 0, size};
      break;
  }
  return answer(std::move(response));
}

}  // namespace sztp::fileserver
