// sztp owner-cert create: the owner certificate and its artifact (A6, A7).
#include <iostream>

#include "artifact/conveyed_info_artifact.h"
#include "command.h"
#include "files.h"
#include "pki/demo_pki.h"

namespace sztp::cli {

namespace {

struct OwnerCertOptions {
  std::string caCert;
  std::string caKey;
  std::string commonName = "Owner Certificate";
  std::string organization = "Example Owner";
  std::string keyType = "ec-p256";
  int days = 365;
  std::string certOut;
  std::string keyOut;
  std::string cert;
  std::vector<std::string> chain;
  std::vector<std::string> crls;
  std::string encryptTo;
  std::string out;
  bool force = false;
};

int run(const OwnerCertOptions& o, const Context& context) {
  if (o.caCert.empty() == o.cert.empty()) {
    return usageError(
        "give --ca-cert/--ca-key to issue a new owner certificate, or --cert to "
        "wrap an existing one");
  }
  std::optional<crypto::Certificate> owner;
  if (!o.caCert.empty()) {
    if (o.caKey.empty()) {
      return usageError("--ca-cert needs --ca-key");
    }
    auto ca = loadCertificate(o.caCert);
    auto caKey = loadPrivateKey(o.caKey);
    if (!ca || !caKey) {
      return reportError(!ca ? ca.error() : caKey.error(), kExitUsage);
    }
    const auto keyType = crypto::keyTypeFromName(o.keyType);
    if (!keyType) {
      return usageError("--key-type must be ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096");
    }
    auto issued = pki::issueOwnerCertificate({*ca, *caKey}, o.commonName, o.organization, *keyType,
                                             context.clock.now(), std::chrono::days(o.days));
    if (!issued) {
      return reportError(issued.error());
    }
    const std::string certOut = o.certOut.empty() ? "owner.crt" : o.certOut;
    const std::string keyOut = o.keyOut.empty() ? "owner.key" : o.keyOut;
    auto certWritten = writeFile(certOut, asBytes(issued->certificate.toPem()), o.force);
    if (!certWritten) {
      return reportError(certWritten.error());
    }
    auto keyWritten = writePrivateKey(keyOut, issued->key, o.force);
    if (!keyWritten) {
      return reportError(keyWritten.error());
    }
    std::cout << "Owner certificate " << issued->certificate.subject() << " written to " << certOut
              << " (key " << keyOut << ")\n";
    owner = issued->certificate;
  } else {
    auto cert = loadCertificate(o.cert);
    if (!cert) {
      return reportError(cert.error(), kExitUsage);
    }
    owner = *cert;
  }
  auto chain = loadCertificateFiles(o.chain);
  if (!chain) {
    return reportError(chain.error(), kExitUsage);
  }
  // Issuing CAs passed with --ca-cert are not carried: the artifact holds the
  // intermediates up to the pinned certificate, and the pin is usually that CA.
  std::vector<crypto::Crl> crls;
  for (const auto& path : o.crls) {
    auto list = loadCrls(path);
    if (!list) {
      return reportError(list.error(), kExitUsage);
    }
    crls.insert(crls.end(), list->begin(), list->end());
  }
  std::optional<crypto::Certificate> device;
  if (!o.encryptTo.empty()) {
    auto cert = loadCertificate(o.encryptTo);
    if (!cert) {
      return reportError(cert.error(), kExitUsage);
    }
    device = *cert;
  }
  auto artifact = artifact::makeOwnerCertificateArtifact(*owner, *chain, crls, device);
  if (!artifact) {
    return reportError(artifact.error());
  }
  auto written = writeFile(o.out, *artifact, true);
  if (!written) {
    return reportError(written.error());
  }
  if (o.out != "-") {
    std::cout << "Owner certificate artifact written to " << o.out << " (" << 1 + chain->size()
              << " certificates, " << crls.size() << " CRLs" << (device ? ", encrypted" : "")
              << ")\n";
  }
  return kExitOk;
}

}  // namespace

void addOwnerCertCommands(CLI::App& root, Commands& commands, const Context& context) {
  auto* group = root.add_subcommand("owner-cert", "Owner certificates, the owner's role");
  group->require_subcommand(1);
  auto o = std::make_shared<OwnerCertOptions>();
  auto* create = group->add_subcommand(
      "create",
      "Write the owner-certificate artifact: a degenerate CMS SignedData holding the owner\n"
      "certificate and its intermediates up to the pinned certificate (A6). With --ca-cert and\n"
      "--ca-key a new owner certificate and key are issued first (key usage digitalSignature,\n"
      "A7); with --cert an existing certificate is wrapped. RFC 8572 §9.11 recommends a fresh\n"
      "owner certificate per artifact.");
  create->add_option("--ca-cert", o->caCert, "Owner CA certificate to issue from");
  create->add_option("--ca-key", o->caKey, "Owner CA private key");
  create->add_option("--common-name", o->commonName, "Subject CN of a new owner certificate")
      ->capture_default_str();
  create->add_option("--organization", o->organization, "Subject O of a new owner certificate")
      ->capture_default_str();
  create->add_option("--key-type", o->keyType, "Key type of a new owner certificate")
      ->capture_default_str();
  create->add_option("--days", o->days, "Validity of a new owner certificate in days")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  create->add_option("--cert-out", o->certOut, "Where to write a new certificate (owner.crt)");
  create->add_option("--key-out", o->keyOut, "Where to write a new key (owner.key, mode 0600)");
  create->add_option("--cert", o->cert, "Existing owner certificate to wrap");
  create->add_option("--chain", o->chain,
                     "Intermediate certificates up to the pinned certificate (repeatable)");
  create->add_option("--crl", o->crls, "CRLs to staple (repeatable; PEM or DER)");
  create->add_option("--encrypt-to", o->encryptTo, "Encrypt the artifact to this device (IDevID)");
  create->add_option("-o,--out", o->out, "Output file (- for stdout)")->required();
  create->add_flag("--force", o->force, "Overwrite an existing certificate or key");
  create->footer(
      "Examples:\n"
      "  sztp owner-cert create --ca-cert pki/owner/ca.crt --ca-key pki/owner/ca.key \\\n"
      "       --cert-out owner.crt --key-out owner.key -o owner-certificate.cms\n"
      "  sztp owner-cert create --cert pki/owner/owner.crt -o owner-certificate.cms");
  commands.push_back({create, [o, ctx = &context] { return run(*o, *ctx); }});
}

}  // namespace sztp::cli
