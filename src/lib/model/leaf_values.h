#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/date_time.h"
#include "common/result.h"
#include "model/instance_reader.h"

// Internal: YANG types applied to leaf values of either encoding. JSON values
// must have the JSON type RFC 7951 §6 prescribes; XML values are the element
// text, untrimmed (RFC 7950 §9), except binary where whitespace is skipped.
// Every failure is InvalidValue with the leaf's path.

namespace sztp::model {

/// YANG string: a JSON string / XML text, checked by yangStringProblem.
Result<std::string> readString(const LeafValue& leaf);

/// YANG binary: padded base64 (A19). Non-zero pad bits are tolerated, as RFC
/// 4648 §3.5 allows and libyang does, so that the RFC 8572/8366 examples
/// ("base64encodedvalue==") decode; encoders always emit canonical base64.
Result<Bytes> readBinary(const LeafValue& leaf);

/// uint16 (inet:port-number): a JSON number (RFC 7951 §6.1), decimal XML text.
Result<std::uint16_t> readUint16(const LeafValue& leaf);

/// boolean: the JSON literals true/false (D29: never the strings); XML "true"/"false".
Result<bool> readBoolean(const LeafValue& leaf);

/// empty: [null] in JSON, an element without content in XML (A19).
Status readEmpty(const LeafValue& leaf);

/// enumeration: returns the index of the value in `names`.
Result<std::size_t> readEnumeration(const LeafValue& leaf, std::span<const std::string_view> names);

/// identityref, resolved to the defining module's name: JSON "module:name"
/// (or bare "name" for the leaf's own module, RFC 7951 §6.8); XML QName with
/// the prefix mapped through the in-scope namespaces (RFC 7950 §9.10.3), or
/// a module name used as prefix when no such xmlns prefix exists (as libyang).
struct IdentityName {
  std::string module;
  std::string name;
};
Result<IdentityName> readIdentityref(const LeafValue& leaf);

/// yang:date-and-time via parseDateTime.
Result<DateTime> readDateTime(const LeafValue& leaf);

/// union { uint64; string } kept as text; accepts a JSON number too (rfc8366bis
/// `extensions`, whose uint64 member is meant for CBOR).
Result<std::string> readUint64OrString(const LeafValue& leaf);

/// An optional leaf of `node`, read with `read`: nullopt when absent.
template <class T>
Result<std::optional<T>> optionalLeaf(Node& node, std::string_view name,
                                      Result<T> (*read)(const LeafValue&),
                                      const YangModule* module = nullptr) {
  auto leaf = node.leaf(name, module);
  if (!leaf) {
    return std::move(leaf).error();
  }
  if (!*leaf) {
    return std::optional<T>();
  }
  auto value = read(**leaf);
  if (!value) {
    return std::move(value).error();
  }
  return std::optional<T>(std::move(*value));
}

inline Result<std::optional<std::string>> optionalString(Node& node, std::string_view name,
                                                         const YangModule* module = nullptr) {
  return optionalLeaf<std::string>(node, name, readString, module);
}
inline Result<std::optional<Bytes>> optionalBinary(Node& node, std::string_view name,
                                                   const YangModule* module = nullptr) {
  return optionalLeaf<Bytes>(node, name, readBinary, module);
}
inline Result<std::optional<DateTime>> optionalDateTime(Node& node, std::string_view name) {
  return optionalLeaf<DateTime>(node, name, readDateTime);
}

/// InvalidValue naming the leaf.
Error invalidValue(const LeafValue& leaf, std::string_view why);

/// base64 with the pad bits of the final quantum cleared first (see readBinary).
Result<Bytes> decodeYangBinary(std::string_view text, bool allowWhitespace);

}  // namespace sztp::model
