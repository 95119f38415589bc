// sztp pki init: a demo PKI in one command (docs/pki.md).
#include <iostream>

#include "command.h"
#include "crypto/private_key.h"
#include "files.h"
#include "pki/demo_pki.h"

namespace sztp::cli {

namespace {

struct PkiInitOptions {
  std::string dir = "pki";
  std::string keyType = "ec-p256";
  std::vector<std::string> serials;
  std::vector<std::string> serverNames;
  std::vector<std::string> serverAddresses;
  std::string manufacturer = "Example Manufacturer";
  std::string owner = "Example Owner";
  int days = 3 * 365;
  bool force = false;
};

const char* kReadme =
    R"(Demo SZTP PKI written by `sztp pki init` (docs/pki.md). FOR DEMOS AND TESTS ONLY:
the private keys are unencrypted.

manufacturer/ca.crt, ca.key      manufacturer root CA; issues IDevIDs
manufacturer/idevid/<SN>.crt     one IDevID per device: subject serialNumber=<SN>, no expiry
manufacturer/idevid/<SN>.key     that device's private key (belongs on the device, ideally in a TPM)
masa/ca.crt                      voucher trust anchor: devices ship with it (D8)
masa/ca.key                      its key
masa/masa.crt, masa.key          voucher signer (the manufacturer's MASA)
owner/ca.crt, ca.key             owner root CA: the pinned-domain-cert of vouchers (D30)
owner/owner.crt, owner.key       owner certificate: signs conveyed information (D32)
tls/ca.crt, ca.key               trust anchor for the bootstrap server's TLS certificate
tls/server.crt, server.key       bootstrap server TLS certificate
)";

int run(const PkiInitOptions& o, const Context& context) {
  const auto keyType = crypto::keyTypeFromName(o.keyType);
  if (!keyType) {
    return usageError("--key-type must be ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096");
  }
  pki::DemoPkiOptions options;
  options.keyType = *keyType;
  if (!o.serials.empty()) {
    options.serialNumbers = o.serials;
  }
  if (!o.serverNames.empty()) {
    options.serverNames = o.serverNames;
  }
  if (!o.serverAddresses.empty()) {
    options.serverAddresses = o.serverAddresses;
  }
  options.manufacturer = o.manufacturer;
  options.owner = o.owner;
  options.validity = std::chrono::days(o.days);
  auto demo = pki::createDemoPki(options, context.clock.now());
  if (!demo) {
    return reportError(demo.error());
  }

  std::vector<std::pair<std::string, const pki::Identity*>> identities{
      {"manufacturer/ca", &demo->manufacturerCa},
      {"masa/ca", &demo->masaCa},
      {"masa/masa", &demo->masa},
      {"owner/ca", &demo->ownerCa},
      {"owner/owner", &demo->owner},
      {"tls/ca", &demo->tlsCa},
      {"tls/server", &demo->server}};
  for (const auto& [serial, identity] : demo->idevids) {
    identities.emplace_back("manufacturer/idevid/" + serial, &identity);
  }
  for (const auto& [name, identity] : identities) {
    const std::string base = o.dir + "/" + name;
    auto cert = writeFile(base + ".crt", asBytes(identity->certificate.toPem()), o.force);
    if (!cert) {
      return reportError(cert.error());
    }
    auto key = writePrivateKey(base + ".key", identity->key, o.force);
    if (!key) {
      return reportError(key.error());
    }
    std::cout << "  " << base << ".crt  " << identity->certificate.subject() << "\n";
  }
  auto readme = writeFile(o.dir + "/README.txt", asBytes(kReadme), true);
  if (!readme) {
    return reportError(readme.error());
  }
  std::cout << "Demo PKI (" << o.keyType << ") written to " << o.dir << "/ ("
            << demo->idevids.size() << " devices). See " << o.dir << "/README.txt.\n";
  return kExitOk;
}

}  // namespace

void addPkiCommands(CLI::App& root, Commands& commands, const Context& context) {
  auto* pki = root.add_subcommand("pki", "Demo public key infrastructure");
  pki->require_subcommand(1);
  auto options = std::make_shared<PkiInitOptions>();
  auto* init = pki->add_subcommand(
      "init",
      "Create a complete demo PKI: manufacturer CA and one IDevID per serial number, voucher\n"
      "signing (MASA) CA and signer, owner CA and owner certificate, TLS CA and bootstrap\n"
      "server certificate. Keys are unencrypted: for demos and tests only.");
  init->add_option("--dir", options->dir, "Output directory")->capture_default_str();
  init->add_option("--key-type", options->keyType,
                   "ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096")
      ->capture_default_str();
  init->add_option("--serial", options->serials,
                   "Device serial number to issue an IDevID for (repeatable; default three "
                   "demo serials)");
  init->add_option("--server-name", options->serverNames,
                   "DNS name in the server certificate (repeatable; default localhost)");
  init->add_option("--server-address", options->serverAddresses,
                   "IP address in the server certificate (repeatable; default 127.0.0.1 and ::1)");
  init->add_option("--manufacturer", options->manufacturer, "Manufacturer organisation name")
      ->capture_default_str();
  init->add_option("--owner", options->owner, "Owner organisation name")->capture_default_str();
  init->add_option("--days", options->days, "Validity of end-entity certificates in days")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  init->add_flag("--force", options->force, "Overwrite existing files");
  init->footer("Example: sztp pki init --dir pki --serial SN-0001 --serial SN-0002");
  commands.push_back({init, [options, ctx = &context] { return run(*options, *ctx); }});
}

}  // namespace sztp::cli
