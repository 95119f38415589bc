#pragma once

// The network lab (issue 5): one infrastructure namespace holding a bridge
// and N device namespaces, each joined to the bridge by a veth pair; IPv4
// 10.99.0.0/24 and IPv6 fd00:99::/64 (no DAD, so every address is usable at
// once). The subnets are fixed: every run has its own namespaces, so only the
// namespace names (which carry the pid) must differ between parallel runs.
// No namespace has a link to the host, and the only default routes are
// those of devices behind the lab's own router (addSegment), which has none:
// nothing the lab runs can reach an address outside it.
//
// Clean-up is certain: the destructor stops every process the lab started,
// then kills whatever else still runs in its namespaces (detached step
// runners, daemons) and deletes them, which deletes the veth pairs and the
// bridge; sweepStale() removes namespaces left by a run that crashed (their
// pid no longer exists). Processes are started with posix_spawn through
// `ip netns exec` (never fork: the test process has threads), which execs the
// program in place, so a Child's pid is the program's.

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/rig.h"

namespace sztp::lab {

using agent::e2e::Child;

/// The programs the lab runs; a member is empty when the program is missing.
struct Tools {
  std::string ip;
  std::string dnsmasq;
  std::string keaDhcp4;
  std::string keaDhcp6;
  std::string dhclient;
  std::string rsyslogd;
  std::string nginx;  ///< The deployment file server (Deployment::startFileServer).

  static Tools find();
  /// Why the lab cannot run here (not root, no `ip`, dnsmasq or Kea), or nullopt.
  std::optional<std::string> missing() const;
};

inline constexpr const char* kNamespacePrefix = "sztp-lab-";
inline constexpr const char* kInfraV4 = "10.99.0.1";
inline constexpr const char* kInfraV6 = "fd00:99::1";
inline constexpr const char* kBridge = "br0";
/// A device's interface, the same name in every device namespace.
inline constexpr const char* kDeviceInterface = "eth0";

// The second segment (Lab::addSegment): a router's leg on the infrastructure
// bridge, and its own bridge, in the router's namespace, for devices that are
// not on the DHCP server's link.
inline constexpr const char* kRouterV4 = "10.99.0.2";
inline constexpr const char* kRouterV6 = "fd00:99::2";
inline constexpr const char* kSegmentBridge = "br1";
inline constexpr const char* kSegmentGatewayV4 = "10.98.0.1";
inline constexpr const char* kSegmentGatewayV6 = "fd00:98::1";
inline constexpr const char* kSegmentV4Prefix = "10.98.0.";
inline constexpr const char* kSegmentV6Prefix = "fd00:98::";

class Lab {
 public:
  /// How device k (1-based) is addressed statically.
  struct DeviceAddressing {
    bool v4 = true;  ///< 10.99.0.(10+k)/24; false: no IPv4 address at all.
    bool v6 = true;  ///< fd00:99::(10+k)/64 (a link-local address it has anyway).
  };

  Lab(Tools tools, const std::vector<DeviceAddressing>& devices);
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  /// Deletes every sztp-lab-<pid>-* namespace whose pid is gone, killing what
  /// still runs in it. Called by the constructor.
  static void sweepStale(const std::string& ipTool);

  /// Empty when the lab is up; otherwise the command that failed.
  const std::string& error() const { return error_; }
  const std::string& infra() const { return infra_; }
  /// Namespace of device k (1-based).
  const std::string& device(std::size_t k) const { return devices_.at(k - 1); }
  static std::string deviceV4(std::size_t k) { return "10.99.0." + std::to_string(10 + k); }
  static std::string deviceV6(std::size_t k) { return "fd00:99::" + std::to_string(10 + k); }
  /// Adds a namespace on the bridge (e.g. a rogue server's) with these addresses.
  bool addHost(const std::string& suffix, const std::string& v4, const std::string& v6,
               std::string* name);

  /// A second network segment behind a router, for a device that is not on
  /// the DHCP server's link (the seed's "DHCP relay agent ... needed only
  /// when device and DHCP server are located on different network
  /// segments"). The router namespace (sztp-lab-<pid>-router) has eth0 on
  /// the infrastructure bridge (kRouterV4, kRouterV6) and bridge br1
  /// (10.98.0.1/24, fd00:98::1/64); it is the only namespace that forwards.
  /// The infrastructure namespace routes 10.98.0.0/24 and fd00:98::/64 via
  /// the router. The devices are numbered after the existing ones (device(k)
  /// works for them), each addressed 10.98.0.(10+k) and fd00:98::(10+k) as
  /// `devices` says, with a default route via the router's br1 address for
  /// each family it has an address of (a device without IPv4 learns it from
  /// DHCP: startDhclient with the router). The router itself has no default
  /// route and no link out of the lab, so nothing leaves it. Once per lab.
  bool addSegment(const std::vector<DeviceAddressing>& devices);
  /// The router's namespace; empty before addSegment.
  const std::string& router() const { return router_; }
  /// Whether device k sits on the second segment.
  bool onSegment(std::size_t k) const { return segmentFrom_ != 0 && k >= segmentFrom_; }
  /// Device k's static addresses wherever it sits (deviceV4/deviceV6 on the
  /// infrastructure bridge, 10.98.0.(10+k)/fd00:98::(10+k) behind the router).
  std::string addressV4(std::size_t k) const;
  std::string addressV6(std::size_t k) const;

  /// Writes /etc/netns/<ns>/<name>, which `ip netns exec` mounts over
  /// /etc/<name> for every program the lab runs in `ns` (resolv.conf: the
  /// namespace's resolver). Removed with the namespace.
  bool setEtcFile(const std::string& ns, const std::string& name, const std::string& text);

  /// {"ip", "netns", "exec", ns}: put before a program to run it in `ns`.
  std::vector<std::string> in(const std::string& ns) const;
  /// As in(ns), and in a UTS namespace of its own whose host name is
  /// `hostname`: what a device's programs see as gethostname().
  std::vector<std::string> in(const std::string& ns, const std::string& hostname) const;
  /// Starts `argv` in `ns`, output to `log`; the lab stops it at the end.
  Child* spawn(const std::string& ns, const std::vector<std::string>& argv,
               const std::filesystem::path& log);
  /// `ip` with these arguments; true on exit 0. Failures are kept in error().
  bool ip(const std::vector<std::string>& args);
  /// `ip` output (stdout and stderr), for assertions about the lab itself.
  std::string ipOutput(const std::vector<std::string>& args) const;
  const Tools& tools() const { return tools_; }

 private:
  bool addNamespace(const std::string& name);
  bool join(const std::string& ns, const std::string& bridgePort);
  /// `ns`'s eth0, the peer of `bridgePort` on `bridge` in `bridgeNs`.
  bool join(const std::string& ns, const std::string& bridgeNs, const std::string& bridge,
            const std::string& bridgePort);

  Tools tools_;
  std::string prefix_;
  std::string infra_;
  std::vector<std::string> devices_;
  std::string router_;
  /// The first device behind the router (1-based); 0 while there is none.
  std::size_t segmentFrom_ = 0;
  std::vector<std::string> created_;
  std::vector<std::unique_ptr<Child>> children_;
  std::string error_;
  int ports_ = 0;
};

}  // namespace sztp::lab
