// sztp-lab: the whole SZTP deployment on one machine, played end to end —
// the README's main job. As root (with ip and dnsmasq) it builds the network
// lab: an infrastructure namespace with dnsmasq announcing the redirect
// server in DHCPv4 option 143 and DHCPv6 option 136 (the lines come from
// `sztp dhcp config`), a redirect and an onboarding sztp-server with its
// file server, and three devices in namespaces of their own (IPv4, IPv6
// only, IPv4) that find the redirect server by DHCP and onboard at once.
// Without root it plays the same deployment on loopback, the devices given
// the redirect server's URL instead of DHCP. Each step is printed, then the
// onboarding server's view of each device and every device's `ztp status`.
// Exit 0 when every device completed; 1 otherwise; 2 on usage errors.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lab/deployment.h"
#include "lab/services.h"
#include "testutil/command.h"

namespace {

namespace fs = std::filesystem;
using namespace sztp::lab;

void step(const std::string& title) {
  std::cout << "\n\033[1m== " << title << "\033[0m\n";
}

void say(const std::string& text) {
  std::cout << "   " << text << "\n";
}

/// The event lines of an agent's output (those carrying an SZTP-A id),
/// each prefixed with the device's serial.
std::string eventLines(const std::string& serial, const std::string& output) {
  std::string lines;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) {
      end = output.size();
    }
    const std::string line = output.substr(start, end - start);
    start = end + 1;
    const auto id = line.find("SZTP-A");
    if (id != std::string::npos) {
      lines += "   [" + serial + "] " + line.substr(id) + "\n";
    }
  }
  return lines;
}

struct DeviceRun {
  std::string serial;
  std::string how;  ///< How it is addressed and finds the server.
  std::string output;
  std::string why;
  bool ok = false;
};

/// Boots every device twice (install + reboot, then the rest) at once,
/// printing each boot's events as it ends.
void onboardAll(Deployment& deployment, std::vector<DeviceRun>& runs) {
  std::mutex printing;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    threads.emplace_back([&, i] {
      DeviceRun& run = runs[i];
      Device& device = deployment.device(i);
      for (const char* state : {"awaiting-reboot", "completed"}) {
        std::string output;
        const bool ok = Deployment::boot(device, state, output, run.why);
        run.output += output;
        {
          const std::lock_guard lock(printing);
          std::cout << eventLines(run.serial, output);
          say("[" + run.serial + "] boot ended: " + (ok ? state : "FAILED"));
          std::cout.flush();
        }
        if (!ok) {
          return;
        }
      }
      run.ok = device.effects() == fullEffects();
      if (!run.ok) {
        run.why =
            "effects differ from a full onboarding:\n" + sztp::agent::e2e::joined(device.effects());
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
}

int report(Deployment& deployment, const std::vector<DeviceRun>& runs) {
  step("The operator's view: the onboarding server's log of each device");
  for (const auto& run : runs) {
    for (const auto& line : deployment.onboarding().stopAndReadDeviceLog(run.serial)) {
      say("[" + run.serial + "] " + line.substr(0, 160));
    }
  }
  step("Every device's `ztp status`");
  int failed = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::cout << "\n   --- " << runs[i].serial << " (" << runs[i].how << ") ---\n";
    const auto status = deployment.device(i).ztp({"status"});
    std::cout << status.output;
    if (!runs[i].ok) {
      ++failed;
      std::cout << "   FAILED: " << runs[i].why << "\n";
    }
  }
  std::cout << "\n"
            << (failed == 0 ? "All " + std::to_string(runs.size()) + " devices onboarded."
                            : std::to_string(failed) + " device(s) did not onboard.")
            << "\n";
  return failed == 0 ? 0 : 1;
}

bool startServers(Deployment& deployment, bool lab) {
  std::string why;
  if (!deployment.startOnboardingServer(why)) {
    std::cerr << "sztp-lab: " << why << "\n";
    return false;
  }
  say("onboarding server: " +
      std::string(lab ? std::string("https://") + kInfraV4 + ":" + kOnboardingPort +
                            " and https://[" + kInfraV6 + "]:" + kOnboardingPort
                      : deployment.onboarding().url()) +
      " (file server port " +
      (lab ? std::string(kFilesPort) : std::to_string(deployment.onboarding().filesPort())) +
      ": the DemoOS 2.0 boot image; scripts, configuration; verbose reporting)");
  if (!deployment.startRedirectServer(why)) {
    std::cerr << "sztp-lab: " << why << "\n";
    return false;
  }
  say("redirect server:   " + deployment.redirectUrl() +
      " (a signed redirect to the onboarding server, with its trust anchor)");
  return true;
}

int runLab(const fs::path& work, const Tools& tools) {
  const std::vector<std::pair<std::string, Lab::DeviceAddressing>> plan = {
      {"IPv4, DHCPINFORM", Lab::DeviceAddressing{}},
      {"IPv6 only, DHCPv6 Information-Request", Lab::DeviceAddressing{.v4 = false, .v6 = true}},
      {"IPv4, DHCPINFORM", Lab::DeviceAddressing{}}};
  std::string why;

  step("Manufacturer and owner: a demo PKI, an IDevID and an ownership voucher per device");
  std::vector<std::string> serials;
  for (std::size_t k = 1; k <= plan.size(); ++k) {
    serials.push_back(serialOf(k));
  }
  if (!makePki(work / "pki", {kInfraV4, kInfraV6}, serials, why)) {
    std::cerr << "sztp-lab: " << why << "\n";
    return 1;
  }
  say("sztp pki init --dir " + (work / "pki").string() +
      " --serial SN-1 --serial SN-2 --serial SN-3");
  say("vouchers: SN-1.vcj SN-2.vcj SN-3.vcj, each pinning the owner's CA");

  step("The network: an infrastructure namespace with a bridge, a namespace per device");
  std::vector<Lab::DeviceAddressing> addressing;
  for (const auto& entry : plan) {
    addressing.push_back(entry.second);
  }
  Lab lab(tools, addressing);
  if (!lab.error().empty()) {
    std::cerr << "sztp-lab: the lab did not come up: " << lab.error() << "\n";
    return 1;
  }
  say("infrastructure " + lab.infra() + ": " + kInfraV4 + "/24, " + kInfraV6 +
      "/64 (no route out of the lab)");
  for (std::size_t k = 1; k <= plan.size(); ++k) {
    say("device " + lab.device(k) + ": " + plan[k - 1].first);
  }

  step("DHCP: dnsmasq announcing the redirect server (lines from `sztp dhcp config`)");
  std::vector<std::string> dhcpArgv{sztp::testutil::binaryPath("sztp"), "dhcp", "config",
                                    "--dnsmasq"};
  for (const auto& uri : redirectUris()) {
    dhcpArgv.insert(dhcpArgv.end(), {"--uri", uri});
  }
  const auto dhcpConfig = sztp::testutil::runCommand(dhcpArgv);
  std::cout << dhcpConfig.output;
  fs::create_directories(work / "dhcp");
  if (startDnsmasq(lab, DhcpSite{lab.infra(), kBridge}, redirectUris(), work / "dhcp", why) ==
      nullptr) {
    std::cerr << "sztp-lab: " << why << "\n";
    return 1;
  }

  step("Bootstrap servers (sztp-server) in the infrastructure namespace");
  Deployment deployment(lab, work, work / "pki");
  std::vector<DeviceRun> runs;
  for (std::size_t k = 1; k <= plan.size(); ++k) {
    deployment.addDevice(k);
    runs.push_back(DeviceRun{
        .serial = serialOf(k), .how = plan[k - 1].first, .output = {}, .why = {}, .ok = false});
  }
  if (!startServers(deployment, true)) {
    return 1;
  }

  step("Power on: every device runs sztp-agent as at boot, all at once");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    deployment.device(i).writeConfig(Deployment::dhcpSources(true));
  }
  onboardAll(deployment, runs);
  return report(deployment, runs);
}

int runLoopback(const fs::path& work) {
  std::string why;
  step("Manufacturer and owner: a demo PKI, an IDevID and an ownership voucher per device");
  if (!makePki(work / "pki", {"127.0.0.1"}, {"SN-1", "SN-2"}, why)) {
    std::cerr << "sztp-lab: " << why << "\n";
    return 1;
  }
  say("sztp pki init --dir " + (work / "pki").string() + " --serial SN-1 --serial SN-2");

  step("Bootstrap servers (sztp-server) on loopback");
  Deployment deployment(work, work / "pki");
  std::vector<DeviceRun> runs;
  for (std::size_t k = 1; k <= 2; ++k) {
    deployment.addDevice(k);
    runs.push_back(DeviceRun{.serial = serialOf(k),
                             .how = "loopback, given the redirect server URL",
                             .output = {},
                             .why = {},
                             .ok = false});
  }
  if (!startServers(deployment, false)) {
    return 1;
  }

  step("Power on: every device runs sztp-agent as at boot, all at once");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    deployment.device(i).writeConfig(Deployment::urlSources(deployment.redirectUrl()));
  }
  onboardAll(deployment, runs);
  return report(deployment, runs);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "sztp-lab: the whole SZTP deployment on one machine, played end to end.\n"
      "As root, with ip and dnsmasq: network namespaces (an infrastructure namespace with DHCP,\n"
      "a redirect and an onboarding sztp-server with its file server; three devices, one IPv6\n"
      "only, finding the redirect server by DHCP option 143/136). Otherwise, or with\n"
      "--loopback: the same servers on 127.0.0.1 and two devices given the redirect URL.\n"
      "Every step is printed, then each device's `ztp status`. Exit 0 when every device\n"
      "completed, 1 otherwise, 2 on usage errors. Namespaces and processes are removed at the\n"
      "end, failed runs included."};
  bool loopback = false;
  std::string directory;
  bool keep = false;
  app.add_flag("--loopback", loopback, "Play on loopback even as root (no namespaces, no DHCP)");
  app.add_option("--dir", directory,
                 "Work directory (PKI, servers, devices, logs); default: a new one in /tmp");
  app.add_flag("--keep", keep, "Keep the work directory afterwards (always kept with --dir)");
  CLI11_PARSE(app, argc, argv);

  fs::path work;
  if (directory.empty()) {
    std::string pattern = (fs::temp_directory_path() / "sztp-lab.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("sztp-lab: mkdtemp");
      return 1;
    }
    work = pattern;
  } else {
    work = fs::absolute(directory);
    fs::create_directories(work);
    keep = true;
  }

  // The lab needs root, ip and dnsmasq (Kea is for the tests, not the demo).
  const Tools tools = Tools::find();
  const bool labPossible = ::geteuid() == 0 && !tools.ip.empty() && !tools.dnsmasq.empty();
  int status = 0;
  if (!loopback && labPossible) {
    std::cout << "sztp-lab: the network lab in namespaces (work directory " << work.string()
              << ")\n";
    status = runLab(work, tools);
  } else {
    std::cout << "sztp-lab: on loopback"
              << (loopback ? "" : " (the namespace lab needs root, ip and dnsmasq)")
              << " (work directory " << work.string() << ")\n";
    status = runLoopback(work);
  }
  if (keep) {
    std::cout << "work directory kept: " << work.string() << "\n";
  } else {
    std::error_code ignored;
    fs::remove_all(work, ignored);
  }
  return status;
}
