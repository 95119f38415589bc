// ietf-sztp-csr structure csr-request (RFC 9646 §3.2; ietf-ztp-types
// csr-request-grouping): the error-info of the server's 400 answer to
// csr-support (S19, S20). Every node is in the ietf-sztp-csr namespace (the
// grouping is used there); the format is an ietf-ztp-types identity.
#include "model/bootstrap_rpc.h"
#include "model/instance_writer.h"
#include "model/model_util.h"

namespace sztp::model {
namespace {

constexpr const YangModule& kModule = kSztpCsrModule;
constexpr std::string_view kTopNames[] = {"csr-request"};
constexpr std::string_view kCsrFormats[] = {"p10-csr", "cmc-csr", "cmp-csr"};

Result<CsrRequest> readRequest(Node& node) {
  CsrRequest request;
  SZTP_MODEL_TRY_ASSIGN(keyGeneration, node.container("key-generation"));
  if (*keyGeneration) {
    SZTP_MODEL_TRY_ASSIGN(selected, (*keyGeneration)->container("selected-algorithm"));
    if (!*selected) {
      return missingNode(**keyGeneration, "selected-algorithm/algorithm-identifier",
                         "key-generation names the selected algorithm (mandatory)");
    }
    SZTP_MODEL_TRY_ASSIGN(identifier, optionalBinary(**selected, "algorithm-identifier"));
    if (!*identifier) {
      return missingNode(**selected, "algorithm-identifier", "mandatory");
    }
    request.keyGenerationAlgorithm = std::move(**identifier);
    SZTP_MODEL_TRY((*selected)->finish());
    SZTP_MODEL_TRY((*keyGeneration)->finish());
  }
  SZTP_MODEL_TRY_ASSIGN(generation, node.container("csr-generation"));
  std::optional<LeafValue> formatLeaf;
  if (*generation) {
    SZTP_MODEL_TRY_ASSIGN(selected, (*generation)->container("selected-format"));
    if (*selected) {
      SZTP_MODEL_TRY_ASSIGN(leaf, (*selected)->leaf("format-identifier"));
      formatLeaf = std::move(*leaf);
      if (!formatLeaf) {
        return missingNode(**selected, "format-identifier", "mandatory");
      }
      SZTP_MODEL_TRY((*selected)->finish());
    }
    SZTP_MODEL_TRY((*generation)->finish());
  }
  if (!formatLeaf) {
    // csr-generation is a non-presence container, but without a selected
    // format the client cannot know what to send (RFC 9646 §3.2).
    return missingNode(node, "csr-generation/selected-format/format-identifier",
                       "a csr-request selects the CSR format");
  }
  SZTP_MODEL_TRY_ASSIGN(identity, readIdentityref(*formatLeaf));
  bool known = identity->module == kZtpTypesModule.name;
  if (known) {
    known = false;
    for (const auto format : kCsrFormats) {
      known = known || format == identity->name;
    }
  }
  if (!known) {
    return invalidValue(*formatLeaf, "'" + identity->module + ":" + identity->name +
                                         "' is not a certificate-request-format identity "
                                         "(ietf-ztp-types:p10-csr, cmc-csr or cmp-csr)");
  }
  request.format = identity->module + ":" + identity->name;
  SZTP_MODEL_TRY_ASSIGN(info, optionalBinary(node, "cert-req-info"));
  request.certReqInfo = std::move(*info);
  SZTP_MODEL_TRY(node.finish());
  return request;
}

}  // namespace

std::string encodeCsrRequest(const CsrRequest& request, Encoding encoding) {
  OutNode top(kModule, "csr-request");
  if (request.keyGenerationAlgorithm) {
    top.container("key-generation")
        .container("selected-algorithm")
        .leafBinary("algorithm-identifier", *request.keyGenerationAlgorithm);
  }
  OutNode& selected = top.container("csr-generation").container("selected-format");
  const auto colon = request.format.find(':');
  const auto module =
      colon == std::string::npos ? std::nullopt : moduleByName(request.format.substr(0, colon));
  if (module) {
    selected.leafIdentity("format-identifier", *module, request.format.substr(colon + 1));
  } else {
    selected.leafString("format-identifier", request.format);
  }
  if (request.certReqInfo) {
    top.leafBinary("cert-req-info", *request.certReqInfo);
  }
  return top.encode(encoding);
}

Result<CsrRequest> parseCsrRequest(std::string_view text, Encoding encoding,
                                   const ParseLimits& limits) {
  SZTP_MODEL_TRY_ASSIGN(document, Document::parse(text, encoding, limits));
  SZTP_MODEL_TRY_ASSIGN(nodes, document->topLevel(kModule, kTopNames));
  if (nodes->empty()) {
    return Error(CodecErrc::MissingNode,
                 topPath(kModule, "csr-request") + ": the document holds no csr-request");
  }
  return readRequest(nodes->front());
}

}  // namespace sztp::model
