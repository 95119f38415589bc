// ietf-sztp-bootstrap-server rpc report-progress (RFC 8572 §7.3).
#include "model/bootstrap_rpc.h"
#include "model/instance_writer.h"
#include "model/model_util.h"

namespace sztp::model {
namespace {

constexpr const YangModule& kModule = kBootstrapServerModule;
constexpr std::string_view kInput[] = {"input"};

std::vector<std::string_view> progressTypeNames() {
  std::vector<std::string_view> names;
  for (int i = 0; i < kProgressTypeCount; ++i) {
    names.push_back(progressTypeName(static_cast<ProgressType>(i)));
  }
  return names;
}

Result<SshHostKey> readSshHostKey(Node& entry) {
  SshHostKey key;
  SZTP_MODEL_TRY_ASSIGN(algorithm, entry.leaf("algorithm"));
  if (!*algorithm) {
    return missingNode(entry, "algorithm", "algorithm is mandatory (A18)");
  }
  SZTP_MODEL_TRY_ASSIGN(name, readString(**algorithm));
  key.algorithm = std::move(*name);
  SZTP_MODEL_TRY_ASSIGN(data, entry.leaf("key-data"));
  if (!*data) {
    return missingNode(entry, "key-data", "key-data is mandatory (A18)");
  }
  SZTP_MODEL_TRY_ASSIGN(blob, readBinary(**data));
  key.keyData = std::move(*blob);
  SZTP_MODEL_TRY(entry.finish());
  return key;
}

Result<ReportProgressInput> readInput(Node& node) {
  ReportProgressInput input;
  SZTP_MODEL_TRY_ASSIGN(type, node.leaf("progress-type"));
  if (!*type) {
    return missingNode(node, "progress-type", "progress-type is mandatory");
  }
  const auto names = progressTypeNames();
  SZTP_MODEL_TRY_ASSIGN(index, readEnumeration(**type, names));
  input.progressType = static_cast<ProgressType>(*index);
  SZTP_MODEL_TRY_ASSIGN(message, node.leaf("message"));
  if (*message) {
    SZTP_MODEL_TRY_ASSIGN(text, readString(**message));
    input.message = std::move(*text);
  }
  // D55: both containers carry when "../progress-type = 'bootstrap-complete'".
  const char* const kWhen =
      "when \"../progress-type = 'bootstrap-complete'\": only a bootstrap-complete report "
      "carries this (D55)";
  SZTP_MODEL_TRY_ASSIGN(hostKeys, node.container("ssh-host-keys"));
  if (*hostKeys) {
    if (input.progressType != ProgressType::BootstrapComplete) {
      return nodeError(CodecErrc::ConstraintViolation, (*hostKeys)->path(), kWhen);
    }
    SZTP_MODEL_TRY_ASSIGN(entries, (*hostKeys)->list("ssh-host-key"));
    for (auto& entry : *entries) {
      SZTP_MODEL_TRY_ASSIGN(key, readSshHostKey(entry));
      input.sshHostKeys.push_back(std::move(*key));
    }
    SZTP_MODEL_TRY((*hostKeys)->finish());
  }
  SZTP_MODEL_TRY_ASSIGN(anchors, node.container("trust-anchor-certs"));
  if (*anchors) {
    if (input.progressType != ProgressType::BootstrapComplete) {
      return nodeError(CodecErrc::ConstraintViolation, (*anchors)->path(), kWhen);
    }
    SZTP_MODEL_TRY_ASSIGN(certs, (*anchors)->leafList("trust-anchor-cert"));
    for (const auto& cert : *certs) {
      SZTP_MODEL_TRY_ASSIGN(der, readBinary(cert));
      input.trustAnchorCerts.push_back(std::move(*der));
    }
    SZTP_MODEL_TRY((*anchors)->finish());
  }
  SZTP_MODEL_TRY(node.finish());
  return input;
}

}  // namespace

Result<ReportProgressInput> parseReportProgressInput(std::string_view text, Encoding encoding,
                                                     const ParseLimits& limits) {
  const std::string mandatory = topPath(kModule, "input") + "/progress-type";
  if (isBlank(text)) {
    return Error(CodecErrc::MissingNode,
                 mandatory + ": the request has no body; progress-type is mandatory");
  }
  SZTP_MODEL_TRY_ASSIGN(document, Document::parse(text, encoding, limits));
  SZTP_MODEL_TRY_ASSIGN(nodes, document->topLevel(kModule, kInput));
  if (nodes->empty()) {
    return Error(CodecErrc::MissingNode, mandatory + ": progress-type is mandatory");
  }
  return readInput(nodes->front());
}

std::string encodeReportProgressInput(const ReportProgressInput& input, Encoding encoding) {
  OutNode top(kModule, "input");
  top.leafString("progress-type", progressTypeName(input.progressType));
  if (input.message) {
    top.leafString("message", *input.message);
  }
  if (!input.sshHostKeys.empty()) {
    OutNode& keys = top.container("ssh-host-keys");
    for (const auto& key : input.sshHostKeys) {
      OutNode& entry = keys.listEntry("ssh-host-key");
      entry.leafString("algorithm", key.algorithm);
      entry.leafBinary("key-data", key.keyData);
    }
  }
  if (!input.trustAnchorCerts.empty()) {
    OutNode& anchors = top.container("trust-anchor-certs");
    for (const auto& cert : input.trustAnchorCerts) {
      anchors.leafListBinary("trust-anchor-cert", cert);
    }
  }
  return top.encode(encoding);
}

}  // namespace sztp::model
