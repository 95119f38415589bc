// ietf-sztp-bootstrap-server rpc get-bootstrapping-data (RFC 8572 §7.3), with
// the RFC 9646 ietf-sztp-csr augmentation of its input.
#include <set>

#include "model/bootstrap_rpc.h"
#include "model/instance_writer.h"
#include "model/model_util.h"

namespace sztp::model {
namespace {

constexpr const YangModule& kModule = kBootstrapServerModule;
constexpr std::string_view kInput[] = {"input"};
constexpr std::string_view kOutput[] = {"output"};
constexpr std::string_view kReportingLevels[] = {"minimal", "verbose"};
// The certificate-request-format identities of ietf-ztp-types@2024-10-10.
constexpr std::string_view kCsrFormats[] = {"p10-csr", "cmc-csr", "cmp-csr"};

// ietf-ztp-types csr-support-grouping, all nodes in the ietf-sztp-csr namespace.
Result<CsrSupport> readCsrSupport(Node& node) {
  CsrSupport support;
  SZTP_MODEL_TRY_ASSIGN(keyGeneration, node.container("key-generation"));
  if (*keyGeneration) {
    // Presence container: its min-elements 1 leaf-list applies once it exists.
    std::vector<Bytes> algorithms;
    SZTP_MODEL_TRY_ASSIGN(supported, (*keyGeneration)->container("supported-algorithms"));
    if (*supported) {
      SZTP_MODEL_TRY_ASSIGN(identifiers, (*supported)->leafList("algorithm-identifier"));
      for (const auto& identifier : *identifiers) {
        SZTP_MODEL_TRY_ASSIGN(der, readBinary(identifier));
        algorithms.push_back(std::move(*der));
      }
      SZTP_MODEL_TRY((*supported)->finish());
    }
    SZTP_MODEL_TRY((*keyGeneration)->finish());
    if (algorithms.empty()) {
      return nodeError(CodecErrc::ConstraintViolation,
                       (*keyGeneration)->path() + "/supported-algorithms/algorithm-identifier",
                       "min-elements 1: key-generation lists at least one algorithm");
    }
    support.keyGenerationAlgorithms = std::move(algorithms);
  }
  SZTP_MODEL_TRY_ASSIGN(generation, node.container("csr-generation"));
  if (*generation) {
    SZTP_MODEL_TRY_ASSIGN(formats, (*generation)->container("supported-formats"));
    if (*formats) {
      SZTP_MODEL_TRY_ASSIGN(identifiers, (*formats)->leafList("format-identifier"));
      for (const auto& identifier : *identifiers) {
        SZTP_MODEL_TRY_ASSIGN(identity, readIdentityref(identifier));
        bool known = identity->module == kZtpTypesModule.name;
        if (known) {
          known = false;
          for (const auto format : kCsrFormats) {
            known = known || format == identity->name;
          }
        }
        if (!known) {
          return invalidValue(identifier, "'" + identity->module + ":" + identity->name +
                                              "' is not a certificate-request-format identity "
                                              "(ietf-ztp-types:p10-csr, cmc-csr or cmp-csr)");
        }
        support.supportedFormats.push_back(identity->module + ":" + identity->name);
      }
      SZTP_MODEL_TRY((*formats)->finish());
    }
    SZTP_MODEL_TRY((*generation)->finish());
  }
  SZTP_MODEL_TRY(node.finish());
  if (support.supportedFormats.empty()) {
    // min-elements 1 of format-identifier, enforced because the case
    // csr-support exists (RFC 7950 §7.7.5).
    return nodeError(CodecErrc::ConstraintViolation,
                     node.path() + "/csr-generation/supported-formats/format-identifier",
                     "min-elements 1: csr-support names at least one supported CSR format");
  }
  return support;
}

Result<GetBootstrappingDataInput> readInput(Node& node) {
  GetBootstrappingDataInput input;
  if (node.has("untrusted-connection")) {
    return nodeError(CodecErrc::UnknownNode, node.path() + "/untrusted-connection",
                     "pre-RFC name, not in RFC 8572; the RFC name is signed-data-preferred");
  }
  SZTP_MODEL_TRY_ASSIGN(preferred, node.leaf("signed-data-preferred"));
  if (*preferred) {
    SZTP_MODEL_TRY(readEmpty(**preferred));
    input.signedDataPreferred = true;
  }
  SZTP_MODEL_TRY_ASSIGN(hwModel, optionalString(node, "hw-model"));
  input.hwModel = std::move(*hwModel);
  SZTP_MODEL_TRY_ASSIGN(osName, optionalString(node, "os-name"));
  input.osName = std::move(*osName);
  SZTP_MODEL_TRY_ASSIGN(osVersion, optionalString(node, "os-version"));
  input.osVersion = std::move(*osVersion);
  SZTP_MODEL_TRY_ASSIGN(nonce, node.leaf("nonce"));
  if (*nonce) {
    SZTP_MODEL_TRY_ASSIGN(bytes, readBinary(**nonce));
    if (bytes->size() < 16 || bytes->size() > 32) {
      return invalidValue(**nonce, "the nonce is " + std::to_string(bytes->size()) +
                                       " octets; its length must be 16..32 (RFC 8572 §7.3)");
    }
    input.nonce = std::move(*bytes);
  }

  // RFC 9646 choice msg-type: case csr-support, or case csr with its own
  // choice csr-type of three leaves.
  SZTP_MODEL_TRY_ASSIGN(support, node.container("csr-support", &kSztpCsrModule));
  if (*support) {
    SZTP_MODEL_TRY_ASSIGN(value, readCsrSupport(**support));
    input.csrSupport = std::move(*value);
  }
  constexpr std::pair<std::string_view, CsrMessage::Format> kCsrLeaves[] = {
      {"p10-csr", CsrMessage::Format::P10},
      {"cmc-csr", CsrMessage::Format::Cmc},
      {"cmp-csr", CsrMessage::Format::Cmp}};
  for (const auto& [name, format] : kCsrLeaves) {
    SZTP_MODEL_TRY_ASSIGN(der, optionalBinary(node, name, &kSztpCsrModule));
    if (!*der) {
      continue;
    }
    const std::string path = node.path() + "/ietf-sztp-csr:" + std::string(name);
    if (input.csrSupport) {
      return nodeError(CodecErrc::ConstraintViolation, path,
                       "choice msg-type: csr-support and a CSR are mutually exclusive "
                       "(RFC 9646)");
    }
    if (input.csr) {
      return nodeError(CodecErrc::ConstraintViolation, path,
                       "choice csr-type: only one of p10-csr, cmc-csr and cmp-csr may be sent");
    }
    input.csr = CsrMessage{format, std::move(**der)};
  }
  SZTP_MODEL_TRY(node.finish());
  return input;
}

Result<GetBootstrappingDataOutput> readOutput(Node& node) {
  GetBootstrappingDataOutput output;
  SZTP_MODEL_TRY_ASSIGN(level, node.leaf("reporting-level"));
  if (*level) {
    SZTP_MODEL_TRY_ASSIGN(index, readEnumeration(**level, kReportingLevels));
    output.reportingLevel = *index == 0 ? ReportingLevel::Minimal : ReportingLevel::Verbose;
  }
  SZTP_MODEL_TRY_ASSIGN(conveyed, optionalBinary(node, "conveyed-information"));
  if (!*conveyed) {
    return missingNode(node, "conveyed-information", "conveyed-information is mandatory (S7)");
  }
  output.conveyedInformation = std::move(**conveyed);
  SZTP_MODEL_TRY_ASSIGN(ownerCertificate, optionalBinary(node, "owner-certificate"));
  output.ownerCertificate = std::move(*ownerCertificate);
  SZTP_MODEL_TRY_ASSIGN(voucher, optionalBinary(node, "ownership-voucher"));
  output.ownershipVoucher = std::move(*voucher);
  SZTP_MODEL_TRY(node.finish());
  if (output.ownerCertificate && !output.ownershipVoucher) {
    return nodeError(CodecErrc::ConstraintViolation, node.path() + "/owner-certificate",
                     "must '../ownership-voucher': an owner certificate comes with an "
                     "ownership voucher (S7)");
  }
  if (output.ownershipVoucher && !output.ownerCertificate) {
    return nodeError(CodecErrc::ConstraintViolation, node.path() + "/ownership-voucher",
                     "must '../owner-certificate': an ownership voucher comes with an owner "
                     "certificate (S7)");
  }
  return output;
}

std::string_view csrLeafName(CsrMessage::Format format) {
  switch (format) {
    case CsrMessage::Format::Cmc:
      return "cmc-csr";
    case CsrMessage::Format::Cmp:
      return "cmp-csr";
    case CsrMessage::Format::P10:
      break;
  }
  return "p10-csr";
}

}  // namespace

Result<GetBootstrappingDataInput> parseGetBootstrappingDataInput(std::string_view text,
                                                                 Encoding encoding,
                                                                 const ParseLimits& limits) {
  if (isBlank(text)) {
    return GetBootstrappingDataInput{};
  }
  SZTP_MODEL_TRY_ASSIGN(document, Document::parse(text, encoding, limits));
  SZTP_MODEL_TRY_ASSIGN(nodes, document->topLevel(kModule, kInput));
  if (nodes->empty()) {
    return GetBootstrappingDataInput{};  // "{}": no input node, so no parameters
  }
  return readInput(nodes->front());
}

std::string encodeGetBootstrappingDataInput(const GetBootstrappingDataInput& input,
                                            Encoding encoding) {
  // Schema order; in XML an RPC input's children must keep it (RFC 7950 §7.5.7).
  OutNode top(kModule, "input");
  if (input.signedDataPreferred) {
    top.leafEmpty("signed-data-preferred");
  }
  if (input.hwModel) {
    top.leafString("hw-model", *input.hwModel);
  }
  if (input.osName) {
    top.leafString("os-name", *input.osName);
  }
  if (input.osVersion) {
    top.leafString("os-version", *input.osVersion);
  }
  if (input.nonce) {
    top.leafBinary("nonce", *input.nonce);
  }
  if (input.csrSupport) {
    OutNode& support = top.container("csr-support", &kSztpCsrModule);
    if (input.csrSupport->keyGenerationAlgorithms) {
      OutNode& algorithms = support.container("key-generation").container("supported-algorithms");
      for (const auto& der : *input.csrSupport->keyGenerationAlgorithms) {
        algorithms.leafListBinary("algorithm-identifier", der);
      }
    }
    if (!input.csrSupport->supportedFormats.empty()) {
      OutNode& formats = support.container("csr-generation").container("supported-formats");
      for (const auto& format : input.csrSupport->supportedFormats) {
        const auto colon = format.find(':');
        const auto module =
            colon == std::string::npos ? std::nullopt : moduleByName(format.substr(0, colon));
        if (module) {
          formats.leafListIdentity("format-identifier", *module, format.substr(colon + 1));
        } else {
          formats.leafListString("format-identifier", format);
        }
      }
    }
  }
  if (input.csr) {
    top.leafBinary(csrLeafName(input.csr->format), input.csr->der, &kSztpCsrModule);
  }
  return top.encode(encoding);
}

Result<GetBootstrappingDataOutput> parseGetBootstrappingDataOutput(std::string_view text,
                                                                   Encoding encoding,
                                                                   const ParseLimits& limits) {
  const std::string mandatory = topPath(kModule, "output") + "/conveyed-information";
  if (isBlank(text)) {
    return Error(CodecErrc::MissingNode, mandatory +
                                             ": the reply has no body; "
                                             "conveyed-information is mandatory (S7, S9)");
  }
  SZTP_MODEL_TRY_ASSIGN(document, Document::parse(text, encoding, limits));
  SZTP_MODEL_TRY_ASSIGN(nodes, document->topLevel(kModule, kOutput));
  if (nodes->empty()) {
    return Error(CodecErrc::MissingNode, mandatory + ": conveyed-information is mandatory (S7)");
  }
  return readOutput(nodes->front());
}

std::string encodeGetBootstrappingDataOutput(const GetBootstrappingDataOutput& output,
                                             Encoding encoding) {
  OutNode top(kModule, "output");
  if (output.reportingLevel) {
    top.leafString("reporting-level", reportingLevelName(*output.reportingLevel));
  }
  top.leafBinary("conveyed-information", output.conveyedInformation);
  if (output.ownerCertificate) {
    top.leafBinary("owner-certificate", *output.ownerCertificate);
  }
  if (output.ownershipVoucher) {
    top.leafBinary("ownership-voucher", *output.ownershipVoucher);
  }
  return top.encode(encoding);
}

}  // namespace sztp::model
