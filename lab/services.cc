#include "lab/services.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "common/bytes.h"
#include "common/clock.h"
#include "crypto/certificate.h"
#include "crypto/certification_request.h"
#include "crypto/issuer.h"
#include "crypto/private_key.h"
#include "testutil/command.h"

namespace sztp::lab {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// `sztp dhcp config <flags> --uri ...`, run for real; false with `why` on failure.
bool sztpDhcpConfig(std::vector<std::string> flags, const std::vector<std::string>& uris,
                    std::string& output, std::string& why) {
  std::vector<std::string> argv{testutil::binaryPath("sztp"), "dhcp", "config"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  for (const auto& uri : uris) {
    argv.insert(argv.end(), {"--uri", uri});
  }
  const auto result = testutil::runCommand(argv, 30);
  if (result.exitCode != 0) {
    why = "sztp dhcp config failed: " + result.output;
    return false;
  }
  output = result.output;
  return true;
}

std::size_t linesCount(const std::string& text) {
  std::size_t lines = 0;
  for (const char c : text) {
    lines += c == '\n';
  }
  return lines;
}

/// dnsmasq in the foreground, DHCP only (no DNS port), configured by its
/// command line alone, logging every DHCP message to stdout.
std::vector<std::string> dnsmasqDhcp(const Lab& lab) {
  return {lab.tools().dnsmasq, "--keep-in-foreground", "--conf-file=/dev/null",
          "--no-resolv",       "--no-hosts",           "--port=0",
          "--user=root",       "--pid-file=",          "--log-dhcp",
          "--log-facility=-"};
}

/// Waits, while `child` runs, until `ready` holds for what `ss -H<flags>
/// sport = <port>` lists in `ns`: for daemons that say nothing when their
/// sockets are open.
bool waitForSockets(const Lab& lab, Child* child, const std::string& ns, const std::string& flags,
                    const std::string& port, const std::function<bool(const std::string&)>& ready) {
  for (int i = 0; i < 200; ++i) {
    const std::string sockets =
        testutil::runCommand(
            {lab.tools().ip, "netns", "exec", ns, "ss", "-H" + flags, "sport", "=", port}, 10)
            .output;
    if (ready(sockets)) {
      return true;
    }
    if (!child->running()) {
      return false;
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

/// Waits (`tries` × 50 ms) while `child` runs until `file` holds `text`:
/// for a DHCP client's lease, written once the answer is taken.
bool waitForFileText(Child* child, const fs::path& file, const std::string& text, int tries) {
  for (int i = 0; i < tries && child->running(); ++i) {
    if (readText(file).find(text) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

/// Waits until the log holds `text` while the child runs.
bool waitForLog(Child* child, const std::string& text, std::string& why, const std::string& name) {
  if (child == nullptr) {
    why = name + ": cannot start it";
    return false;
  }
  if (!child->waitForLog(text, 20s)) {
    why = name + " did not get ready (\"" + text + "\"):\n" + child->log();
    return false;
  }
  return true;
}

}  // namespace

Child* startDnsmasq(Lab& lab, const DhcpSite& site, const std::vector<std::string>& uris,
                    const fs::path& directory, std::string& why) {
  std::string config;
  if (!sztpDhcpConfig({"--dnsmasq"}, uris, config, why)) {
    return nullptr;
  }
  std::vector<std::string> argv = dnsmasqDhcp(lab);
  argv.insert(argv.end(),
              {"--leasefile-ro", "--interface=" + site.interface,
               "--dhcp-range=" + site.v4Prefix + "100," + site.v4Prefix + "200,255.255.255.0,10m",
               "--dhcp-range=" + site.v6Prefix + "100," + site.v6Prefix + "1ff,64,10m"});
  for (const auto& prefix : site.relayedV4Prefixes) {
    argv.push_back("--dhcp-range=" + prefix + "100," + prefix + "200,255.255.255.0,10m");
  }
  for (const auto& prefix : site.relayedV6Prefixes) {
    argv.push_back("--dhcp-range=" + prefix + "100," + prefix + "1ff,64,10m");
  }
  // Each configuration line of the emitted dnsmasq.conf is an option.
  std::istringstream lines(config);
  int options = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != '#') {
      argv.push_back("--" + line);
      ++options;
    }
  }
  if (options != 2) {
    why = "expected two dhcp-option lines from sztp dhcp config --dnsmasq:\n" + config;
    return nullptr;
  }
  Child* child = lab.spawn(site.ns, argv, directory / "dnsmasq.log");
  return waitForLog(child, "DHCPv6, IP range", why, "dnsmasq") ? child : nullptr;
}

Child* startDhcpRelay(Lab& lab, const std::string& serverV4, const std::string& serverV6,
                      const fs::path& directory, std::string& why) {
  if (lab.router().empty()) {
    why = "no router: call Lab::addSegment first";
    return nullptr;
  }
  std::vector<std::string> argv = dnsmasqDhcp(lab);
  argv.push_back(std::string("--dhcp-relay=") + kSegmentGatewayV4 + "," + serverV4);
  argv.push_back(std::string("--dhcp-relay=") + kSegmentGatewayV6 + "," + serverV6);
  Child* child = lab.spawn(lab.router(), argv, directory / "dhcp-relay.log");
  return waitForLog(child, std::string("DHCP relay from ") + kSegmentGatewayV6, why,
                    "dnsmasq DHCP relay")
             ? child
             : nullptr;
}

Child* startDnsServer(Lab& lab, const std::string& ns, const std::vector<std::string>& listen,
                      const std::string& domain, const std::vector<std::string>& records,
                      const fs::path& directory, std::string& why) {
  std::vector<std::string> argv{
      lab.tools().dnsmasq, "--keep-in-foreground", "--conf-file=/dev/null",
      "--no-resolv",       "--no-hosts",           "--port=53",
      "--user=root",       "--pid-file=",          "--bind-interfaces",
      "--log-queries",     "--log-facility=-",     "--local=/" + domain + "/"};
  for (const auto& address : listen) {
    argv.push_back("--listen-address=" + address);
  }
  argv.insert(argv.end(), records.begin(), records.end());
  Child* child = lab.spawn(ns, argv, directory / "dns.log");
  // "started" is logged once the sockets are bound.
  return waitForLog(child, "started, version", why, "dnsmasq DNS") ? child : nullptr;
}

Child* startSyslogServer(Lab& lab, const std::string& ns, const std::string& address,
                         const std::string& port, const fs::path& received,
                         const fs::path& directory, std::string& why) {
  if (lab.tools().rsyslogd.empty()) {
    why = "no rsyslogd";
    return nullptr;
  }
  const fs::path work = directory / "rsyslog";
  fs::create_directories(work);
  // Only these inputs and this output: no local socket, no system files.
  writeText(directory / "rsyslog.conf",
            "global(workDirectory=\"" + work.string() +
                "\")\n"
                "module(load=\"imudp\")\nmodule(load=\"imtcp\")\n"
                "input(type=\"imudp\" address=\"" +
                address + "\" port=\"" + port +
                "\")\n"
                "input(type=\"imtcp\" address=\"" +
                address + "\" port=\"" + port +
                "\")\n"
                "template(name=\"asReceived\" type=\"string\" string=\"%inputname% %rawmsg%\\n\")\n"
                "*.* action(type=\"omfile\" file=\"" +
                received.string() + "\" template=\"asReceived\")\n");
  Child* child = lab.spawn(ns,
                           {lab.tools().rsyslogd, "-n", "-f", (directory / "rsyslog.conf").string(),
                            "-i", (directory / "rsyslogd.pid").string()},
                           directory / "rsyslogd.log");
  if (child == nullptr) {
    why = "cannot start rsyslogd";
    return nullptr;
  }
  // Both listeners.
  if (waitForSockets(lab, child, ns, "lnut", ":" + port, [](const std::string& sockets) {
        return sockets.find("udp") != std::string::npos && sockets.find("tcp") != std::string::npos;
      })) {
    return child;
  }
  why = "rsyslogd did not listen on " + address + ":" + port + ":\n" + child->log();
  return nullptr;
}

Child* startFileServer(Lab& lab, const std::string& ns, const std::vector<std::string>& listen,
                       const fs::path& root, const fs::path& cert, const fs::path& key,
                       const fs::path& clientCa, const fs::path& directory, std::string& why) {
  if (lab.tools().nginx.empty()) {
    why = "no nginx";
    return nullptr;
  }
  const std::string dir = directory.string();
  fs::create_directories(directory / "tmp");
  std::string listens;
  for (const auto& address : listen) {
    listens += "    listen " + address + " ssl;\n";
  }
  // Workers run as root: the lab's files are in private (0700) temporary
  // directories. Everything nginx writes is in `directory`.
  writeText(directory / "nginx.conf",
            "user root;\nworker_processes 1;\ndaemon off;\npid " + dir + "/nginx.pid;\nerror_log " +
                dir +
                "/error.log notice;\n"
                "events { worker_connections 64; }\n"
                "http {\n"
                "  log_format files '$remote_addr \"$request\" $status $body_bytes_sent "
                "\"$ssl_client_s_dn\"';\n"
                "  access_log " +
                dir + "/access.log files;\n" + "  client_body_temp_path " + dir +
                "/tmp/body;\n  proxy_temp_path " + dir + "/tmp/proxy;\n  fastcgi_temp_path " + dir +
                "/tmp/fastcgi;\n  uwsgi_temp_path " + dir + "/tmp/uwsgi;\n  scgi_temp_path " + dir +
                "/tmp/scgi;\n"
                "  default_type application/octet-stream;\n"
                "  server {\n" +
                listens + "    ssl_certificate " + cert.string() + ";\n    ssl_certificate_key " +
                key.string() +
                ";\n"
                "    ssl_protocols TLSv1.2 TLSv1.3;\n"
                "    ssl_client_certificate " +
                clientCa.string() +
                ";\n"
                "    ssl_verify_client on;\n"
                "    root " +
                root.string() + ";\n  }\n}\n");
  const std::string port = listen.empty() ? "" : listen.front().substr(listen.front().rfind(':'));
  Child* child = lab.spawn(
      ns, {lab.tools().nginx, "-e", dir + "/error.log", "-p", dir, "-c", dir + "/nginx.conf"},
      directory / "nginx.log");
  if (child == nullptr) {
    why = "cannot start nginx";
    return nullptr;
  }
  // One listener per address.
  if (waitForSockets(lab, child, ns, "ltn", port, [&listen](const std::string& sockets) {
        return linesCount(sockets) >= listen.size();
      })) {
    return child;
  }
  why =
      "nginx did not listen on " + port + ":\n" + child->log() + readText(directory / "error.log");
  return nullptr;
}

bool startKea(Lab& lab, const DhcpSite& site, const std::vector<std::string>& uris,
              const fs::path& directory, std::string& why) {
  std::string v4, v6;
  if (!sztpDhcpConfig({"--kea", "--v4"}, uris, v4, why) ||
      !sztpDhcpConfig({"--kea", "--v6"}, uris, v6, why)) {
    return false;
  }
  const std::string dir = directory.string();
  auto logger = [](const std::string& name) {
    return "  \"loggers\": [{\"name\": \"" + name +
           "\", \"output_options\": [{\"output\": \"stdout\"}], \"severity\": \"DEBUG\", "
           "\"debuglevel\": 55}],\n";
  };
  // One subnet per link: the server's own (its interface) and each relayed
  // one (chosen by the relay's address in the request).
  auto subnet = [](int id, const std::string& cidr, const std::string& from, const std::string& to,
                   const std::string& interface) {
    return "{\"id\": " + std::to_string(id) + ", \"subnet\": \"" + cidr + "\"" +
           (interface.empty() ? "" : ", \"interface\": \"" + interface + "\"") +
           ", \"pools\": [{\"pool\": \"" + from + " - " + to + "\"}]}";
  };
  std::string subnets4 = subnet(1, site.v4Prefix + "0/24", site.v4Prefix + "100",
                                site.v4Prefix + "200", site.interface);
  std::string subnets6 = subnet(1, site.v6Prefix + "/64", site.v6Prefix + "100",
                                site.v6Prefix + "1ff", site.interface);
  int id = 1;
  for (const auto& prefix : site.relayedV4Prefixes) {
    // The relay's address is the link's router (.1), as dnsmasq answers
    // relayed requests by default.
    std::string relayed = subnet(++id, prefix + "0/24", prefix + "100", prefix + "200", "");
    relayed.insert(relayed.size() - 1,
                   ", \"option-data\": [{\"name\": \"routers\", \"data\": \"" + prefix + "1\"}]");
    subnets4 += ", " + relayed;
  }
  for (const auto& prefix : site.relayedV6Prefixes) {
    subnets6 += ", " + subnet(++id, prefix + "/64", prefix + "100", prefix + "1ff", "");
  }
  // Relayed DHCPv6 arrives by unicast: Kea opens that socket only for
  // "<interface>/<address>" (it still takes multicast on the link).
  const std::string interface6 =
      site.v6Address.empty() ? site.interface : site.interface + "/" + site.v6Address;
  // The emitted members (with their // comments, which Kea accepts) go last
  // in the server's object, as their header says.
  writeText(directory / "kea-dhcp4.conf",
            "{\"Dhcp4\": {\n"
            "  \"interfaces-config\": {\"interfaces\": [\"" +
                site.interface +
                "\"], \"dhcp-socket-type\": \"raw\"},\n"
                "  \"lease-database\": {\"type\": \"memfile\", \"persist\": false},\n"
                "  \"valid-lifetime\": 600,\n"
                "  \"subnet4\": [" +
                subnets4 + "],\n" + logger("kea-dhcp4") + v4 + "\n}}\n");
  writeText(directory / "kea-dhcp6.conf",
            "{\"Dhcp6\": {\n"
            "  \"interfaces-config\": {\"interfaces\": [\"" +
                interface6 +
                "\"]},\n"
                "  \"data-directory\": \"" +
                dir +
                "\",\n"
                "  \"server-id\": {\"type\": \"LL\", \"persist\": false},\n"
                "  \"lease-database\": {\"type\": \"memfile\", \"persist\": false},\n"
                "  \"preferred-lifetime\": 300, \"valid-lifetime\": 600,\n"
                "  \"subnet6\": [" +
                subnets6 + "],\n" + logger("kea-dhcp6") + v6 + "\n}}\n");
  for (const auto& [binary, name] : {std::pair{lab.tools().keaDhcp4, std::string("kea-dhcp4")},
                                     std::pair{lab.tools().keaDhcp6, std::string("kea-dhcp6")}}) {
    // Lock and pid files in the run's directory, not /run/kea.
    Child* child = lab.spawn(site.ns,
                             {"/usr/bin/env", "KEA_LOCKFILE_DIR=" + dir, "KEA_PIDFILE_DIR=" + dir,
                              binary, "-c", (directory / (name + ".conf")).string()},
                             directory / (name + ".log"));
    // DHCPSRV_CFGMGR_ADD_IFACE / *_STARTED: the sockets are open.
    if (!waitForLog(child, name == "kea-dhcp4" ? "DHCP4_STARTED" : "DHCP6_STARTED", why, name)) {
      return false;
    }
  }
  return true;
}

Child* startDhclient(Lab& lab, const std::string& ns, const fs::path& leaseFile,
                     const fs::path& directory, std::string& why) {
  return startDhclient(lab, ns, leaseFile, directory, false, why);
}

Child* startDhclient(Lab& lab, const std::string& ns, const fs::path& leaseFile,
                     const fs::path& directory, bool takeRouter, std::string& why) {
  if (lab.tools().dhclient.empty()) {
    why = "no dhclient";
    return nullptr;
  }
  // Only what the device needs: no name servers, so nothing would touch
  // resolv.conf even with the stock script.
  writeText(directory / "dhclient.conf", std::string("option sztp-redirect code 143 = string;\n") +
                                             "request subnet-mask, broadcast-address, " +
                                             (takeRouter ? "routers, " : "") +
                                             "sztp-redirect;\n"
                                             "timeout 20;\nretry 1;\n");
  const std::string& ip = lab.tools().ip;
  const std::string route =
      takeRouter ? "  [ -n \"$new_routers\" ] && " + ip +
                       " route replace default via \"${new_routers%% *}\" dev \"$interface\"\n"
                 : "";
  writeText(directory / "dhclient-script",
            "#!/bin/sh\n"
            "case \"$reason\" in BOUND|RENEW|REBIND|REBOOT)\n"
            "  " +
                ip + " addr replace \"$new_ip_address/$new_subnet_mask\" dev \"$interface\"\n" +
                route + "  ;;\nesac\nexit 0\n");
  ::chmod((directory / "dhclient-script").c_str(), 0755);
  Child* child = lab.spawn(
      ns,
      {lab.tools().dhclient, "-d", "-4", "-v", "-cf", (directory / "dhclient.conf").string(), "-lf",
       leaseFile.string(), "-pf", (directory / "dhclient.pid").string(), "-sf",
       (directory / "dhclient-script").string(), kDeviceInterface},
      directory / "dhclient.log");
  if (!waitForLog(child, "bound to", why, "dhclient")) {
    return nullptr;
  }
  if (waitForFileText(child, leaseFile, "option sztp-redirect", 100)) {
    return child;
  }
  why = "the dhclient lease has no sztp-redirect option:\n" + readText(leaseFile);
  return nullptr;
}

bool startDeviceTpm(Lab& lab, std::size_t k, testutil::SoftwareTpm& tpm, std::string& why) {
  testutil::SoftwareTpm::Placement where;
  where.prefix = lab.in(lab.device(k));
  where.port = kDeviceTpmPort;
  where.rsaKey = false;
  // The agent verifies the server's TLS chain in the TPM too (docs/agent.md):
  // more objects than bare swtpm's 3 slots.
  where.resourceManager = true;
  if (!tpm.start(where)) {
    why = tpm.skipReason();
    return false;
  }
  return true;
}

namespace {

/// The O attribute of an RFC 2253 subject ("CN=x,O=y" gives "y"), or "".
std::string organizationOf(const std::string& subject) {
  std::istringstream parts(subject);
  for (std::string part; std::getline(parts, part, ',');) {
    if (part.rfind("O=", 0) == 0) {
      return part.substr(2);
    }
  }
  return "";
}

/// The IDevID for the key of `csr` (DER) by `pki`'s manufacturer CA, as PEM:
/// the profile of pki::issueIdevid (demo_pki.cc) for an EC key.
bool issueIdevid(const fs::path& csr, const fs::path& pki, const std::string& serial,
                 std::string& pem, std::string& why) {
  const std::string der = readText(csr);
  auto request = crypto::CertificationRequest::fromDer(asBytes(der));
  if (!request || !request->verifySignature()) {
    why = "the TPM's CSR is malformed or not signed by its key";
    return false;
  }
  auto ca = crypto::Certificate::fromPem(readText(pki / "manufacturer/ca.crt"));
  auto caKey = crypto::PrivateKey::fromPem(readText(pki / "manufacturer/ca.key"));
  if (!ca || !caKey) {
    why = "cannot read the manufacturer CA in " + pki.string();
    return false;
  }
  crypto::CertificateProfile profile;
  profile.subject = {
      {"O", organizationOf(ca->subject())}, {"CN", "IDevID " + serial}, {"serialNumber", serial}};
  profile.notBefore = SystemClock().now() - std::chrono::hours(1);
  profile.notAfter = std::nullopt;  // An IDevID never expires (I3).
  profile.keyUsage = crypto::kDigitalSignature | crypto::kKeyAgreement;
  profile.extendedKeyUsage = {"clientAuth"};
  auto idevid = crypto::issueCertificate(profile, request->publicKey(), *ca, *caKey);
  if (!idevid) {
    why = "issuing the TPM IDevID: " + idevid.error().describe();
    return false;
  }
  pem = idevid->toPem();
  return true;
}

}  // namespace

bool useTpmIdentity(agent::e2e::Device& device, const std::string& serial, const fs::path& pki,
                    testutil::SoftwareTpm& tpm, std::string& why) {
  const std::string handle = std::string("handle:") + testutil::kTpmEcHandle;
  const std::string csr = tpm.path("idevid.csr");
  // In the TPM's namespace: the provider signs with the TPM key there.
  if (!tpm.run({"openssl", "req", "-new", "-provider", "tpm2", "-provider", "default", "-key",
                handle, "-subj", "/CN=IDevID " + serial, "-outform", "DER", "-out", csr})) {
    why = tpm.skipReason();
    return false;
  }
  std::string pem;
  if (!issueIdevid(csr, pki, serial, pem, why)) {
    return false;
  }
  std::string config = readText(device.config());
  const std::string softwareKey = "  key: idevid.key\n";
  const auto at = config.find(softwareKey);
  if (at == std::string::npos) {
    why = "agent.yaml has no `key: idevid.key` line (write the configuration first)";
    return false;
  }
  config.replace(at, softwareKey.size(), "  key-provider: tpm2\n  key: " + handle + "\n");
  writeText(device.config(), config);
  writeText(device.root() / "idevid.pem", pem);
  fs::remove(device.root() / "idevid.key");
  device.setAgentPrefix(tpm.commandPrefix());
  return true;
}

}  // namespace sztp::lab

// ---------------------------------------------------------------- DHCPv6 client

namespace sztp::lab {

Child* startDhclient6(Lab& lab, const std::string& ns, const fs::path& leaseFile,
                      const fs::path& directory, std::string& why) {
  if (lab.tools().dhclient.empty()) {
    why = "no dhclient";
    return nullptr;
  }
  // `request` replaces dhclient's default list: only option 136 (Kea sends
  // it only when asked; "always-send" is false in the emitted config).
  writeText(directory / "dhclient6.conf",
            "option dhcp6.sztp-redirect code 136 = string;\n"
            "request dhcp6.sztp-redirect;\n"
            "timeout 20;\nretry 1;\n");
  // The leased address without duplicate address detection, so that the
  // device can use it at once (the stock script waits for DAD instead).
  writeText(directory / "dhclient6-script",
            "#!/bin/sh\n"
            "case \"$reason\" in BOUND6|RENEW6|REBIND6|REBOOT6)\n"
            "  [ -n \"$new_ip6_address\" ] && " +
                lab.tools().ip +
                " -6 addr replace \"$new_ip6_address/$new_ip6_prefixlen\" dev \"$interface\" "
                "nodad\n"
                "  ;;\nesac\nexit 0\n");
  ::chmod((directory / "dhclient6-script").c_str(), 0755);
  const std::vector<std::string> argv{lab.tools().dhclient,
                                      "-d",
                                      "-6",
                                      "-v",
                                      "-cf",
                                      (directory / "dhclient6.conf").string(),
                                      "-lf",
                                      leaseFile.string(),
                                      "-pf",
                                      (directory / "dhclient6.pid").string(),
                                      "-sf",
                                      (directory / "dhclient6-script").string(),
                                      kDeviceInterface};
  Child* child = lab.spawn(ns, argv, directory / "dhclient6.log");
  if (child == nullptr) {
    why = "dhclient -6: cannot start it";
    return nullptr;
  }
  // dhclient writes the lease file once the Reply is taken (and the script ran).
  if (waitForFileText(child, leaseFile, "option dhcp6.sztp-redirect", 300)) {
    return child;
  }
  why = "the dhclient -6 lease has no dhcp6.sztp-redirect option:\n" + readText(leaseFile) +
        "\ndhclient -6:\n" + child->log();
  return nullptr;
}

}  // namespace sztp::lab

// ---------------------------------------------------------------- authoritative DNS

namespace sztp::lab {

std::string findNsd() {
  for (const char* path : {"/usr/sbin/nsd", "/usr/bin/nsd", "/sbin/nsd"}) {
    if (::access(path, X_OK) == 0) {
      return path;
    }
  }
  return "";
}

bool sztpDnsRecords(const std::vector<std::string>& args, std::string& records, std::string& why) {
  std::vector<std::string> argv{testutil::binaryPath("sztp"), "dns"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = testutil::runCommand(argv, 30);
  if (result.exitCode != 0) {
    why = "sztp dns " + args.front() + " failed: " + result.output;
    return false;
  }
  // runCommand merges stderr; keep only the records (notes start "sztp: ").
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.rfind("sztp: ", 0) != 0) {
      records += line + "\n";
    }
  }
  return true;
}

Child* startAuthoritativeDns(Lab& lab, const std::string& ns,
                             const std::vector<std::string>& listen, const std::string& domain,
                             const std::string& records, const fs::path& directory,
                             std::string& why) {
  const std::string nsd = findNsd();
  if (nsd.empty()) {
    why = "no nsd";
    return nullptr;
  }
  fs::create_directories(directory);
  const std::string dir = directory.string();
  const fs::path zone = directory / (domain + ".zone");
  writeText(zone, "$TTL 60\n" + domain + ". IN SOA ns." + domain + ". hostmaster." + domain +
                      ". 1 3600 600 86400 60\n" + domain + ". IN NS ns." + domain + ".\n" +
                      records);
  // username "" and chroot "" keep it root and unconfined in the test
  // directory; database "" keeps the zone in memory; server-count 1 makes
  // one process answer (its counters are the totals); the control socket
  // is a local file, no keys.
  const auto quoted = [](const std::string& text) { return "\"" + text + "\""; };
  std::vector<std::string> lines{"server:"};
  for (const auto& address : listen) {
    lines.push_back("  ip-address: " + address);
  }
  lines.insert(lines.end(),
               {"  port: 53", "  username: \"\"", "  chroot: \"\"", "  database: \"\"",
                "  server-count: 1", "  verbosity: 2", "  hide-version: yes",
                "  zonesdir: " + quoted(dir), "  pidfile: " + quoted(dir + "/nsd.pid"),
                "  xfrdfile: " + quoted(dir + "/xfrd.state"), "  xfrdir: " + quoted(dir),
                "  zonelistfile: " + quoted(dir + "/zone.list"), "remote-control:",
                "  control-enable: yes", "  control-interface: " + quoted(dir + "/nsd.ctl"),
                "zone:", "  name: " + domain, "  zonefile: " + quoted(zone.string())});
  std::string config;
  for (const auto& line : lines) {
    config += line + "\n";
  }
  writeText(directory / "nsd.conf", config);
  Child* child =
      lab.spawn(ns, {nsd, "-d", "-c", (directory / "nsd.conf").string()}, directory / "nsd.log");
  // "zone ... read with success" comes first, "nsd started" once it serves.
  if (!waitForLog(child, "nsd started", why, "nsd")) {
    return nullptr;
  }
  if (child->log().find("zone " + domain + " read with success") == std::string::npos) {
    why = "nsd did not load the zone:\n" + child->log();
    return nullptr;
  }
  return child;
}

std::string authoritativeDnsStatistics(const fs::path& directory) {
  const std::string control = findNsd() + "-control";
  if (::access(control.c_str(), X_OK) != 0) {
    return "";
  }
  const auto result =
      testutil::runCommand({control, "-c", (directory / "nsd.conf").string(), "stats_noreset"}, 10);
  return result.exitCode == 0 ? result.output : "";
}

}  // namespace sztp::lab
