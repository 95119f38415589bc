#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/encoding.h"
#include "model/json_document.h"
#include "model/xml_document.h"
#include "model/yang_modules.h"

// Internal: a schema-agnostic, strict view of a YANG instance document in
// either encoding, so that each model is read by one piece of code. A Node is
// a container or list entry; the model asks it for the children the schema
// defines and finally calls finish(), which refuses whatever was not asked
// for. Every error names the node with an RFC 8040 style path.

namespace sztp::model {

/// One leaf (or leaf-list entry) as written, before its YANG type applies;
/// decode it with the read* functions of leaf_values.h.
class LeafValue {
 public:
  const std::string& path() const { return path_; }
  /// The module that defines the leaf (identityref values default to it in JSON).
  const YangModule& module() const { return module_; }
  const Json* json() const { return json_; }  ///< Null for XML.
  pugi::xml_node xml() const { return xml_; }

 private:
  friend class Node;
  LeafValue(std::string path, YangModule module, const Json* json, pugi::xml_node xml)
      : path_(std::move(path)), module_(module), json_(json), xml_(xml) {}

  std::string path_;
  YangModule module_;
  const Json* json_;
  pugi::xml_node xml_;
};

class Node {
 public:
  const std::string& path() const { return path_; }
  const YangModule& module() const { return module_; }

  /// Children by name; `module` is the defining module when it differs from
  /// this node's (augments, e.g. ietf-sztp-csr in the RPC input). Asking marks
  /// the child as known. Absent children yield nothing / an empty vector.
  Result<std::optional<LeafValue>> leaf(std::string_view name, const YangModule* module = nullptr);
  Result<std::vector<LeafValue>> leafList(std::string_view name,
                                          const YangModule* module = nullptr);
  Result<std::optional<Node>> container(std::string_view name, const YangModule* module = nullptr);
  /// List entries get positional paths ("name[2]") until setKey is called.
  Result<std::vector<Node>> list(std::string_view name, const YangModule* module = nullptr);
  /// anydata content: JSON object text (compact dump), or the canonical inner XML.
  Result<std::optional<std::string>> anydata(std::string_view name,
                                             const YangModule* module = nullptr);

  /// Whether a child of that name is present, without marking it known.
  bool has(std::string_view name, const YangModule* module = nullptr) const;

  /// Replaces the positional predicate of a list entry by its key,
  /// "[address='10.0.0.1']", once the key leaf has been read.
  void setKey(std::string_view keyName, std::string_view keyValue);

  /// UnknownNode for the first child that no call above asked for.
  Status finish() const;

 private:
  friend class Document;

  struct Child {
    std::optional<YangModule> module;  ///< Nothing for an unknown module or namespace.
    std::string written;               ///< The qualifier/namespace as written, for messages.
    std::string name;
    const Json* json = nullptr;
    pugi::xml_node xml;
    bool known = false;
  };

  static Result<Node> fromJson(const Json& object, std::string path, YangModule module);
  static Result<Node> fromXml(pugi::xml_node element, std::string path, YangModule module);

  std::vector<std::size_t> find(std::string_view name, const YangModule* module);
  std::string childPath(std::string_view name, const YangModule& module) const;

  std::string path_;
  std::string basePath_;  ///< Path without the list predicate.
  YangModule module_;
  bool isJson_ = true;
  bool strayText_ = false;
  std::vector<Child> children_;
};

/// A parsed document in either encoding; owns the DOM that Nodes point into,
/// so it must outlive them and must not move once topLevel() was called.
class Document {
 public:
  static Result<Document> parse(std::string_view text, Encoding encoding,
                                const ParseLimits& limits);

  /// The top-level nodes, each checked to be one of `names` from `module`
  /// (UnknownNode otherwise; UnexpectedDocument when the node belongs to
  /// another SZTP module, i.e. the caller was handed the wrong artifact).
  /// JSON may hold several (or none); XML holds exactly one.
  Result<std::vector<Node>> topLevel(const YangModule& module,
                                     std::span<const std::string_view> names) const;

  Encoding encoding() const { return encoding_; }

 private:
  Encoding encoding_ = Encoding::Json;
  Json json_;
  std::unique_ptr<XmlDocument> xml_;
};

/// Error helpers that put the node path in front of the detail.
Error nodeError(std::error_code code, std::string_view path, std::string_view why);

/// The path of the top-level node `name` of `module`, e.g. "/ietf-voucher:voucher".
std::string topPath(const YangModule& module, std::string_view name);

}  // namespace sztp::model
