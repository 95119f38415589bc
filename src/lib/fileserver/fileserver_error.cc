#include "fileserver/fileserver_error.h"

#include <array>

namespace sztp::fileserver {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(FileServerErrc::RootUnusable), "file-root-unusable",
               "the file server's root is not an existing, readable directory; check the "
               "configured path"},
    ReasonInfo{static_cast<int>(FileServerErrc::FileNotFound), "file-not-found",
               "no file is published at this path; check the image URL and the file server's "
               "root (hidden files are never served)"},
    ReasonInfo{static_cast<int>(FileServerErrc::NotRegularFile), "not-a-regular-file",
               "the path names a directory or a special file; only regular files are served "
               "and directories are not listed"},
    ReasonInfo{static_cast<int>(FileServerErrc::OutsideRoot), "path-outside-root",
               "the path leads outside the file server's root through a symbolic link; such "
               "links are not followed (use relative links inside the root)"},
    ReasonInfo{static_cast<int>(FileServerErrc::FileUnreadable), "file-access-denied",
               "the file exists but the server may not read it; check its permissions"},
    ReasonInfo{static_cast<int>(FileServerErrc::ClientNotAuthorized), "client-not-authorized",
               "the client is not allowed to download from this file server; check its "
               "certificate"},
};

}  // namespace

const ReasonCategory& fileServerCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.fileserver", kReasons);
  return category;
}

int statusFor(FileServerErrc e) noexcept {
  switch (e) {
    case FileServerErrc::FileNotFound:
      return 404;
    case FileServerErrc::NotRegularFile:
    case FileServerErrc::OutsideRoot:
    case FileServerErrc::FileUnreadable:
    case FileServerErrc::ClientNotAuthorized:
      return 403;
    case FileServerErrc::RootUnusable:
      return 500;
  }
  return 500;
}

}  // namespace sztp::fileserver
