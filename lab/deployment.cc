#include "lab/deployment.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <tuple>
#include <utility>

#include "common/clock.h"
#include "crypto/certificate.h"
#include "crypto/issuer.h"
#include "crypto/private_key.h"
#include "lab/services.h"
#include "testutil/command.h"

namespace sztp::lab {

namespace fs = std::filesystem;

namespace {

const std::string kV4(kInfraV4);
const std::string kV6(kInfraV6);
/// The lab's IPv6 subnets, where a device is answered for IPv6: the
/// infrastructure bridge's (the response named after its profile) and the
/// segment's behind the router (Lab::addSegment; response names are unique
/// per device, so this one gets a suffix).
constexpr std::pair<const char*, const char*> kV6Subnets[] = {{"fd00:99::/64", ""},
                                                              {"fd00:98::/64", "-segment"}};

/// A response's name line when it needs one: `profile` + `suffix`.
std::string responseName(const std::string& profile, const std::string& suffix) {
  return suffix.empty() ? "" : "        name: " + profile + suffix + "\n";
}

/// 64 KiB that name themselves: a boot image whose size the installer logs.
std::string labImage() {
  std::string text;
  for (int block = 0; text.size() < 64 * 1024; ++block) {
    text += "sztp lab DemoOS 2.0 image, block " + std::to_string(block) + "\n";
  }
  text.resize(64 * 1024);
  return text;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string script(const std::string& line) {
  return "    text: |\n      #!/bin/sh\n      " + line + "\n";
}

}  // namespace

std::vector<std::string> redirectUris() {
  return {"https://" + kV4 + ":" + kRedirectPort, "https://[" + kV6 + "]:" + kRedirectPort};
}

const Lines& fullEffects() {
  static const Lines effects = {"install 65536 bytes", "reboot", "pre-script",
                                "apply-merge <config/>", "post-script"};
  return effects;
}

std::string serialOf(std::size_t k) {
  return "SN-" + std::to_string(k);
}

bool makePki(const fs::path& directory, const std::vector<std::string>& addresses,
             const std::vector<std::string>& serials, std::string& why) {
  const std::string sztp = testutil::binaryPath("sztp");
  std::vector<std::string> argv{
      sztp, "pki", "init", "--dir", directory.string(), "--server-name", kRedirectName};
  for (const auto& address : addresses) {
    argv.insert(argv.end(), {"--server-address", address});
  }
  for (const auto& serial : serials) {
    argv.insert(argv.end(), {"--serial", serial});
  }
  auto made = testutil::runCommand(argv);
  if (made.exitCode != 0) {
    why = "sztp pki init: " + made.output;
    return false;
  }
  const std::string pki = directory.string();
  for (const auto& serial : serials) {
    auto voucher = testutil::runCommand(
        {sztp, "voucher", "create", "--serial", serial, "--pinned-domain-cert",
         pki + "/owner/ca.crt", "--signer-cert", pki + "/masa/masa.crt", "--signer-key",
         pki + "/masa/masa.key", "--expires-in", "30d", "-o", pki + "/" + serial + ".vcj"});
    if (voucher.exitCode != 0) {
      why = "sztp voucher create: " + voucher.output;
      return false;
    }
  }
  return true;
}

bool issueServerCertificate(const fs::path& pki, const std::vector<std::string>& names,
                            const std::vector<std::string>& addresses, const fs::path& directory,
                            std::string& why) {
  auto ca = crypto::Certificate::fromPem(readFile(pki / "tls/ca.crt"));
  auto caKey = crypto::PrivateKey::fromPem(readFile(pki / "tls/ca.key"));
  auto key = crypto::PrivateKey::generate(crypto::KeyType::EcP256);
  if (!ca || !caKey || !key) {
    why = "cannot read the TLS CA in " + pki.string() + " or make a key";
    return false;
  }
  // The profile `sztp pki init` gives the bootstrap server's certificate.
  crypto::CertificateProfile profile;
  profile.subject = {{"CN", names.empty() ? "file-server" : names.front()}};
  profile.notBefore = SystemClock().now() - std::chrono::hours(1);
  profile.notAfter = SystemClock().now() + std::chrono::hours(24 * 30);
  profile.keyUsage = crypto::kDigitalSignature;
  profile.extendedKeyUsage = {"serverAuth"};
  profile.dnsNames = names;
  profile.ipAddresses = addresses;
  auto certificate = crypto::issueCertificate(profile, *key, &*ca, *caKey);
  if (!certificate) {
    why = "issuing the file server's certificate: " + certificate.error().describe();
    return false;
  }
  fs::create_directories(directory);
  std::ofstream(directory / "server.crt", std::ios::binary | std::ios::trunc)
      << certificate->toPem();
  std::ofstream(directory / "server.key", std::ios::binary | std::ios::trunc) << key->toPem();
  return true;
}

agent::e2e::ServerPlacement placement(const Lab& lab, const std::string& ns, const std::string& v4,
                                      const std::string& v6, const std::string& port,
                                      const std::string& filesPort) {
  agent::e2e::ServerPlacement where;
  where.prefix = lab.in(ns);
  where.bootstrapListen = {v4 + ":" + port, "[" + v6 + "]:" + port};
  where.filesListen = {v4 + ":" + filesPort, "[" + v6 + "]:" + filesPort};
  where.filesBaseUrls = {"https://" + v4 + ":" + filesPort, "https://[" + v6 + "]:" + filesPort};
  return where;
}

Deployment::Deployment(Lab& lab, fs::path directory, fs::path pki)
    : lab_(&lab), directory_(std::move(directory)), pki_(std::move(pki)) {}

Deployment::Deployment(fs::path directory, fs::path pki)
    : directory_(std::move(directory)), pki_(std::move(pki)) {}

Device& Deployment::addDevice(std::size_t k, const std::string& serial) {
  Member member;
  member.serial = serial.empty() ? serialOf(k) : serial;
  member.device =
      std::make_unique<Device>(directory_ / ("device" + std::to_string(k)), pki_, member.serial);
  if (lab_ != nullptr) {
    member.device->setAgentPrefix(lab_->in(lab_->device(k)));
  }
  fs::create_directories(member.device->root() / "leases");
  devices_.push_back(std::move(member));
  return *devices_.back().device;
}

std::string Deployment::inventoryHead(const fs::path& pki, const fs::path& ownerPki) {
  const std::string owner = ownerPki.string();
  return "version: 1\ndevice-types:\n  - name: dpu\n    idevid-trust-anchors: " + pki.string() +
         "/manufacturer/ca.crt\nowners:\n  - name: acme\n    certificate-chain: [" + owner +
         "/owner/owner.crt]\n    signing-key: " + owner + "/owner/owner.key\n";
}

std::string Deployment::deviceEntry(const std::string& serial, const fs::path& ownerPki) {
  return "  - serial-number: " + serial +
         "\n    device-type: dpu\n    owner: acme\n    ownership-voucher: " +
         (ownerPki / (serial + ".vcj")).string() + "\n    responses:\n";
}

fs::path Deployment::imageFile() const {
  return onboarding_->directory() / "files/os-2.img";
}

fs::path Deployment::fileServerAccessLog() const {
  return directory_ / "file-server/access.log";
}

fs::path Deployment::fileServerRoot() const {
  return directory_ / "file-server/root";
}

bool Deployment::startFileServer(std::string& why) {
  if (lab_ == nullptr) {
    why = "the separate file server runs in the lab only";
    return false;
  }
  const fs::path directory = directory_ / "file-server";
  fs::create_directories(fileServerRoot());
  if (!issueServerCertificate(pki_, {kFileServerName}, {kV4, kV6}, directory / "tls", why)) {
    return false;
  }
  const std::string port = kFileServerPort;
  if (lab::startFileServer(*lab_, lab_->infra(), {kV4 + ":" + port, "[" + kV6 + "]:" + port},
                           fileServerRoot(), directory / "tls/server.crt",
                           directory / "tls/server.key", pki_ / "manufacturer/ca.crt", directory,
                           why) == nullptr) {
    return false;
  }
  fileServer_ = true;
  return true;
}

bool Deployment::startOnboardingServer(std::string& why) {
  const auto where = lab_ != nullptr
                         ? placement(*lab_, lab_->infra(), kV4, kV6, kOnboardingPort, kFilesPort)
                         : agent::e2e::ServerPlacement{};
  if (!onboarding_->start(directory_ / "onboarding-server", pki_, where)) {
    why = "the onboarding server did not start:\n" + onboarding_->log();
    return false;
  }
  std::ofstream(imageFile(), std::ios::binary) << labImage();
  if (fileServer_) {
    fs::copy_file(imageFile(), fileServerRoot() / "os-2.img", fs::copy_options::overwrite_existing);
  }
  std::string images = "images:\n";
  // On loopback both images are served from the one address.
  const std::string filesV4 = lab_ != nullptr
                                  ? kV4 + ":" + kFilesPort
                                  : "127.0.0.1:" + std::to_string(onboarding_->filesPort());
  const std::string filesV6 = lab_ != nullptr ? "[" + kV6 + "]:" + kFilesPort : filesV4;
  const std::string separate = kFileServerPort;
  for (const auto& [name, host, separateHost] :
       {std::tuple<std::string, std::string, std::string>{"os-2", filesV4, kV4 + ":" + separate},
        {"os-2-v6", filesV6, "[" + kV6 + "]:" + separate}}) {
    // The separate file server first when there is one; the co-located one
    // stays as the next URI.
    const std::string uris =
        (fileServer_ ? "\"https://" + separateHost + "/os-2.img\", " : std::string()) +
        "\"https://" + host + "/os-2.img\"";
    images += "  - name: " + name +
              "\n    os-name: DemoOS\n    os-version: \"2.0\"\n    file: " + imageFile().string() +
              "\n    download-uris: [" + uris + "]\n";
  }
  // The scripts write to the device's own effects log: one profile pair per
  // device, named after its serial.
  std::string scripts = "scripts:\n", profiles = "onboarding-profiles:\n", devices = "devices:\n";
  for (const auto& member : devices_) {
    const std::string& s = member.serial;
    const std::string log = member.device->effectsLog().string();
    scripts += "  - name: pre-" + s + "\n" + script("echo pre-script >> " + log) +
               "  - name: post-" + s + "\n" + script("echo post-script >> " + log);
    for (const auto& [name, image] : {std::pair<std::string, std::string>{"full-", "os-2"},
                                      std::pair<std::string, std::string>{"full-v6-", "os-2-v6"}}) {
      profiles += "  - name: " + name + s + "\n    image: " + image +
                  "\n    pre-configuration-script: pre-" + s +
                  "\n    configuration: cfg\n    post-configuration-script: post-" + s + "\n";
    }
    devices += deviceEntry(s, pki_);
    for (const auto& [subnet, suffix] : kV6Subnets) {
      devices += "      - profile: full-v6-" + s + "\n" + responseName("full-v6-" + s, suffix) +
                 "        sign: false\n        reporting-level: verbose\n"
                 "        conditions: [{field: source-address, match: subnet, value: \"" +
                 subnet + "\"}]\n";
    }
    devices +=
        "      - profile: full-" + s + "\n        sign: false\n        reporting-level: verbose\n";
  }
  const std::string inventory =
      inventoryHead(pki_, pki_) + images + scripts +
      "configurations:\n  - name: cfg\n    handling: merge\n    text: \"<config/>\"\n" + profiles +
      devices;
  if (!onboarding_->apply(inventory)) {
    why = "the onboarding server refused its inventory:\n" + onboarding_->log();
    return false;
  }
  return true;
}

bool Deployment::startRedirectServer(std::string& why) {
  const auto where = lab_ != nullptr
                         ? placement(*lab_, lab_->infra(), kV4, kV6, kRedirectPort, "8081")
                         : agent::e2e::ServerPlacement{};
  if (!redirect_->start(directory_ / "redirect-server", pki_, where)) {
    why = "the redirect server did not start:\n" + redirect_->log();
    return false;
  }
  std::string inventory = inventoryHead(pki_, pki_) + "redirect-profiles:\n";
  const std::string port =
      lab_ != nullptr ? kOnboardingPort : std::to_string(onboarding_->bootstrapPort());
  const std::string v4 = lab_ != nullptr ? kV4 : "127.0.0.1";
  const std::string v6 = lab_ != nullptr ? kV6 : "127.0.0.1";
  for (const auto& [name, address] : {std::pair<std::string, std::string>{"to-v4", v4},
                                      std::pair<std::string, std::string>{"to-v6", v6}}) {
    inventory += "  - name: " + name + "\n    bootstrap-servers:\n      - address: \"" + address +
                 "\"\n        port: " + port +
                 "\n        trust-anchor-chain: " + (pki_ / "tls/ca.crt").string() + "\n";
  }
  inventory += "devices:\n";
  for (const auto& member : devices_) {
    inventory += deviceEntry(member.serial, pki_);
    for (const auto& [subnet, suffix] : kV6Subnets) {
      inventory += "      - kind: redirect\n        profile: to-v6\n" +
                   responseName("to-v6", suffix) +
                   "        conditions: [{field: source-address, match: subnet, value: \"" +
                   subnet + "\"}]\n";
    }
    inventory += "      - kind: redirect\n        profile: to-v4\n";
  }
  if (!redirect_->apply(inventory)) {
    why = "the redirect server refused its inventory:\n" + redirect_->log();
    return false;
  }
  return true;
}

bool Deployment::writeBundle(const fs::path& mount, const std::string& serial,
                             const std::string& description, std::string& why) const {
  const fs::path data = mount / serial / "bootstrapping-data";
  fs::create_directories(data);
  const fs::path yaml = mount / (serial + "-onboarding.yaml");
  std::ofstream(yaml, std::ios::binary | std::ios::trunc) << description;
  const std::string sztp = testutil::binaryPath("sztp");
  const std::string owner = (pki_ / "owner").string();
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {sztp, "conveyed-info", "create", "--description", yaml.string(), "--sign-cert",
            owner + "/owner.crt", "--sign-key", owner + "/owner.key", "-o",
            (data / "conveyed-information.cms").string()},
           {sztp, "owner-cert", "create", "--cert", owner + "/owner.crt", "-o",
            (data / "owner-certificate.cms").string()}}) {
    const auto made = testutil::runCommand(argv);
    if (made.exitCode != 0) {
      why = argv[1] + " create: " + made.output;
      return false;
    }
  }
  fs::copy_file(pki_ / (serial + ".vcj"), data / "ownership-voucher.vcj",
                fs::copy_options::overwrite_existing);
  return true;
}

bool Deployment::boot(Device& device, const std::string& state, std::string& output,
                      std::string& why) {
  auto run = device.runAgent({}, 90);
  output += run.output;
  const auto status = device.status();
  if (run.exitCode != 0 || status.state != state) {
    why = "the boot did not end " + state + " (exit " + std::to_string(run.exitCode) + "):\n" +
          status.json + run.output;
    return false;
  }
  return true;
}

bool Deployment::onboard(Device& device, std::string& output, std::string& why) {
  if (!boot(device, "awaiting-reboot", output, why) || !boot(device, "completed", output, why)) {
    return false;
  }
  if (device.effects() != fullEffects()) {
    why = "effects differ from a full onboarding:\n" + agent::e2e::joined(device.effects());
    return false;
  }
  return true;
}

Device::Config Deployment::wellKnownSources() {
  Device::Config config;
  config.sources = "  order: [well-known]\n  well-known:\n    - host: " + kV4 +
                   "\n      port: " + kOnboardingPort + "\n      trust-anchor: bootstrap-ca.pem\n";
  return config;
}

std::string Deployment::redirectUrl() const {
  return lab_ != nullptr ? redirectUris().front()
                         : "https://127.0.0.1:" + std::to_string(redirect_->bootstrapPort());
}

Device::Config Deployment::urlSources(const std::string& url) {
  Device::Config config;
  config.sources = "  order: [url]\n  bootstrap-urls: [\"" + url + "\"]\n";
  return config;
}

Device::Config Deployment::dhcpSources(bool inform) {
  Device::Config config;
  config.sources = std::string("  order: [dhcp]\n  dhcp:\n    lease-directories: [leases]\n") +
                   "    inform: " + (inform ? "true" : "false") +
                   "\n    interfaces: [eth0]\n    inform-timeout: 2s\n";
  return config;
}

}  // namespace sztp::lab
