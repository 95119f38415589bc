// ietf-restconf yang-data yang-errors (RFC 8040 §7.1).
#include "model/restconf_error.h"

#include <array>
#include <utility>

#include "model/instance_identifier.h"
#include "model/instance_writer.h"
#include "model/model_util.h"

namespace sztp::model {
namespace {

constexpr const YangModule& kModule = kRestconfModule;
constexpr std::string_view kTopNames[] = {"errors"};
constexpr std::string_view kErrorTypes[] = {"transport", "rpc", "protocol", "application"};

Result<RestconfError> readError(Node& entry) {
  RestconfError error;
  SZTP_MODEL_TRY_ASSIGN(type, entry.leaf("error-type"));
  if (!*type) {
    return missingNode(entry, "error-type", "error-type is mandatory");
  }
  SZTP_MODEL_TRY_ASSIGN(index, readEnumeration(**type, kErrorTypes));
  error.errorType = std::string(kErrorTypes[*index]);
  SZTP_MODEL_TRY_ASSIGN(tag, optionalString(entry, "error-tag"));
  if (!*tag) {
    return missingNode(entry, "error-tag", "error-tag is mandatory");
  }
  error.errorTag = std::move(**tag);
  SZTP_MODEL_TRY_ASSIGN(appTag, optionalString(entry, "error-app-tag"));
  error.errorAppTag = std::move(*appTag);
  // error-path is an instance-identifier, kept as text in its RFC 7951 form:
  // it points into the request's data tree, which this reader does not have.
  // In XML every name carries a prefix bound by an xmlns declaration that the
  // text alone would lose (RFC 7950 §9.13.2), so prefixes of known modules are
  // rewritten to module names and the redundant ones dropped; the XML encoder
  // qualifies every name again.
  SZTP_MODEL_TRY_ASSIGN(pathLeaf, entry.leaf("error-path"));
  if (*pathLeaf) {
    SZTP_MODEL_TRY_ASSIGN(text, readString(**pathLeaf));
    if ((*pathLeaf)->json() == nullptr) {
      const pugi::xml_node element = (*pathLeaf)->xml();
      *text = qualifyInstanceIdentifierLikeJson(rewriteInstanceIdentifierPrefixes(
          *text, [&](std::string_view prefix) -> std::optional<std::string> {
            const auto ns = lookupNamespace(element, prefix);
            const auto module = ns ? moduleByNamespace(*ns) : std::nullopt;
            return module ? std::optional<std::string>(module->name) : std::nullopt;
          }));
    }
    error.errorPath = std::move(*text);
  }
  SZTP_MODEL_TRY_ASSIGN(message, optionalString(entry, "error-message"));
  error.errorMessage = std::move(*message);
  SZTP_MODEL_TRY_ASSIGN(info, entry.anydata("error-info"));
  error.errorInfo = std::move(*info);
  SZTP_MODEL_TRY(entry.finish());
  return error;
}

}  // namespace

Result<RestconfErrors> parseRestconfErrors(std::string_view text, Encoding encoding,
                                           const ParseLimits& limits) {
  SZTP_MODEL_TRY_ASSIGN(document, Document::parse(text, encoding, limits));
  SZTP_MODEL_TRY_ASSIGN(nodes, document->topLevel(kModule, kTopNames));
  if (nodes->empty()) {
    return Error(CodecErrc::MissingNode,
                 topPath(kModule, "errors") + ": the document holds no errors container");
  }
  Node& node = nodes->front();
  RestconfErrors errors;
  SZTP_MODEL_TRY_ASSIGN(entries, node.list("error"));
  for (auto& entry : *entries) {
    SZTP_MODEL_TRY_ASSIGN(error, readError(entry));
    errors.errors.push_back(std::move(*error));
  }
  SZTP_MODEL_TRY(node.finish());
  if (errors.errors.empty()) {
    // The module sets no min-elements, but RFC 8040 §7.1 reports "one or more" errors.
    return nodeError(CodecErrc::ConstraintViolation, node.path() + "/error",
                     "an errors report holds at least one error (RFC 8040 §7.1)");
  }
  return errors;
}

std::string encodeRestconfErrors(const RestconfErrors& errors, Encoding encoding) {
  OutNode top(kModule, "errors");
  for (const auto& error : errors.errors) {
    OutNode& entry = top.listEntry("error");
    entry.leafString("error-type", error.errorType);
    entry.leafString("error-tag", error.errorTag);
    if (error.errorAppTag) {
      entry.leafString("error-app-tag", *error.errorAppTag);
    }
    if (error.errorPath) {
      entry.leafString("error-path",
                       encoding == Encoding::Xml
                           ? qualifyEveryInstanceIdentifierName(*error.errorPath)
                           : *error.errorPath,
                       nullptr, instanceIdentifierModules(*error.errorPath));
    }
    if (error.errorMessage) {
      entry.leafString("error-message", *error.errorMessage);
    }
    if (error.errorInfo) {
      // Written back verbatim: a JSON object text, or an XML fragment. Content
      // that is not one (e.g. JSON handed to the XML encoder) is omitted.
      entry.anydata("error-info", *error.errorInfo);
    }
  }
  return top.encode(encoding);
}

int httpStatusForErrorTag(std::string_view errorTag) {
  // RFC 8040 §7, where the table offers a choice the first status is used.
  static constexpr std::array<std::pair<std::string_view, int>, 19> kTable{{
      {"in-use", 409},
      {"invalid-value", 400},
      {"too-big", 413},
      {"missing-attribute", 400},
      {"bad-attribute", 400},
      {"unknown-attribute", 400},
      {"bad-element", 400},
      {"unknown-element", 400},
      {"unknown-namespace", 400},
      {"access-denied", 403},
      {"lock-denied", 409},
      {"resource-denied", 409},
      {"rollback-failed", 500},
      {"data-exists", 409},
      {"data-missing", 409},
      {"operation-not-supported", 405},
      {"operation-failed", 500},
      {"partial-operation", 500},
      {"malformed-message", 400},
  }};
  for (const auto& [tag, status] : kTable) {
    if (tag == errorTag) {
      return status;
    }
  }
  return 500;
}

}  // namespace sztp::model
