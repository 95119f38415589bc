#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "model/encoding.h"
#include "model/yang_modules.h"

// Internal: builds a YANG instance tree in schema order and serialises it
// canonically in either encoding, so each model has one encoder.
//   JSON (RFC 7951): two-space indentation, module-qualified where the module
//     changes, integers as numbers, empty as [null], identityrefs always
//     "module:identity".
//   XML (RFC 7950): two-space indentation, default namespace declared on the
//     top element and wherever the module changes, identityrefs as
//     "prefix:identity" with the prefix declared on the leaf element, no XML
//     declaration.

namespace sztp::model {

class OutNode {
 public:
  OutNode(YangModule module, std::string name) : module_(module), name_(std::move(name)) {}

  /// `module` is the defining module when it differs from this node's.
  OutNode& container(std::string_view name, const YangModule* module = nullptr);
  OutNode& listEntry(std::string_view name, const YangModule* module = nullptr);

  /// `prefixes`: modules whose names the value uses as XML prefixes (an
  /// instance-identifier); XML declares xmlns:<module-name> for each.
  void leafString(std::string_view name, std::string_view value, const YangModule* module = nullptr,
                  std::vector<YangModule> prefixes = {});
  void leafNumber(std::string_view name, std::uint64_t value, const YangModule* module = nullptr);
  void leafBoolean(std::string_view name, bool value, const YangModule* module = nullptr);
  void leafEmpty(std::string_view name, const YangModule* module = nullptr);
  void leafBinary(std::string_view name, ByteView value, const YangModule* module = nullptr);
  void leafIdentity(std::string_view name, const YangModule& identityModule,
                    std::string_view identity, const YangModule* module = nullptr);

  /// One entry each; entries of one leaf-list must be added consecutively.
  void leafListString(std::string_view name, std::string_view value,
                      const YangModule* module = nullptr);
  void leafListBinary(std::string_view name, ByteView value, const YangModule* module = nullptr);
  void leafListIdentity(std::string_view name, const YangModule& identityModule,
                        std::string_view identity, const YangModule* module = nullptr);

  /// anydata content already serialised in the output encoding: a JSON object
  /// text, or an XML fragment. Content that does not parse as such is left
  /// out, so the output stays well-formed.
  void anydata(std::string_view name, std::string content, const YangModule* module = nullptr);

  /// The whole document, this node being its top-level node.
  std::string encode(Encoding encoding) const;

 private:
  enum class Kind { Container, ListEntry, Leaf, LeafListEntry, Anydata };
  enum class ValueKind { String, Number, Boolean, Empty, Identity };

  struct Item {
    Kind kind = Kind::Leaf;
    YangModule module;
    std::string name;
    ValueKind valueKind = ValueKind::String;
    std::string text;  ///< String value, identity name or anydata content.
    std::uint64_t number = 0;
    bool boolean = false;
    YangModule identityModule;
    std::vector<YangModule> prefixes;
    std::unique_ptr<OutNode> node;
  };

  Item& add(Kind kind, std::string_view name, const YangModule* module);
  std::string encodeJson() const;
  void writeXml(std::string& out, const YangModule* parent, int indent) const;

  friend struct OutNodeAccess;

  YangModule module_;
  std::string name_;
  std::vector<Item> items_;
};

}  // namespace sztp::model
