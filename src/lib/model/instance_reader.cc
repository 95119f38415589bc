#include "model/instance_reader.h"

#include "common/codec_error.h"

namespace sztp::model {
namespace {

bool isXmlSpaceOnly(const char* text) {
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
      return false;
    }
  }
  return true;
}

// A key value as it appears in a path predicate: quoted with whichever quote
// it does not contain, and shortened so that a hostile key cannot bloat logs.
std::string predicateValue(std::string_view value) {
  constexpr std::size_t kMax = 100;
  std::string shown(value.substr(0, kMax));
  if (value.size() > kMax) {
    shown += "...";
  }
  const char quote = shown.find('\'') == std::string::npos ? '\'' : '"';
  if (quote == '"' && shown.find('"') != std::string::npos) {
    for (auto& c : shown) {
      if (c == '"') {
        c = '\'';
      }
    }
  }
  return quote + shown + quote;
}

// YANG XML encoding has no attributes besides namespace declarations (RFC
// 7952 metadata is not used by these modules).
Status checkNoAttributes(pugi::xml_node element, std::string_view path) {
  for (const pugi::xml_attribute attribute : element.attributes()) {
    const std::string_view name = attribute.name();
    if (name != "xmlns" && !name.starts_with("xmlns:")) {
      return nodeError(CodecErrc::UnknownNode, path,
                       "the attribute '" + std::string(name) + "' is not part of the model");
    }
  }
  return {};
}

}  // namespace

Error nodeError(std::error_code code, std::string_view path, std::string_view why) {
  return Error(code, std::string(path) + ": " + std::string(why));
}

std::string topPath(const YangModule& module, std::string_view name) {
  return "/" + std::string(module.name) + ":" + std::string(name);
}

Result<Node> Node::fromJson(const Json& object, std::string path, YangModule module) {
  Node node;
  node.path_ = path;
  node.basePath_ = std::move(path);
  node.module_ = module;
  node.isJson_ = true;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    Child child;
    const auto colon = key.find(':');
    if (colon == std::string::npos) {
      child.module = module;
      child.name = key;
    } else {
      // RFC 7951 §4: a member is qualified where its module differs from its
      // parent's; qualifying with the parent's own module is also allowed.
      child.written = key.substr(0, colon);
      child.name = key.substr(colon + 1);
      child.module = moduleByName(child.written);
    }
    // "name" and "module:name" for the same node are caught as duplicates
    // when the node is asked for (the exact same member twice never gets
    // here: parseJsonDocument refuses it).
    child.json = &it.value();
    node.children_.push_back(std::move(child));
  }
  return node;
}

Result<Node> Node::fromXml(pugi::xml_node element, std::string path, YangModule module) {
  if (auto ok = checkNoAttributes(element, path); !ok) {
    return std::move(ok).error();
  }
  Node node;
  node.path_ = path;
  node.basePath_ = std::move(path);
  node.module_ = module;
  node.isJson_ = false;
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      if (!isXmlSpaceOnly(child.value())) {
        node.strayText_ = true;  // reported by finish(), once the list key is known
      }
      continue;
    }
    if (child.type() != pugi::node_element) {
      continue;
    }
    const XmlName name = resolveElementName(child);
    Child entry;
    entry.module = moduleByNamespace(name.ns);
    entry.written = name.ns;
    entry.name = name.local;
    entry.xml = child;
    node.children_.push_back(std::move(entry));
  }
  return node;
}

std::string Node::childPath(std::string_view name, const YangModule& module) const {
  std::string path = path_ + "/";
  if (module.name != module_.name) {
    path += std::string(module.name) + ":";
  }
  path += name;
  return path;
}

std::vector<std::size_t> Node::find(std::string_view name, const YangModule* module) {
  const YangModule& wanted = module != nullptr ? *module : module_;
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < children_.size(); ++i) {
    auto& child = children_[i];
    if (child.module && child.module->name == wanted.name && child.name == name) {
      child.known = true;
      found.push_back(i);
    }
  }
  return found;
}

bool Node::has(std::string_view name, const YangModule* module) const {
  const YangModule& wanted = module != nullptr ? *module : module_;
  for (const auto& child : children_) {
    if (child.module && child.module->name == wanted.name && child.name == name) {
      return true;
    }
  }
  return false;
}

Result<std::optional<LeafValue>> Node::leaf(std::string_view name, const YangModule* module) {
  const YangModule& owner = module != nullptr ? *module : module_;
  const auto found = find(name, module);
  const std::string path = childPath(name, owner);
  if (found.empty()) {
    return std::optional<LeafValue>();
  }
  if (found.size() > 1) {
    return nodeError(CodecErrc::DuplicateNode, path, "the leaf appears more than once");
  }
  const Child& child = children_[found.front()];
  if (!isJson_) {
    if (auto ok = checkNoAttributes(child.xml, path); !ok) {
      return std::move(ok).error();
    }
  }
  return std::optional<LeafValue>(LeafValue(path, owner, child.json, child.xml));
}

Result<std::vector<LeafValue>> Node::leafList(std::string_view name, const YangModule* module) {
  const YangModule& owner = module != nullptr ? *module : module_;
  const auto found = find(name, module);
  const std::string path = childPath(name, owner);
  std::vector<LeafValue> values;
  if (isJson_) {
    if (found.empty()) {
      return values;
    }
    if (found.size() > 1) {
      return nodeError(CodecErrc::DuplicateNode, path, "the leaf-list appears more than once");
    }
    const Json& array = *children_[found.front()].json;
    if (!array.is_array()) {
      return nodeError(
          CodecErrc::InvalidValue, path,
          std::string("a leaf-list is a JSON array (RFC 7951 §5.3), found ") + array.type_name());
    }
    for (std::size_t i = 0; i < array.size(); ++i) {
      values.push_back(LeafValue(path + "[" + std::to_string(i + 1) + "]", owner, &array[i], {}));
    }
    return values;
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    const std::string entryPath = path + "[" + std::to_string(i + 1) + "]";
    const pugi::xml_node element = children_[found[i]].xml;
    if (auto ok = checkNoAttributes(element, entryPath); !ok) {
      return std::move(ok).error();
    }
    values.push_back(LeafValue(entryPath, owner, nullptr, element));
  }
  return values;
}

Result<std::optional<Node>> Node::container(std::string_view name, const YangModule* module) {
  const YangModule& owner = module != nullptr ? *module : module_;
  const auto found = find(name, module);
  const std::string path = childPath(name, owner);
  if (found.empty()) {
    return std::optional<Node>();
  }
  if (found.size() > 1) {
    return nodeError(CodecErrc::DuplicateNode, path, "the container appears more than once");
  }
  const Child& child = children_[found.front()];
  Result<Node> node = [&]() -> Result<Node> {
    if (isJson_) {
      if (!child.json->is_object()) {
        return nodeError(
            CodecErrc::InvalidValue, path,
            std::string("a container is a JSON object, found ") + child.json->type_name());
      }
      return fromJson(*child.json, path, owner);
    }
    return fromXml(child.xml, path, owner);
  }();
  if (!node) {
    return std::move(node).error();
  }
  return std::optional<Node>(std::move(*node));
}

Result<std::vector<Node>> Node::list(std::string_view name, const YangModule* module) {
  const YangModule& owner = module != nullptr ? *module : module_;
  const auto found = find(name, module);
  const std::string path = childPath(name, owner);
  std::vector<Node> entries;
  if (isJson_) {
    if (found.empty()) {
      return entries;
    }
    if (found.size() > 1) {
      return nodeError(CodecErrc::DuplicateNode, path, "the list appears more than once");
    }
    const Json& array = *children_[found.front()].json;
    if (!array.is_array()) {
      return nodeError(CodecErrc::InvalidValue, path,
                       std::string("a list is a JSON array of objects (RFC 7951 §5.4), found ") +
                           array.type_name());
    }
    for (std::size_t i = 0; i < array.size(); ++i) {
      const std::string entryPath = path + "[" + std::to_string(i + 1) + "]";
      if (!array[i].is_object()) {
        return nodeError(
            CodecErrc::InvalidValue, entryPath,
            std::string("a list entry is a JSON object, found ") + array[i].type_name());
      }
      auto entry = fromJson(array[i], entryPath, owner);
      if (!entry) {
        return std::move(entry).error();
      }
      entry->basePath_ = path;
      entries.push_back(std::move(*entry));
    }
    return entries;
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    auto entry = fromXml(children_[found[i]].xml, path + "[" + std::to_string(i + 1) + "]", owner);
    if (!entry) {
      return std::move(entry).error();
    }
    entry->basePath_ = path;
    entries.push_back(std::move(*entry));
  }
  return entries;
}

Result<std::optional<std::string>> Node::anydata(std::string_view name, const YangModule* module) {
  const YangModule& owner = module != nullptr ? *module : module_;
  const auto found = find(name, module);
  const std::string path = childPath(name, owner);
  if (found.empty()) {
    return std::optional<std::string>();
  }
  if (found.size() > 1) {
    return nodeError(CodecErrc::DuplicateNode, path, "the anydata node appears more than once");
  }
  const Child& child = children_[found.front()];
  if (isJson_) {
    if (!child.json->is_object()) {
      return nodeError(CodecErrc::InvalidValue, path,
                       std::string("anydata is a JSON object (RFC 7951 §5.5), found ") +
                           child.json->type_name());
    }
    return std::optional<std::string>(dumpJson(*child.json, -1));
  }
  if (auto ok = checkNoAttributes(child.xml, path); !ok) {
    return std::move(ok).error();
  }
  if (!isElementContent(child.xml)) {
    return nodeError(CodecErrc::InvalidValue, path,
                     "anydata holds data nodes (elements), not text");
  }
  return std::optional<std::string>(innerXml(child.xml));
}

void Node::setKey(std::string_view keyName, std::string_view keyValue) {
  path_ = basePath_ + "[" + std::string(keyName) + "=" + predicateValue(keyValue) + "]";
}

Status Node::finish() const {
  if (strayText_) {
    return nodeError(CodecErrc::InvalidValue, path_,
                     "text content is not allowed in a container or list entry");
  }
  for (const auto& child : children_) {
    if (child.known) {
      continue;
    }
    if (!child.module) {
      if (isJson_) {
        return nodeError(CodecErrc::UnknownNode, path_ + "/" + child.written + ":" + child.name,
                         "the module '" + child.written + "' is not part of this model");
      }
      return nodeError(CodecErrc::UnknownNode, path_ + "/" + child.name,
                       child.written.empty()
                           ? std::string("the element is in no namespace")
                           : "the namespace '" + child.written + "' is not part of this model");
    }
    if (child.module->name != module_.name) {
      return nodeError(
          CodecErrc::UnknownNode, childPath(child.name, *child.module),
          "the module '" + std::string(child.module->name) + "' defines no such node here");
    }
    return nodeError(CodecErrc::UnknownNode, childPath(child.name, *child.module),
                     "the module '" + std::string(module_.name) + "' defines no such node here");
  }
  return {};
}

Result<Document> Document::parse(std::string_view text, Encoding encoding,
                                 const ParseLimits& limits) {
  Document document;
  document.encoding_ = encoding;
  if (encoding == Encoding::Json) {
    auto json = parseJsonDocument(text, limits);
    if (!json) {
      return std::move(json).error();
    }
    document.json_ = std::move(*json);
  } else {
    auto xml = parseXmlDocument(text, limits);
    if (!xml) {
      return std::move(xml).error();
    }
    document.xml_ = std::move(*xml);
  }
  return document;
}

Result<std::vector<Node>> Document::topLevel(const YangModule& module,
                                             std::span<const std::string_view> names) const {
  // Classifies one top-level node; returns the error for a wrong one.
  const auto check = [&](const std::optional<YangModule>& found, std::string_view written,
                         std::string_view name) -> Status {
    const bool json = encoding_ == Encoding::Json;
    std::string expected;
    for (const auto wanted : names) {
      expected += (expected.empty() ? "" : " or ") + topPath(module, wanted);
    }
    if (found && found->name == module.name) {
      for (const auto wanted : names) {
        if (wanted == name) {
          return {};
        }
      }
      return nodeError(CodecErrc::UnknownNode, topPath(module, name),
                       "not a top-level node of this document; expected " + expected);
    }
    if (found) {
      return nodeError(CodecErrc::UnexpectedDocument, topPath(*found, name),
                       "this is a different artifact; expected " + expected);
    }
    if (json) {
      return nodeError(CodecErrc::UnknownNode, "/" + std::string(written) + ":" + std::string(name),
                       "unknown module '" + std::string(written) + "'; expected " + expected);
    }
    return nodeError(CodecErrc::UnknownNode, "/" + std::string(name),
                     (written.empty() ? std::string("the element is in no namespace")
                                      : "unknown namespace '" + std::string(written) + "'") +
                         "; expected " + expected);
  };

  std::vector<Node> nodes;
  if (encoding_ == Encoding::Json) {
    for (auto it = json_.begin(); it != json_.end(); ++it) {
      const std::string& key = it.key();
      const auto colon = key.find(':');
      if (colon == std::string::npos) {
        return nodeError(CodecErrc::UnknownNode, "/" + key,
                         "a top-level member must be module-qualified (RFC 7951 §4), e.g. \"" +
                             std::string(module.name) + ":" + key + "\"");
      }
      const std::string written = key.substr(0, colon);
      const std::string name = key.substr(colon + 1);
      if (auto ok = check(moduleByName(written), written, name); !ok) {
        return std::move(ok).error();
      }
      if (!it.value().is_object()) {
        return nodeError(
            CodecErrc::InvalidValue, topPath(module, name),
            std::string("a container is a JSON object, found ") + it.value().type_name());
      }
      auto node = Node::fromJson(it.value(), topPath(module, name), module);
      if (!node) {
        return std::move(node).error();
      }
      nodes.push_back(std::move(*node));
    }
    return nodes;
  }
  const XmlName name = resolveElementName(xml_->root);
  if (auto ok = check(moduleByNamespace(name.ns), name.ns, name.local); !ok) {
    return std::move(ok).error();
  }
  auto node = Node::fromXml(xml_->root, topPath(module, name.local), module);
  if (!node) {
    return std::move(node).error();
  }
  nodes.push_back(std::move(*node));
  return nodes;
}

}  // namespace sztp::model
