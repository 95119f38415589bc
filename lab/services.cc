#include "lab/services.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
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
  std::vector<std::string> argv{
      lab.tools().dnsmasq,
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      "--no-resolv",
      "--no-hosts",
      "--port=0",
      "--user=root",
      "--pid-file=",
      "--leasefile-ro",
      "--log-dhcp",
      "--log-facility=-",
      "--interface=" + site.interface,
      "--dhcp-range=" + site.v4Prefix + "100," + site.v4Prefix + "200,255.255.255.0,10m",
      "--dhcp-range=" + site.v6Prefix + "100," + site.v6Prefix + "1ff,64,10m"};
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
  // rsyslogd logs nothing to stdout when ready: wait for both listeners.
  for (int i = 0; i < 200; ++i) {
    const std::string sockets =
        testutil::runCommand(
            {lab.tools().ip, "netns", "exec", ns, "ss", "-Hlnut", "sport", "=", ":" + port}, 10)
            .output;
    if (sockets.find("udp") != std::string::npos && sockets.find("tcp") != std::string::npos) {
      return child;
    }
    if (!child->running()) {
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  why = "rsyslogd did not listen on " + address + ":" + port + ":\n" + child->log();
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
  // The emitted members (with their // comments, which Kea accepts) go last
  // in the server's object, as their header says.
  writeText(directory / "kea-dhcp4.conf",
            "{\"Dhcp4\": {\n"
            "  \"interfaces-config\": {\"interfaces\": [\"" +
                site.interface +
                "\"], \"dhcp-socket-type\": \"raw\"},\n"
                "  \"lease-database\": {\"type\": \"memfile\", \"persist\": false},\n"
                "  \"valid-lifetime\": 600,\n"
                "  \"subnet4\": [{\"id\": 1, \"subnet\": \"" +
                site.v4Prefix + "0/24\", \"interface\": \"" + site.interface +
                "\", \"pools\": [{\"pool\": \"" + site.v4Prefix + "100 - " + site.v4Prefix +
                "200\"}]}],\n" + logger("kea-dhcp4") + v4 + "\n}}\n");
  writeText(directory / "kea-dhcp6.conf",
            "{\"Dhcp6\": {\n"
            "  \"interfaces-config\": {\"interfaces\": [\"" +
                site.interface +
                "\"]},\n"
                "  \"data-directory\": \"" +
                dir +
                "\",\n"
                "  \"server-id\": {\"type\": \"LL\", \"persist\": false},\n"
                "  \"lease-database\": {\"type\": \"memfile\", \"persist\": false},\n"
                "  \"preferred-lifetime\": 300, \"valid-lifetime\": 600,\n"
                "  \"subnet6\": [{\"id\": 1, \"subnet\": \"" +
                site.v6Prefix + "/64\", \"interface\": \"" + site.interface +
                "\", \"pools\": [{\"pool\": \"" + site.v6Prefix + "100 - " + site.v6Prefix +
                "1ff\"}]}],\n" + logger("kea-dhcp6") + v6 + "\n}}\n");
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
  if (lab.tools().dhclient.empty()) {
    why = "no dhclient";
    return nullptr;
  }
  // Only what the device needs: no name servers, so nothing would touch
  // resolv.conf even with the stock script.
  writeText(directory / "dhclient.conf",
            "option sztp-redirect code 143 = string;\n"
            "request subnet-mask, broadcast-address, sztp-redirect;\n"
            "timeout 20;\nretry 1;\n");
  writeText(directory / "dhclient-script",
            "#!/bin/sh\n"
            "case \"$reason\" in BOUND|RENEW|REBIND|REBOOT)\n"
            "  " +
                lab.tools().ip +
                " addr replace \"$new_ip_address/$new_subnet_mask\" dev \"$interface\";;\n"
                "esac\nexit 0\n");
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
  for (int i = 0; i < 100; ++i) {
    if (readText(leaseFile).find("option sztp-redirect") != std::string::npos) {
      return child;
    }
    std::this_thread::sleep_for(50ms);
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
