// ietf-voucher yang-data voucher-artifact (RFC 8366 §5.3), read tolerantly
// enough for the rfc8366bis additions (checklist §5).
#include "model/voucher.h"

#include "model/instance_writer.h"
#include "model/model_util.h"
#include "model/text_checks.h"

namespace sztp::model {
namespace {

constexpr const YangModule& kModule = kVoucherModule;
constexpr std::string_view kTopNames[] = {"voucher"};
constexpr std::string_view kAssertions[] = {"verified", "logged", "proximity", "agent-proximity"};

// The rfc8366bis leaf is "manufacturer-private" in ietf-voucher@2025-12-18
// (the checklist calls it manufacturer-proprietary; the module wins).
constexpr std::string_view kManufacturerPrivate = "manufacturer-private";

Result<std::optional<std::string>> optionalUri(Node& node, std::string_view name) {
  SZTP_MODEL_TRY_ASSIGN(leaf, node.leaf(name));
  if (!*leaf) {
    return std::optional<std::string>();
  }
  SZTP_MODEL_TRY_ASSIGN(text, readString(**leaf));
  if (auto problem = inetUriProblem(*text)) {
    return invalidValue(**leaf, *problem);
  }
  return std::optional<std::string>(std::move(*text));
}

Result<Voucher> readVoucher(Node& node) {
  Voucher voucher;
  SZTP_MODEL_TRY_ASSIGN(createdOn, optionalDateTime(node, "created-on"));
  voucher.createdOn = std::move(*createdOn);
  SZTP_MODEL_TRY_ASSIGN(expiresOn, optionalDateTime(node, "expires-on"));
  voucher.expiresOn = std::move(*expiresOn);
  SZTP_MODEL_TRY_ASSIGN(assertion, node.leaf("assertion"));
  if (*assertion) {
    SZTP_MODEL_TRY_ASSIGN(index, readEnumeration(**assertion, kAssertions));
    voucher.assertion = static_cast<Assertion>(*index);
  }
  SZTP_MODEL_TRY_ASSIGN(serial, node.leaf("serial-number"));
  if (!*serial) {
    return missingNode(node, "serial-number",
                       "serial-number is mandatory in RFC 8366 and rfc8366bis (A10)");
  }
  SZTP_MODEL_TRY_ASSIGN(serialText, readString(**serial));
  voucher.serialNumber = std::move(*serialText);
  SZTP_MODEL_TRY_ASSIGN(issuer, optionalBinary(node, "idevid-issuer"));
  voucher.idevidIssuer = std::move(*issuer);
  SZTP_MODEL_TRY_ASSIGN(pinned, optionalBinary(node, "pinned-domain-cert"));
  voucher.pinnedDomainCert = std::move(*pinned);
  SZTP_MODEL_TRY_ASSIGN(revocation, node.leaf("domain-cert-revocation-checks"));
  if (*revocation) {
    SZTP_MODEL_TRY_ASSIGN(flag, readBoolean(**revocation));
    voucher.domainCertRevocationChecks = *flag;
  }
  SZTP_MODEL_TRY_ASSIGN(nonce, node.leaf("nonce"));
  if (*nonce) {
    SZTP_MODEL_TRY_ASSIGN(bytes, readBinary(**nonce));
    if (bytes->size() < 8 || bytes->size() > 32) {
      return invalidValue(**nonce, "the nonce is " + std::to_string(bytes->size()) +
                                       " octets; its length must be 8..32 (A10)");
    }
    voucher.nonce = std::move(*bytes);
  }
  SZTP_MODEL_TRY_ASSIGN(renewal, optionalDateTime(node, "last-renewal-date"));
  voucher.lastRenewalDate = std::move(*renewal);

  SZTP_MODEL_TRY_ASSIGN(pubk, optionalBinary(node, "pinned-domain-pubk"));
  voucher.pinnedDomainPubk = std::move(*pubk);
  SZTP_MODEL_TRY_ASSIGN(pubkSha256, optionalBinary(node, "pinned-domain-pubk-sha256"));
  voucher.pinnedDomainPubkSha256 = std::move(*pubkSha256);
  SZTP_MODEL_TRY_ASSIGN(estDomain, optionalUri(node, "est-domain"));
  voucher.estDomain = std::move(*estDomain);
  SZTP_MODEL_TRY_ASSIGN(configurationUrl, optionalUri(node, "additional-configuration-url"));
  voucher.additionalConfigurationUrl = std::move(*configurationUrl);
  SZTP_MODEL_TRY_ASSIGN(extensions, node.leafList("extensions"));
  for (const auto& extension : *extensions) {
    SZTP_MODEL_TRY_ASSIGN(text, readUint64OrString(extension));
    voucher.extensions.push_back(std::move(*text));
  }
  SZTP_MODEL_TRY_ASSIGN(proprietary, optionalBinary(node, kManufacturerPrivate));
  voucher.manufacturerProprietary = std::move(*proprietary);
  SZTP_MODEL_TRY(node.finish());

  // RFC 8366 must 'not(../nonce)' on expires-on; bis dropped it, SZTP keeps it.
  if (voucher.expiresOn && voucher.nonce) {
    return nodeError(CodecErrc::ConstraintViolation, node.path() + "/expires-on",
                     "must 'not(../nonce)': a voucher carries expires-on or nonce, not both (A10)");
  }
  if (voucher.lastRenewalDate && !voucher.expiresOn) {
    return nodeError(CodecErrc::ConstraintViolation, node.path() + "/last-renewal-date",
                     "must '../expires-on': last-renewal-date requires expires-on (A10)");
  }
  return voucher;
}

}  // namespace

Result<Voucher> parseVoucher(std::string_view text, Encoding encoding, const ParseLimits& limits) {
  SZTP_MODEL_TRY_ASSIGN(document, Document::parse(text, encoding, limits));
  SZTP_MODEL_TRY_ASSIGN(nodes, document->topLevel(kModule, kTopNames));
  if (nodes->empty()) {
    return Error(CodecErrc::MissingNode,
                 topPath(kModule, "voucher") + ": the document holds no voucher");
  }
  return readVoucher(nodes->front());
}

std::string encodeVoucher(const Voucher& voucher, Encoding encoding) {
  // RFC 8366 schema order, then the rfc8366bis leaves.
  OutNode top(kModule, "voucher");
  if (voucher.createdOn) {
    top.leafString("created-on", voucher.createdOn->text);
  }
  if (voucher.expiresOn) {
    top.leafString("expires-on", voucher.expiresOn->text);
  }
  if (voucher.assertion) {
    top.leafString("assertion", assertionName(*voucher.assertion));
  }
  top.leafString("serial-number", voucher.serialNumber);
  if (voucher.idevidIssuer) {
    top.leafBinary("idevid-issuer", *voucher.idevidIssuer);
  }
  if (voucher.pinnedDomainCert) {
    top.leafBinary("pinned-domain-cert", *voucher.pinnedDomainCert);
  }
  if (voucher.domainCertRevocationChecks) {
    top.leafBoolean("domain-cert-revocation-checks", *voucher.domainCertRevocationChecks);
  }
  if (voucher.nonce) {
    top.leafBinary("nonce", *voucher.nonce);
  }
  if (voucher.lastRenewalDate) {
    top.leafString("last-renewal-date", voucher.lastRenewalDate->text);
  }
  if (voucher.pinnedDomainPubk) {
    top.leafBinary("pinned-domain-pubk", *voucher.pinnedDomainPubk);
  }
  if (voucher.pinnedDomainPubkSha256) {
    top.leafBinary("pinned-domain-pubk-sha256", *voucher.pinnedDomainPubkSha256);
  }
  if (voucher.estDomain) {
    top.leafString("est-domain", *voucher.estDomain);
  }
  if (voucher.additionalConfigurationUrl) {
    top.leafString("additional-configuration-url", *voucher.additionalConfigurationUrl);
  }
  for (const auto& extension : voucher.extensions) {
    top.leafListString("extensions", extension);
  }
  if (voucher.manufacturerProprietary) {
    top.leafBinary(kManufacturerPrivate, *voucher.manufacturerProprietary);
  }
  return top.encode(encoding);
}

}  // namespace sztp::model
