#include "inventory/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/yaml.h>

#include <istream>
#include <optional>
#include <streambuf>

#include "inventory/inventory_error.h"

namespace sztp::inventory {
namespace {

// Reads a string_view as a stream without copying it.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // NOLINT: get area is read-only here.
    setg(begin, begin, begin + text.size());
  }
};

// Thrown from the event handler to stop yaml-cpp at the first limit; caught in loadYaml.
struct LimitHit {
  std::string detail;
};

class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(const YamlLimits& limits) : limits_(limits) {}

  std::optional<YamlNode> takeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode node = start(mark, anchor);
    add(std::move(node));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override {
    throw LimitHit{"line " + std::to_string(mark.line + 1) +
                   ": YAML aliases (*name) are not accepted in an inventory"};
  }
  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    throw LimitHit{"line " + std::to_string(mark.line + 1) + ": YAML anchor &" + name +
                   " is not accepted in an inventory (aliases are refused)"};
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode node = start(mark, anchor);
    node.kind = YamlNode::Kind::Scalar;
    node.value = value;
    node.plain = tag == "?";
    add(std::move(node));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor, YamlNode::Kind::Sequence);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor, YamlNode::Kind::Map);
  }
  void OnMapEnd() override { close(); }

 private:
  YamlNode start(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      throw LimitHit{"line " + std::to_string(mark.line + 1) +
                     ": YAML anchors are not accepted in an inventory"};
    }
    if (++nodes_ > limits_.maxNodes) {
      throw LimitHit{"more than " + std::to_string(limits_.maxNodes) + " YAML nodes"};
    }
    YamlNode node;
    node.line = mark.line + 1;
    return node;
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, YamlNode::Kind kind) {
    YamlNode node = start(mark, anchor);
    node.kind = kind;
    if (static_cast<int>(stack_.size()) >= limits_.maxDepth) {
      throw LimitHit{"line " + std::to_string(node.line) + ": nested deeper than " +
                     std::to_string(limits_.maxDepth) + " levels"};
    }
    stack_.push_back(std::move(node));
    keys_.emplace_back();
  }

  void close() {
    YamlNode node = std::move(stack_.back());
    stack_.pop_back();
    keys_.pop_back();
    add(std::move(node));
  }

  void add(YamlNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    YamlNode& parent = stack_.back();
    if (parent.kind == YamlNode::Kind::Sequence) {
      parent.items.push_back(std::move(node));
      return;
    }
    auto& key = keys_.back();
    if (!key) {
      key = std::move(node);
    } else {
      parent.entries.push_back(YamlEntry{std::move(*key), std::move(node)});
      key.reset();
    }
  }

  const YamlLimits& limits_;
  std::size_t nodes_ = 0;
  std::vector<YamlNode> stack_;
  std::vector<std::optional<YamlNode>> keys_;  ///< A map's key waiting for its value.
  std::optional<YamlNode> root_;
};

// Ignores a second document's content; only its presence matters.
class NullHandler : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

Result<YamlNode> loadYaml(std::string_view text, const YamlLimits& limits) {
  if (text.size() > limits.maxBytes) {
    return Error(InventoryErrc::LimitExceeded, std::to_string(text.size()) +
                                                   " octets, more than the limit of " +
                                                   std::to_string(limits.maxBytes));
  }
  ViewBuffer buffer(text);
  std::istream stream(&buffer);
  // yaml-cpp reports errors by exception; none may leave this function.
  try {
    YAML::Parser parser(stream);
    TreeBuilder builder(limits);
    if (!parser.HandleNextDocument(builder)) {
      return YamlNode{};
    }
    auto root = builder.takeRoot();
    // A second document would be silently ignored by a reader of the first:
    // refuse it instead. Its events are not kept.
    NullHandler ignore;
    if (parser.HandleNextDocument(ignore)) {
      return Error(InventoryErrc::LimitExceeded,
                   "the file holds more than one YAML document (---); give one");
    }
    return root ? std::move(*root) : YamlNode{};
  } catch (const LimitHit& hit) {
    return Error(InventoryErrc::LimitExceeded, hit.detail);
  } catch (const YAML::DeepRecursion& e) {
    return Error(InventoryErrc::LimitExceeded,
                 "line " + std::to_string(e.mark.line + 1) + ": nested too deeply");
  } catch (const YAML::Exception& e) {
    return Error(InventoryErrc::Invalid,
                 "line " + std::to_string(e.mark.line + 1) + ": YAML syntax: " + e.msg);
  } catch (const std::exception& e) {
    return Error(InventoryErrc::Invalid, std::string("YAML: ") + e.what());
  }
}

}  // namespace sztp::inventory
