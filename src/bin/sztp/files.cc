#include "files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "common/io_error.h"
#include "crypto/digest.h"

namespace sztp::cli {

namespace fs = std::filesystem;

namespace {

Error ioError(IoErrc code, const std::string& path, int err) {
  return Error(code, path + ": " + std::strerror(err));
}

Status writeAll(int fd, ByteView data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ioError(IoErrc::FileUnwritable, path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

Result<Bytes> readFile(const std::string& path, std::size_t limit) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      return Error(IoErrc::FileUnreadable, path + ": is a directory");
    }
    file.open(path, std::ios::binary);
    if (!file) {
      return ioError(IoErrc::FileUnreadable, path, errno);
    }
    in = &file;
  }
  Bytes data;
  char buffer[64 * 1024];
  while (*in) {
    in->read(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in->gcount());
    if (data.size() + got > limit) {
      return Error(IoErrc::FileTooLarge, path + ": more than " + std::to_string(limit) + " octets");
    }
    data.insert(data.end(), buffer, buffer + got);
  }
  if (in->bad()) {
    return ioError(IoErrc::FileUnreadable, path, errno);
  }
  return data;
}

Status writeFile(const std::string& path, ByteView data, bool overwrite, fs::perms mode) {
  if (path == "-") {
    std::cout.write(reinterpret_cast<const char*>(data.data()),
                    static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    return {};
  }
  std::error_code ec;
  if (!overwrite && fs::exists(path, ec)) {
    return Error(IoErrc::FileExists, path);
  }
  const fs::path target(path);
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(directory, ec);
  std::string temporary = (directory / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) {
    return ioError(IoErrc::FileUnwritable, path, errno);
  }
  // mkstemp creates 0600; widen (or keep) to the requested mode before data lands.
  ::fchmod(fd, static_cast<mode_t>(mode));
  auto written = writeAll(fd, data, path);
  if (written && ::fsync(fd) != 0) {
    written = ioError(IoErrc::FileUnwritable, path, errno);
  }
  ::close(fd);
  if (!written) {
    ::unlink(temporary.c_str());
    return written;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temporary.c_str());
    return ioError(IoErrc::FileUnwritable, path, err);
  }
  // The rename is durable only once the directory entry is.
  const int dirFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  return {};
}

Status writePrivateKey(const std::string& path, const crypto::PrivateKey& key, bool overwrite) {
  return writeFile(path, asBytes(key.toPem()), overwrite,
                   fs::perms::owner_read | fs::perms::owner_write);
}

Result<Bytes> sha256File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ioError(IoErrc::FileUnreadable, path, errno);
  }
  crypto::Sha256 hash;
  std::vector<char> buffer(std::size_t{1024} * 1024);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.update(ByteView(reinterpret_cast<const std::uint8_t*>(buffer.data()),
                         static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) {
    return ioError(IoErrc::FileUnreadable, path, errno);
  }
  return hash.finish();
}

Result<std::vector<crypto::Certificate>> loadCertificates(const std::string& path) {
  auto data = readFile(path);
  if (!data) {
    return std::move(data).error();
  }
  auto certs = crypto::Certificate::listFromAny(*data);
  if (!certs) {
    return std::move(certs).error().addContext(path);
  }
  return certs;
}

Result<crypto::Certificate> loadCertificate(const std::string& path) {
  auto certs = loadCertificates(path);
  if (!certs) {
    return std::move(certs).error();
  }
  return certs->front();
}

Result<crypto::PrivateKey> loadPrivateKey(const std::string& path) {
  auto data = readFile(path);
  if (!data) {
    return std::move(data).error();
  }
  auto key = crypto::PrivateKey::fromPem(toString(*data));
  if (!key) {
    return std::move(key).error().addContext(path);
  }
  return key;
}

Result<std::vector<crypto::Crl>> loadCrls(const std::string& path) {
  auto data = readFile(path);
  if (!data) {
    return std::move(data).error();
  }
  auto crls = crypto::Crl::listFromAny(*data);
  if (!crls) {
    return std::move(crls).error().addContext(path);
  }
  return crls;
}

Result<std::vector<crypto::Certificate>> loadCertificateFiles(
    const std::vector<std::string>& paths) {
  std::vector<crypto::Certificate> all;
  for (const auto& path : paths) {
    auto certs = loadCertificates(path);
    if (!certs) {
      return std::move(certs).error();
    }
    all.insert(all.end(), certs->begin(), certs->end());
  }
  return all;
}

}  // namespace sztp::cli
