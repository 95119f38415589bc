#pragma once

// A deployment in a Lab, as an operator would set one up: a demo PKI, the
// redirect server the DHCP and DNS servers announce, the onboarding server
// with its file server (boot image, scripts, configuration), and devices in
// the lab's device namespaces running the real sztp-agent.
//
// The redirect server answers with a signed redirect to the onboarding
// server at the address of the device's family (it chooses by the device's
// source address); the onboarding server gives an IPv6 device the image's
// IPv6 download URI. So a device that only has IPv6 proves the whole path ran
// over IPv6.
//
// Nothing here asserts: every step returns false with the reason in `why`,
// so that tests and the demo program share it. Processes belong to the Lab
// or to the Server objects, which stop them when they go.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lab/lab.h"
#include "lab/rig.h"

namespace sztp::lab {

using agent::e2e::Device;
using agent::e2e::Server;
using Lines = std::vector<std::string>;

inline constexpr const char* kRedirectPort = "8443";
inline constexpr const char* kOnboardingPort = "9443";
inline constexpr const char* kFilesPort = "8080";
/// The redirect server's DNS name (in the TLS certificate and the SRV record).
inline constexpr const char* kRedirectName = "bootstrap.sztp.lab";
inline constexpr const char* kDomain = "sztp.lab";
/// The separate deployment file server (Deployment::startFileServer): its
/// port in the infrastructure namespace and the DNS name in its certificate.
inline constexpr const char* kFileServerPort = "8444";
inline constexpr const char* kFileServerName = "files.sztp.lab";

/// What the DHCP servers announce: the redirect server, IPv4 first.
std::vector<std::string> redirectUris();

/// What a device that onboarded fully did, in order (its effects.log).
const Lines& fullEffects();

/// Device k's serial number: SN-<k>.
std::string serialOf(std::size_t k);

/// A demo PKI in `directory` (`sztp pki init`): IDevIDs for `serials`, a
/// server certificate naming `addresses` and kRedirectName, and a voucher
/// <serial>.vcj per serial pinning its owner CA.
bool makePki(const std::filesystem::path& directory, const std::vector<std::string>& addresses,
             const std::vector<std::string>& serials, std::string& why);

/// A TLS server certificate from `pki`'s TLS CA (the CA whose certificate
/// the lab's bootstrap servers are trusted by) for `names` and `addresses`,
/// with a new EC P-256 key: <directory>/server.crt and server.key (PEM).
bool issueServerCertificate(const std::filesystem::path& pki, const std::vector<std::string>& names,
                            const std::vector<std::string>& addresses,
                            const std::filesystem::path& directory, std::string& why);

/// Where the servers of a namespace listen (both families, fixed ports).
agent::e2e::ServerPlacement placement(const Lab& lab, const std::string& ns, const std::string& v4,
                                      const std::string& v6, const std::string& port,
                                      const std::string& filesPort);

class Deployment {
 public:
  /// Servers and devices get directories in `directory`; `pki` is made by
  /// makePki and its manufacturer CA is the one the servers trust.
  Deployment(Lab& lab, std::filesystem::path directory, std::filesystem::path pki);
  /// The same deployment on loopback, without namespaces or root: both
  /// servers on 127.0.0.1 with ports the system picks (the redirect points at
  /// the onboarding server's), devices run in this namespace. makePki must
  /// then name 127.0.0.1. No DHCP: devices are given the redirect server's
  /// URL (urlSources).
  Deployment(std::filesystem::path directory, std::filesystem::path pki);

  /// Device k (1-based) of the lab, serial `serial` (default serialOf(k)),
  /// its root in <directory>/device<k>, its agent run in the namespace.
  /// Add devices before starting the servers: their inventories list them.
  Device& addDevice(std::size_t k, const std::string& serial = "");
  Device& device(std::size_t index) { return *devices_.at(index).device; }
  std::size_t deviceCount() const { return devices_.size(); }

  /// The inventory's head: the device type trusting `pki`'s manufacturer CA
  /// and the owner "acme" of `ownerPki`.
  static std::string inventoryHead(const std::filesystem::path& pki,
                                   const std::filesystem::path& ownerPki);
  /// A device entry of `ownerPki`'s owner, up to its "responses:" line.
  static std::string deviceEntry(const std::string& serial, const std::filesystem::path& ownerPki);

  /// The onboarding server (infrastructure namespace, kOnboardingPort,
  /// files on kFilesPort): per device, profiles "full" and "full-v6" (image
  /// os-2 over IPv4 or IPv6, pre- and post-configuration scripts writing to
  /// the device's effects log, a merged configuration), unsigned, verbose
  /// reporting.
  bool startOnboardingServer(std::string& why);
  /// The redirect server (kRedirectPort): a signed redirect to the
  /// onboarding server, at its IPv6 address for devices in fd00:99::/64
  /// and fd00:98::/64 (the segment behind the router).
  bool startRedirectServer(std::string& why);
  /// An option, before startOnboardingServer: a deployment file server of
  /// its own, a separate process from the bootstrap servers, as the seed
  /// advises for scale ("can be co-located with bootstrap server, but for
  /// scalability should be separate"). nginx in the infrastructure namespace
  /// on kFileServerPort (both addresses), HTTPS with a certificate from the
  /// lab PKI's TLS CA for kFileServerName and those addresses, asking each
  /// device for its IDevID (the manufacturer CA). The onboarding server's
  /// images then list its download URI first and the co-located file
  /// server's second. Lab only; needs nginx (Tools::nginx).
  bool startFileServer(std::string& why);
  /// Its access log (startFileServer says the format) and root directory.
  std::filesystem::path fileServerAccessLog() const;
  std::filesystem::path fileServerRoot() const;
  Server& onboarding() { return *onboarding_; }
  Server& redirect() { return *redirect_; }
  /// The boot image as the file server serves it.
  std::filesystem::path imageFile() const;

  /// A signed bundle for `serial` on removable storage mounted at `mount`:
  /// <mount>/<serial>/bootstrapping-data/ holding the onboarding information
  /// `description` (a `sztp conveyed-info create` description, its paths
  /// relative to `mount`) signed by the owner, the owner certificate and the
  /// serial's voucher.
  bool writeBundle(const std::filesystem::path& mount, const std::string& serial,
                   const std::string& description, std::string& why) const;

  /// Runs the agent as at boot until it completes: the first run installs
  /// the image and "reboots", the second (the device back up) finishes with
  /// `ztp status` completed and every effect of fullEffects(). The agents'
  /// output is appended to `output`.
  static bool onboard(Device& device, std::string& output, std::string& why);
  /// One boot: the agent run to its end, exit 0 and `ztp status` in `state`.
  static bool boot(Device& device, const std::string& state, std::string& output, std::string& why);
  /// Sources: only the onboarding server, as a well-known server the
  /// manufacturer configured with its TLS anchor (no discovery, no redirect).
  static Device::Config wellKnownSources();

  /// The redirect server's URL (on loopback: its system-chosen port).
  std::string redirectUrl() const;
  /// Sources: only `url`, contacted provisionally as a DHCP-learned server
  /// would be (the loopback deployment's stand-in for DHCP).
  static Device::Config urlSources(const std::string& url);

  /// The DHCP source only: asking on its own (`inform`) or reading the
  /// leases in <root>/leases; never the host's lease files.
  static Device::Config dhcpSources(bool inform);

 private:
  struct Member {
    std::unique_ptr<Device> device;
    std::string serial;
  };

  Lab* lab_ = nullptr;  ///< nullptr: on loopback.
  std::filesystem::path directory_;
  std::filesystem::path pki_;
  std::vector<Member> devices_;
  std::unique_ptr<Server> onboarding_ = std::make_unique<Server>();
  std::unique_ptr<Server> redirect_ = std::make_unique<Server>();
  bool fileServer_ = false;  ///< startFileServer ran.
};

}  // namespace sztp::lab
