#include "inspect/describe.h"

#include "common/base64.h"
#include "common/codec_error.h"
#include "common/date_time.h"
#include "common/hex.h"
#include "crypto/cms.h"
#include "crypto/digest.h"
#include "dhcp/sztp_redirect_option.h"
#include "model/bootstrap_rpc.h"
#include "model/restconf_error.h"

namespace sztp::inspect {

using crypto::ContentType;
using nlohmann::json;

namespace {

// Printable text: UTF-8 without control characters other than tab and line
// breaks. Overlong forms are not rejected; this decides display, not validity.
bool isPrintableUtf8(ByteView data) {
  std::size_t i = 0;
  while (i < data.size()) {
    const std::uint8_t c = data[i];
    std::size_t extra = 0;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
        return false;
      }
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
    } else {
      return false;
    }
    if (extra > 0 && i + extra >= data.size()) {
      return false;  // Truncated sequence.
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((data[i + k] & 0xc0) != 0x80) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

std::string_view text(const Bytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string keyUsageNames(unsigned bits) {
  static const std::pair<unsigned, const char*> kNames[] = {
      {crypto::kDigitalSignature, "digitalSignature"},
      {crypto::kNonRepudiation, "nonRepudiation"},
      {crypto::kKeyEncipherment, "keyEncipherment"},
      {crypto::kDataEncipherment, "dataEncipherment"},
      {crypto::kKeyAgreement, "keyAgreement"},
      {crypto::kKeyCertSign, "keyCertSign"},
      {crypto::kCrlSign, "cRLSign"},
  };
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((bits & bit) != 0) {
      out += (out.empty() ? "" : ", ") + std::string(name);
    }
  }
  return out;
}

json describeDocument(std::string_view document, ContentType type);

json describeSigned(const crypto::SignedData& signedData, const InspectOptions& options);

Result<json> describeCms(ByteView data, const InspectOptions& options) {
  auto type = crypto::peekContentType(data);
  if (!type) {
    return std::move(type).error();
  }
  json out;
  out["format"] = "cms";
  out["content-type"] = crypto::contentTypeName(type->type);
  out["content-type-oid"] = type->oid;
  switch (type->type) {
    case ContentType::SignedData: {
      auto parsed = crypto::parseSignedData(data);
      if (!parsed) {
        return std::move(parsed).error();
      }
      out.update(describeSigned(*parsed, options));
      return out;
    }
    case ContentType::EnvelopedData: {
      out["artifact"] = "encrypted";
      auto envelope = crypto::parseEnvelopedData(data);
      if (!envelope) {
        return std::move(envelope).error();
      }
      out["encrypted-content-type"] = crypto::contentTypeName(envelope->contentType);
      json recipients = json::array();
      for (const auto& r : envelope->recipients) {
        json entry{{"kind", r.kind}};
        if (!r.issuer.empty()) {
          entry["issuer"] = r.issuer;
          entry["serial"] = r.serialHex;
        }
        if (r.subjectKeyId) {
          entry["subject-key-identifier"] = hexStringEncode(*r.subjectKeyId);
        }
        recipients.push_back(entry);
      }
      out["recipients"] = recipients;
      if (options.decryptCertificate && options.decryptKey) {
        auto plain = crypto::decrypt(data, *options.decryptCertificate, *options.decryptKey);
        if (!plain) {
          out["decryption"] = plain.error().describe();
        } else if (plain->contentType == ContentType::SignedData) {
          auto inner = describeCms(plain->content, options);
          out["decrypted"] = inner ? *inner : json(inner.error().describe());
        } else {
          out["decrypted"] = describeDocument(text(plain->content), plain->contentType);
        }
      } else {
        out["note"] = "pass the device certificate and key to decrypt";
      }
      return out;
    }
    default: {
      auto content = crypto::unwrapContent(data);
      if (!content) {
        return std::move(content).error();
      }
      out["artifact"] = "unsigned-conveyed-information";
      out["content"] = describeDocument(text(content->content), content->type);
      return out;
    }
  }
}

json describeSigned(const crypto::SignedData& signedData, const InspectOptions& /*options*/) {
  json out;
  out["encapsulated-content-type"] = crypto::contentTypeName(signedData.contentType);
  out["encapsulated-content-type-oid"] = signedData.contentTypeOid;
  json signers = json::array();
  for (const auto& s : signedData.signers) {
    json signer{{"issuer", s.issuer},
                {"serial", s.serialHex},
                {"digest-algorithm", s.digestAlgorithm},
                {"signature-algorithm", s.signatureAlgorithm},
                {"signed-attributes", s.hasSignedAttributes}};
    if (s.subjectKeyId) {
      signer["subject-key-identifier"] = hexStringEncode(*s.subjectKeyId);
    }
    if (s.contentTypeAttributeOid) {
      signer["content-type-attribute"] = *s.contentTypeAttributeOid;
    }
    if (s.signingTime) {
      signer["signing-time"] = formatDateTime(*s.signingTime);
    }
    signers.push_back(signer);
  }
  json certificates = json::array();
  for (const auto& c : signedData.certificates) {
    certificates.push_back(describeCertificate(c));
  }
  json crls = json::array();
  for (const auto& c : signedData.crls) {
    crls.push_back(describeCrl(c));
  }
  out["signers"] = signers;
  out["certificates"] = certificates;
  if (!crls.empty()) {
    out["crls"] = crls;
  }
  if (signedData.signers.empty()) {
    out["artifact"] = "certificate-bag";
    return out;
  }
  if (!signedData.content) {
    out["artifact"] = "signed-data-without-content";
    return out;
  }
  out["content"] = describeDocument(text(*signedData.content), signedData.contentType);
  const auto& kind = out["content"].value("artifact", std::string());
  out["artifact"] = kind == "voucher" ? "ownership-voucher" : "signed-" + kind;
  out["note"] = "signatures are not verified by show; use sztp verify";
  return out;
}

// A JSON or XML document: voucher, conveyed information or an RPC body.
json describeDocument(std::string_view document, ContentType type) {
  std::optional<model::Encoding> encoding;
  if (type == ContentType::ConveyedInfoJson || type == ContentType::AnimaJsonVoucher) {
    encoding = model::Encoding::Json;
  } else if (type == ContentType::ConveyedInfoXml) {
    encoding = model::Encoding::Xml;
  } else {
    encoding = model::sniffEncoding(document);
  }
  if (!encoding) {
    return json{{"artifact", "unknown"}, {"blob", describeBlob(asBytes(document))}};
  }
  const std::string encodingName(model::encodingName(*encoding));
  if (type != ContentType::ConveyedInfoJson && type != ContentType::ConveyedInfoXml) {
    if (auto voucher = model::parseVoucher(document, *encoding)) {
      return json{{"artifact", "voucher"},
                  {"encoding", encodingName},
                  {"voucher", describeVoucher(*voucher)}};
    }
  }
  if (auto info = model::parseConveyedInformation(document, *encoding)) {
    return json{{"artifact", "conveyed-information"},
                {"encoding", encodingName},
                {"conveyed-information", describeConveyedInformation(*info)}};
  } else if (type == ContentType::ConveyedInfoJson || type == ContentType::ConveyedInfoXml) {
    return json{{"artifact", "conveyed-information"}, {"error", info.error().describe()}};
  }
  if (auto input = model::parseGetBootstrappingDataInput(document, *encoding);
      input && !document.empty()) {
    json out{{"artifact", "get-bootstrapping-data-input"}, {"encoding", encodingName}};
    out["signed-data-preferred"] = input->signedDataPreferred;
    if (input->hwModel) {
      out["hw-model"] = *input->hwModel;
    }
    if (input->osName) {
      out["os-name"] = *input->osName;
    }
    if (input->osVersion) {
      out["os-version"] = *input->osVersion;
    }
    if (input->nonce) {
      out["nonce"] = base64Encode(*input->nonce);
    }
    if (input->csrSupport) {
      out["csr-support"] = true;
    }
    return out;
  }
  if (auto output = model::parseGetBootstrappingDataOutput(document, *encoding)) {
    json out{{"artifact", "get-bootstrapping-data-output"}, {"encoding", encodingName}};
    if (output->reportingLevel) {
      out["reporting-level"] = model::reportingLevelName(*output->reportingLevel);
    }
    const std::pair<const char*, const Bytes*> parts[] = {
        {"conveyed-information", &output->conveyedInformation},
        {"owner-certificate", output->ownerCertificate ? &*output->ownerCertificate : nullptr},
        {"ownership-voucher", output->ownershipVoucher ? &*output->ownershipVoucher : nullptr}};
    for (const auto& [name, bytes] : parts) {
      if (bytes != nullptr) {
        auto inner = describeCms(*bytes, {});
        out[name] = inner ? *inner : json(inner.error().describe());
      }
    }
    return out;
  }
  if (auto report = model::parseReportProgressInput(document, *encoding)) {
    json out{{"artifact", "report-progress-input"},
             {"encoding", encodingName},
             {"progress-type", model::progressTypeName(report->progressType)}};
    if (report->message) {
      out["message"] = *report->message;
    }
    json keys = json::array();
    for (const auto& key : report->sshHostKeys) {
      keys.push_back({{"algorithm", key.algorithm}, {"key-data", base64Encode(key.keyData)}});
    }
    if (!keys.empty()) {
      out["ssh-host-keys"] = keys;
    }
    if (!report->trustAnchorCerts.empty()) {
      out["trust-anchor-certs"] = report->trustAnchorCerts.size();
    }
    return out;
  }
  if (auto errors = model::parseRestconfErrors(document, *encoding)) {
    json list = json::array();
    for (const auto& e : errors->errors) {
      json entry{{"error-type", e.errorType}, {"error-tag", e.errorTag}};
      if (e.errorAppTag) {
        entry["error-app-tag"] = *e.errorAppTag;
      }
      if (e.errorPath) {
        entry["error-path"] = *e.errorPath;
      }
      if (e.errorMessage) {
        entry["error-message"] = *e.errorMessage;
      }
      list.push_back(entry);
    }
    return json{{"artifact", "restconf-errors"}, {"encoding", encodingName}, {"errors", list}};
  }
  return json{{"artifact", "unknown"}, {"encoding", encodingName}};
}

Result<json> describeDhcp(ByteView data) {
  // A complete option (code, length, value) first, then a bare server list.
  auto describeList = [](ByteView value, const char* kind) -> Result<json> {
    auto list = dhcp::decodeServerList(value);
    if (!list) {
      return std::move(list).error();
    }
    json servers = json::array();
    for (const auto& s : list->servers) {
      servers.push_back({{"uri", s.uri}, {"host", s.host}, {"port", s.port}});
    }
    json rejected = json::array();
    for (const auto& r : list->rejected) {
      rejected.push_back({{"uri", r.uri}, {"reason", r.reason}});
    }
    return json{{"artifact", "dhcp-sztp-redirect"},
                {"option", kind},
                {"bootstrap-servers", servers},
                {"rejected", rejected}};
  };
  if (data.size() >= 2 && data[0] == dhcp::kDhcpv4OptionCode) {
    if (auto joined = dhcp::joinDhcpv4Option(dhcp::kDhcpv4OptionCode, data)) {
      if (auto r = describeList(*joined, "dhcpv4-143")) {
        return r;
      }
    }
  }
  if (data.size() >= 4 && data[0] == 0 && data[1] == dhcp::kDhcpv6OptionCode) {
    if (auto value = dhcp::findDhcpv6Option(dhcp::kDhcpv6OptionCode, data)) {
      if (auto r = describeList(*value, "dhcpv6-136")) {
        return r;
      }
    }
  }
  return describeList(data, "bootstrap-server-list");
}

}  // namespace

json describeBlob(ByteView data) {
  json out{{"size", data.size()}, {"sha256", hexStringEncode(crypto::sha256(data))}};
  if (isPrintableUtf8(data)) {
    out["text"] = std::string(data.begin(), data.end());
  } else {
    out["base64"] = base64Encode(data);
  }
  return out;
}

json describeCertificate(const crypto::Certificate& certificate) {
  json out{{"subject", certificate.subject()},
           {"issuer", certificate.issuer()},
           {"serial", certificate.serialNumberHex()},
           {"not-before", formatDateTime(certificate.notBefore())},
           {"not-after", formatDateTime(certificate.notAfter())},
           {"public-key", certificate.publicKeyDescription()},
           {"ca", certificate.isCa()},
           {"self-signed", certificate.isSelfSigned()},
           {"sha256-fingerprint", hexStringEncode(certificate.sha256Fingerprint())}};
  if (auto serial = certificate.subjectSerialNumber()) {
    out["subject-serial-number"] = *serial;
  }
  if (auto usage = certificate.keyUsage()) {
    out["key-usage"] = keyUsageNames(*usage);
  }
  if (auto ski = certificate.subjectKeyIdentifier()) {
    out["subject-key-identifier"] = hexStringEncode(*ski);
  }
  if (auto aki = certificate.authorityKeyIdentifier()) {
    out["authority-key-identifier"] = hexStringEncode(*aki);
  }
  const auto names = certificate.subjectAltNames();
  if (!names.empty()) {
    out["subject-alt-names"] = names;
  }
  return out;
}

json describeCrl(const crypto::Crl& crl) {
  json out{{"issuer", crl.issuer()},
           {"this-update", formatDateTime(crl.thisUpdate())},
           {"revoked-serials", crl.revokedSerialsHex()}};
  if (auto next = crl.nextUpdate()) {
    out["next-update"] = formatDateTime(*next);
  }
  return out;
}

json describeConveyedInformation(const model::ConveyedInformation& information) {
  if (const auto* redirect = std::get_if<model::RedirectInformation>(&information)) {
    json servers = json::array();
    for (const auto& server : redirect->bootstrapServers) {
      json entry{{"address", server.address}, {"port", server.effectivePort()}};
      if (server.trustAnchor) {
        auto bag = crypto::parseCertificateBag(*server.trustAnchor);
        if (bag) {
          json chain = json::array();
          for (const auto& c : bag->certificates) {
            chain.push_back(describeCertificate(c));
          }
          entry["trust-anchor"] = chain;
        } else {
          entry["trust-anchor"] = bag.error().describe();
        }
      }
      servers.push_back(entry);
    }
    return json{{"type", "redirect-information"}, {"bootstrap-server", servers}};
  }
  const auto& onboarding = std::get<model::OnboardingInformation>(information);
  json out{{"type", "onboarding-information"}};
  if (onboarding.bootImage) {
    const auto& image = *onboarding.bootImage;
    json boot;
    if (image.osName) {
      boot["os-name"] = *image.osName;
    }
    if (image.osVersion) {
      boot["os-version"] = *image.osVersion;
    }
    boot["download-uri"] = image.downloadUris;
    json hashes = json::array();
    for (const auto& v : image.imageVerification) {
      hashes.push_back({{"hash-algorithm", model::hashAlgorithmName(v.hashAlgorithm)},
                        {"hash-value", hexStringEncode(v.hashValue)}});
    }
    boot["image-verification"] = hashes;
    out["boot-image"] = boot;
  }
  if (onboarding.configurationHandling) {
    out["configuration-handling"] =
        model::configurationHandlingName(*onboarding.configurationHandling);
  }
  const std::pair<const char*, const std::optional<Bytes>*> blobs[] = {
      {"pre-configuration-script", &onboarding.preConfigurationScript},
      {"configuration", &onboarding.configuration},
      {"post-configuration-script", &onboarding.postConfigurationScript}};
  for (const auto& [name, blob] : blobs) {
    if (*blob) {
      out[name] = describeBlob(**blob);
    }
  }
  return out;
}

json describeVoucher(const model::Voucher& voucher) {
  json out{{"serial-number", voucher.serialNumber}};
  if (voucher.createdOn) {
    out["created-on"] = voucher.createdOn->text;
  }
  if (voucher.expiresOn) {
    out["expires-on"] = voucher.expiresOn->text;
  }
  if (voucher.assertion) {
    out["assertion"] = model::assertionName(*voucher.assertion);
  }
  if (voucher.idevidIssuer) {
    out["idevid-issuer"] = hexStringEncode(*voucher.idevidIssuer);
  }
  if (voucher.domainCertRevocationChecks) {
    out["domain-cert-revocation-checks"] = *voucher.domainCertRevocationChecks;
  }
  if (voucher.nonce) {
    out["nonce"] = base64Encode(*voucher.nonce);
  }
  if (voucher.lastRenewalDate) {
    out["last-renewal-date"] = voucher.lastRenewalDate->text;
  }
  if (voucher.pinnedDomainCert) {
    auto cert = crypto::Certificate::fromDer(*voucher.pinnedDomainCert);
    out["pinned-domain-cert"] = cert ? describeCertificate(*cert) : json(cert.error().describe());
  }
  if (voucher.pinnedDomainPubk) {
    out["pinned-domain-pubk"] = base64Encode(*voucher.pinnedDomainPubk);
  }
  if (voucher.pinnedDomainPubkSha256) {
    out["pinned-domain-pubk-sha256"] = base64Encode(*voucher.pinnedDomainPubkSha256);
  }
  if (voucher.estDomain) {
    out["est-domain"] = *voucher.estDomain;
  }
  if (voucher.additionalConfigurationUrl) {
    out["additional-configuration-url"] = *voucher.additionalConfigurationUrl;
  }
  if (!voucher.extensions.empty()) {
    out["extensions"] = voucher.extensions;
  }
  return out;
}

std::string toJsonText(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

Result<json> describeArtifact(ByteView data, const InspectOptions& options) {
  const std::string_view asText(reinterpret_cast<const char*>(data.data()), data.size());
  if (asText.find("-----BEGIN") != std::string_view::npos) {
    if (asText.find("PRIVATE KEY-----") != std::string_view::npos) {
      return Error(CodecErrc::UnexpectedDocument,
                   "this is a private key; show never prints private keys");
    }
    if (asText.find("-----BEGIN X509 CRL") != std::string_view::npos) {
      auto crls = crypto::Crl::listFromAny(data);
      if (!crls) {
        return std::move(crls).error();
      }
      json list = json::array();
      for (const auto& c : *crls) {
        list.push_back(describeCrl(c));
      }
      return json{{"artifact", "crl"}, {"format", "pem"}, {"crls", list}};
    }
    auto certs = crypto::Certificate::listFromAny(data);
    if (!certs) {
      return std::move(certs).error();
    }
    json list = json::array();
    for (const auto& c : *certs) {
      list.push_back(describeCertificate(c));
    }
    return json{{"artifact", "certificates"}, {"format", "pem"}, {"certificates", list}};
  }
  if (auto cms = describeCms(data, options)) {
    return cms;
  }
  if (auto cert = crypto::Certificate::fromDer(data)) {
    return json{{"artifact", "certificate"},
                {"format", "der"},
                {"certificate", describeCertificate(*cert)}};
  }
  if (auto crl = crypto::Crl::fromDer(data)) {
    return json{{"artifact", "crl"}, {"format", "der"}, {"crls", json::array({describeCrl(*crl)})}};
  }
  if (model::sniffEncoding(asText)) {
    json doc = describeDocument(asText, ContentType::Other);
    if (doc.value("artifact", std::string()) != "unknown") {
      return doc;
    }
  }
  if (auto dhcpOption = describeDhcp(data)) {
    return dhcpOption;
  }
  // Hex text of DHCP option bytes, as pasted from a DHCP server config.
  if (auto bytes = hexDecodeLenient(asText.substr(0, asText.find_last_not_of(" \r\n\t") + 1));
      bytes && !bytes->empty()) {
    if (auto dhcpOption = describeDhcp(*bytes)) {
      return dhcpOption;
    }
  }
  return Error(CodecErrc::UnexpectedDocument,
               "not a recognised SZTP artifact (CMS, certificate, CRL, voucher, conveyed "
               "information, RPC body or DHCP option)");
}

}  // namespace sztp::inspect
