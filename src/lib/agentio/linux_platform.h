#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/ports.h"

namespace sztp::agentio {

struct LinuxPlatformConfig {
  /// Prefix for the four system paths below ("" = the real root); tests and
  /// image builds point it at a device root directory. Paths passed to
  /// freeBytes() and writeFile() are used as given.
  std::string rootDir;
  std::string bootIdPath = "/proc/sys/kernel/random/boot_id";
  std::string osReleasePath = "/etc/os-release";
  std::string sshHostKeyDir = "/etc/ssh";
  /// Each file holds one chain (PEM or one DER certificate), reported as one
  /// degenerate CMS SignedData in bootstrap-complete (A17, D55).
  std::vector<std::string> trustAnchorCertFiles;
  /// When set, used instead of os-release NAME / VERSION_ID.
  std::optional<std::string> osName;
  std::optional<std::string> osVersion;
};

/// agent::Platform on Linux. Nothing is cached: the running image and the
/// keys are re-read on every call (D44: after a reboot into a new image the
/// answers must be the new image's). Files that are missing or do not parse
/// yield "nothing" (an empty boot id, nullopt, an empty list), not errors:
/// the engine decides what their absence means.
class LinuxPlatform : public agent::Platform {
 public:
  explicit LinuxPlatform(LinuxPlatformConfig config);

  // agent::Platform
  /// The boot id without its newline; "" when unreadable.
  std::string bootId() override;
  /// statvfs f_bavail * f_frsize of `path`, or of its nearest existing
  /// ancestor (a download directory may not exist yet). AgentIoErrc::SystemQueryFailed.
  Result<std::uint64_t> freeBytes(const std::string& path) override;
  /// os-release NAME (VERSION_ID, else VERSION) unless configured.
  std::optional<std::string> osName() override;
  std::optional<std::string> osVersion() override;
  /// Every parsable <sshHostKeyDir>/ssh_host_*_key.pub, sorted by file name.
  std::vector<model::SshHostKey> sshHostKeys() override;
  /// One certificates-only CMS per configured file; unreadable files are skipped.
  std::vector<Bytes> trustAnchorCerts() override;
  /// From OpenSSL's CSPRNG (crypto::randomBytes).
  Bytes randomBytes(std::size_t count) override;
  void sleepFor(std::chrono::milliseconds duration) override;
  /// writeFileAtomically, mode 0755 when executable, else 0600.
  Status writeFile(const std::string& path, ByteView content, bool executable) override;

 private:
  std::string rooted(const std::string& path) const;
  std::optional<std::string> osReleaseField(std::initializer_list<const char*> keys);

  LinuxPlatformConfig config_;
};

}  // namespace sztp::agentio
