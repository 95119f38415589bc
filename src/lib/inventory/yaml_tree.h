#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sztp::inventory {

// Internal: a YAML document loaded into a plain tree with line numbers, under
// limits. yaml-cpp's event parser feeds it, so aliases are refused before they
// can be expanded (a few lines of anchors and aliases can stand for billions
// of nodes) and every exception yaml-cpp throws is caught here.

struct YamlEntry;

struct YamlNode {
  enum class Kind { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  std::string value;               ///< Scalar text, as written (no type conversion).
  bool plain = false;              ///< Written without quotes: only then is `true` a boolean.
  int line = 0;                    ///< 1-based.
  std::vector<YamlNode> items;     ///< Sequence.
  std::vector<YamlEntry> entries;  ///< Map, in file order.
};

struct YamlEntry {
  YamlNode key;
  YamlNode value;
};

struct YamlLimits {
  std::size_t maxBytes = std::size_t{256} * 1024 * 1024;
  /// Nesting of sequences and maps; the inventory needs 6.
  int maxDepth = 32;
  /// Nodes in the document (~15 per device with one response).
  std::size_t maxNodes = 8'000'000;
};

/// Loads a single-document YAML text. An empty text is a Null node. Fails
/// with InventoryErrc::Invalid (syntax, naming the line), LimitExceeded
/// (size, depth, nodes, any anchor or alias, more than one document).
Result<YamlNode> loadYaml(std::string_view text, const YamlLimits& limits = {});

}  // namespace sztp::inventory
