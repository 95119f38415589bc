#include "agentio/linux_platform.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <thread>

#include "agentio/agentio_error.h"
#include "agentio/durable_file.h"
#include "agentio/os_release.h"
#include "agentio/ssh_host_key.h"
#include "crypto/certificate.h"
#include "crypto/cms.h"
#include "crypto/digest.h"

namespace sztp::agentio {

namespace fs = std::filesystem;

LinuxPlatform::LinuxPlatform(LinuxPlatformConfig config) : config_(std::move(config)) {}

std::string LinuxPlatform::rooted(const std::string& path) const {
  if (config_.rootDir.empty()) {
    return path;
  }
  return config_.rootDir + (path.starts_with('/') ? "" : "/") + path;
}

std::string LinuxPlatform::bootId() {
  auto content = readFileCapped(rooted(config_.bootIdPath), 256);
  if (!content || !content->has_value()) {
    return {};
  }
  std::string id = toString(**content);
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) {
    id.pop_back();
  }
  return id;
}

Result<std::uint64_t> LinuxPlatform::freeBytes(const std::string& path) {
  fs::path p = path;
  while (true) {
    struct statvfs st {};
    if (::statvfs(p.c_str(), &st) == 0) {
      return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
    }
    if (errno != ENOENT || !p.has_parent_path() || p.parent_path() == p) {
      return Error(AgentIoErrc::SystemQueryFailed, systemErrorDetail("statvfs", path, errno));
    }
    p = p.parent_path();
  }
}

std::optional<std::string> LinuxPlatform::osReleaseField(std::initializer_list<const char*> keys) {
  auto content = readFileCapped(rooted(config_.osReleasePath), kMaxOsReleaseBytes);
  if (!content || !content->has_value()) {
    return std::nullopt;
  }
  auto fields = parseOsRelease(toString(**content));
  if (!fields) {
    return std::nullopt;
  }
  for (const char* key : keys) {
    if (auto it = fields->find(key); it != fields->end() && !it->second.empty()) {
      return it->second;
    }
  }
  return std::nullopt;
}

std::optional<std::string> LinuxPlatform::osName() {
  return config_.osName ? config_.osName : osReleaseField({"NAME"});
}

std::optional<std::string> LinuxPlatform::osVersion() {
  return config_.osVersion ? config_.osVersion : osReleaseField({"VERSION_ID", "VERSION"});
}

std::vector<model::SshHostKey> LinuxPlatform::sshHostKeys() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(rooted(config_.sshHostKeyDir), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("ssh_host_") && name.ends_with("_key.pub")) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<model::SshHostKey> keys;
  for (const auto& file : files) {
    auto content = readFileCapped(file, kMaxSshPublicKeyBytes);
    if (!content || !content->has_value()) {
      continue;
    }
    if (auto key = parseSshPublicKey(toString(**content)); key) {
      keys.push_back(std::move(*key));
    }
  }
  return keys;
}

std::vector<Bytes> LinuxPlatform::trustAnchorCerts() {
  std::vector<Bytes> bags;
  for (const auto& file : config_.trustAnchorCertFiles) {
    auto content = readFileCapped(rooted(file), 1024 * 1024);
    if (!content || !content->has_value()) {
      continue;
    }
    auto certificates = crypto::Certificate::listFromAny(**content);
    if (!certificates) {
      continue;
    }
    if (auto bag = crypto::makeCertificateBag(*certificates); bag) {
      bags.push_back(std::move(*bag));
    }
  }
  return bags;
}

Bytes LinuxPlatform::randomBytes(std::size_t count) {
  return crypto::randomBytes(count);
}

void LinuxPlatform::sleepFor(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

Status LinuxPlatform::writeFile(const std::string& path, ByteView content, bool executable) {
  return writeFileAtomically(path, content, executable ? 0755 : 0600);
}

}  // namespace sztp::agentio
