#include "lab/lab.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "testutil/command.h"

namespace sztp::lab {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string findTool(const std::string& name) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    const auto path = fs::path(dir) / name;
    if (::access(path.c_str(), X_OK) == 0) {
      return path.string();
    }
  }
  return "";
}

const fs::path kNetnsDir = "/var/run/netns";
/// Per-namespace files `ip netns exec` mounts over /etc (ip-netns(8)).
const fs::path kNetnsEtc = "/etc/netns";

/// Kills everything still running in `ns` (detached step runners, daemons
/// that forked), again until none is left (a process may fork while being
/// killed), then deletes it.
void destroyNamespace(const std::string& ipTool, const std::string& ns) {
  for (int round = 0; round < 50; ++round) {
    const auto pids = testutil::runCommand({ipTool, "netns", "pids", ns}, 10);
    std::istringstream lines(pids.output);
    int killed = 0;
    for (std::string line; std::getline(lines, line);) {
      const long pid = std::strtol(line.c_str(), nullptr, 10);
      if (pid > 1 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), SIGKILL) == 0) {
        ++killed;
      }
    }
    if (killed == 0) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  (void)testutil::runCommand({ipTool, "netns", "del", ns}, 10);
  std::error_code ec;
  fs::remove_all(kNetnsEtc / ns, ec);
  fs::remove(kNetnsEtc, ec);  // only when empty: another run may use it
}

}  // namespace

Tools Tools::find() {
  Tools tools;
  tools.ip = findTool("ip");
  tools.dnsmasq = findTool("dnsmasq");
  tools.keaDhcp4 = findTool("kea-dhcp4");
  tools.keaDhcp6 = findTool("kea-dhcp6");
  tools.dhclient = findTool("dhclient");
  tools.rsyslogd = findTool("rsyslogd");
  tools.nginx = findTool("nginx");
  return tools;
}

std::optional<std::string> Tools::missing() const {
  if (::geteuid() != 0) {
    return "needs root: network namespaces, veth, a bridge and the DHCP ports";
  }
  if (ip.empty()) {
    return "needs `ip` (iproute2)";
  }
  if (dnsmasq.empty()) {
    return "needs dnsmasq (dnsmasq-base)";
  }
  if (keaDhcp4.empty() || keaDhcp6.empty()) {
    return "needs kea-dhcp4 and kea-dhcp6 (kea-dhcp4-server, kea-dhcp6-server)";
  }
  return std::nullopt;
}

void Lab::sweepStale(const std::string& ipTool) {
  // /etc/netns too: a run may have died between deleting a namespace and
  // its files. Names first, then deletions (never while iterating).
  std::vector<std::string> stale;
  for (const fs::path& dir : {kNetnsDir, kNetnsEtc}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(kNamespacePrefix, 0) != 0) {
        continue;
      }
      // sztp-lab-<pid>-<role>: stale once that pid is gone. (A reused pid
      // keeps it until that process ends: harmless, never wrong.)
      const long pid =
          std::strtol(name.c_str() + std::string(kNamespacePrefix).size(), nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
        stale.push_back(name);
      }
    }
  }
  for (const auto& name : stale) {
    destroyNamespace(ipTool, name);
  }
}

Lab::Lab(Tools tools, const std::vector<DeviceAddressing>& devices) : tools_(std::move(tools)) {
  sweepStale(tools_.ip);
  prefix_ = std::string(kNamespacePrefix) + std::to_string(::getpid()) + "-";
  infra_ = prefix_ + "infra";
  bool ok =
      addNamespace(infra_) &&
      ip({"-n", infra_, "link", "add", kBridge, "type", "bridge", "stp_state", "0", "forward_delay",
          "0", "mcast_snooping", "0"}) &&
      ip({"-n", infra_, "addr", "add", std::string(kInfraV4) + "/24", "dev", kBridge}) &&
      ip({"-n", infra_, "addr", "add", std::string(kInfraV6) + "/64", "dev", kBridge, "nodad"}) &&
      ip({"-n", infra_, "link", "set", kBridge, "up"});
  for (std::size_t k = 1; ok && k <= devices.size(); ++k) {
    const std::string ns = prefix_ + "d" + std::to_string(k);
    devices_.push_back(ns);
    ok = addNamespace(ns) && join(ns, "d" + std::to_string(k));
    if (ok && devices[k - 1].v4) {
      ok = ip({"-n", ns, "addr", "add", deviceV4(k) + "/24", "dev", kDeviceInterface});
    }
    if (ok && devices[k - 1].v6) {
      ok = ip({"-n", ns, "addr", "add", deviceV6(k) + "/64", "dev", kDeviceInterface, "nodad"});
    }
  }
}

Lab::~Lab() {
  for (auto& child : children_) {
    child->kill(SIGTERM);
  }
  for (auto& child : children_) {
    if (child->wait(5s) < 0) {
      child->kill(SIGKILL);
      (void)child->wait(5s);
    }
  }
  children_.clear();
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    destroyNamespace(tools_.ip, *it);
  }
}

bool Lab::ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv{tools_.ip};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = testutil::runCommand(argv, 20);
  if (result.exitCode != 0 && error_.empty()) {
    for (const auto& a : argv) {
      error_ += a + " ";
    }
    error_ += ": " + result.output;
  }
  return result.exitCode == 0;
}

std::string Lab::ipOutput(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{tools_.ip};
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::runCommand(argv, 20).output;
}

bool Lab::addNamespace(const std::string& name) {
  if (!ip({"netns", "add", name})) {
    return false;
  }
  created_.push_back(name);
  // No duplicate address detection (addresses, link-local ones too, usable
  // at once) and no forwarding: a namespace is a host, never a router.
  return ip({"netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0",
             "net.ipv6.conf.all.accept_dad=0", "net.ipv4.ip_forward=0",
             "net.ipv6.conf.all.forwarding=0"}) &&
         ip({"-n", name, "link", "set", "lo", "up"});
}

bool Lab::join(const std::string& ns, const std::string& bridgePort) {
  return join(ns, infra_, kBridge, bridgePort);
}

bool Lab::join(const std::string& ns, const std::string& bridgeNs, const std::string& bridge,
               const std::string& bridgePort) {
  // Created inside the bridge's namespace: the names never meet the host's
  // or another run's.
  return ip({"-n", bridgeNs, "link", "add", bridgePort, "type", "veth", "peer", "name",
             kDeviceInterface, "netns", ns}) &&
         ip({"-n", bridgeNs, "link", "set", bridgePort, "master", bridge, "up"}) &&
         ip({"-n", ns, "link", "set", kDeviceInterface, "up"});
}

bool Lab::addSegment(const std::vector<DeviceAddressing>& devices) {
  if (!router_.empty()) {
    if (error_.empty()) {
      error_ = "addSegment: the lab has its segment already";
    }
    return false;
  }
  router_ = prefix_ + "router";
  const std::string v4(kRouterV4), v6(kRouterV6);
  const std::string gw4(kSegmentGatewayV4), gw6(kSegmentGatewayV6);
  bool ok =
      addNamespace(router_) && join(router_, "r1") &&
      ip({"-n", router_, "addr", "add", v4 + "/24", "dev", kDeviceInterface}) &&
      ip({"-n", router_, "addr", "add", v6 + "/64", "dev", kDeviceInterface, "nodad"}) &&
      ip({"-n", router_, "link", "add", kSegmentBridge, "type", "bridge", "stp_state", "0",
          "forward_delay", "0", "mcast_snooping", "0"}) &&
      ip({"-n", router_, "addr", "add", gw4 + "/24", "dev", kSegmentBridge}) &&
      ip({"-n", router_, "addr", "add", gw6 + "/64", "dev", kSegmentBridge, "nodad"}) &&
      ip({"-n", router_, "link", "set", kSegmentBridge, "up"}) &&
      // The one router of the lab: it forwards between its two links, and
      // has no other (no default route: what is not the lab is unreachable).
      ip({"netns", "exec", router_, "sysctl", "-qw", "net.ipv4.ip_forward=1",
          "net.ipv6.conf.all.forwarding=1"}) &&
      ip({"-n", infra_, "route", "add", std::string(kSegmentV4Prefix) + "0/24", "via", v4}) &&
      ip({"-n", infra_, "-6", "route", "add", std::string(kSegmentV6Prefix) + "/64", "via", v6});
  segmentFrom_ = devices_.size() + 1;
  for (std::size_t i = 0; ok && i < devices.size(); ++i) {
    const std::size_t k = segmentFrom_ + i;
    const std::string ns = prefix_ + "d" + std::to_string(k);
    devices_.push_back(ns);
    ok = addNamespace(ns) && join(ns, router_, kSegmentBridge, "d" + std::to_string(k));
    // A default route only for a family the device has an address of (with
    // none, a connection would wait for its timeout instead of failing at
    // once); a device without IPv4 learns its router from DHCP.
    if (ok && devices[i].v4) {
      ok = ip({"-n", ns, "addr", "add", addressV4(k) + "/24", "dev", kDeviceInterface}) &&
           ip({"-n", ns, "route", "add", "default", "via", gw4});
    }
    if (ok && devices[i].v6) {
      ok = ip({"-n", ns, "addr", "add", addressV6(k) + "/64", "dev", kDeviceInterface, "nodad"}) &&
           ip({"-n", ns, "-6", "route", "add", "default", "via", gw6});
    }
  }
  return ok;
}

std::string Lab::addressV4(std::size_t k) const {
  return onSegment(k) ? kSegmentV4Prefix + std::to_string(10 + k) : deviceV4(k);
}

std::string Lab::addressV6(std::size_t k) const {
  return onSegment(k) ? kSegmentV6Prefix + std::to_string(10 + k) : deviceV6(k);
}

bool Lab::addHost(const std::string& suffix, const std::string& v4, const std::string& v6,
                  std::string* name) {
  *name = prefix_ + suffix;
  return addNamespace(*name) && join(*name, "h" + std::to_string(++ports_)) &&
         ip({"-n", *name, "addr", "add", v4 + "/24", "dev", kDeviceInterface}) &&
         ip({"-n", *name, "addr", "add", v6 + "/64", "dev", kDeviceInterface, "nodad"});
}

bool Lab::setEtcFile(const std::string& ns, const std::string& name, const std::string& text) {
  std::error_code ec;
  fs::create_directories(kNetnsEtc / ns, ec);
  std::ofstream out(kNetnsEtc / ns / name, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out && error_.empty()) {
    error_ = "cannot write " + (kNetnsEtc / ns / name).string();
  }
  return static_cast<bool>(out);
}

std::vector<std::string> Lab::in(const std::string& ns) const {
  return {tools_.ip, "netns", "exec", ns};
}

std::vector<std::string> Lab::in(const std::string& ns, const std::string& hostname) const {
  std::vector<std::string> prefix = in(ns);
  prefix.insert(prefix.end(), {"unshare", "--uts", "--", "/bin/sh", "-c",
                               "hostname \"$1\" && shift && exec \"$@\"", "sh", hostname});
  return prefix;
}

Child* Lab::spawn(const std::string& ns, const std::vector<std::string>& argv,
                  const fs::path& log) {
  std::vector<std::string> full = in(ns);
  full.insert(full.end(), argv.begin(), argv.end());
  children_.push_back(std::make_unique<Child>());
  if (!children_.back()->start(full, log)) {
    children_.pop_back();
    return nullptr;
  }
  return children_.back().get();
}

}  // namespace sztp::lab
