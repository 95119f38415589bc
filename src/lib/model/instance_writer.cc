#include "model/instance_writer.h"

#include <limits>

#include "common/base64.h"
#include "model/json_document.h"
#include "model/xml_document.h"

namespace sztp::model {

// Serialisation helpers with access to OutNode's items.
struct OutNodeAccess {
  static Json toJson(const OutNode& node);
  static Json value(const OutNode::Item& item);
};

namespace {

// An XML anydata fragment is emitted only if it parses on its own and holds
// elements (as the reader requires), so that a hand-made or foreign errorInfo,
// e.g. JSON text, can never break or alter the surrounding document.
bool isWellFormedFragment(const std::string& fragment) {
  ParseLimits limits;
  limits.maxBytes = std::numeric_limits<std::size_t>::max();
  limits.maxDepth = 1024;
  auto parsed = parseXmlDocument("<fragment>" + fragment + "</fragment>", limits);
  return parsed.ok() && isElementContent((*parsed)->root);
}

}  // namespace

OutNode::Item& OutNode::add(Kind kind, std::string_view name, const YangModule* module) {
  Item item;
  item.kind = kind;
  item.module = module != nullptr ? *module : module_;
  item.name = std::string(name);
  items_.push_back(std::move(item));
  return items_.back();
}

OutNode& OutNode::container(std::string_view name, const YangModule* module) {
  Item& item = add(Kind::Container, name, module);
  item.node = std::make_unique<OutNode>(item.module, item.name);
  return *item.node;
}

OutNode& OutNode::listEntry(std::string_view name, const YangModule* module) {
  Item& item = add(Kind::ListEntry, name, module);
  item.node = std::make_unique<OutNode>(item.module, item.name);
  return *item.node;
}

void OutNode::leafString(std::string_view name, std::string_view value, const YangModule* module,
                         std::vector<YangModule> prefixes) {
  Item& item = add(Kind::Leaf, name, module);
  item.text = std::string(value);
  item.prefixes = std::move(prefixes);
}

void OutNode::leafNumber(std::string_view name, std::uint64_t value, const YangModule* module) {
  Item& item = add(Kind::Leaf, name, module);
  item.valueKind = ValueKind::Number;
  item.number = value;
  item.text = std::to_string(value);
}

void OutNode::leafBoolean(std::string_view name, bool value, const YangModule* module) {
  Item& item = add(Kind::Leaf, name, module);
  item.valueKind = ValueKind::Boolean;
  item.boolean = value;
  item.text = value ? "true" : "false";
}

void OutNode::leafEmpty(std::string_view name, const YangModule* module) {
  add(Kind::Leaf, name, module).valueKind = ValueKind::Empty;
}

void OutNode::leafBinary(std::string_view name, ByteView value, const YangModule* module) {
  add(Kind::Leaf, name, module).text = base64Encode(value);
}

void OutNode::leafIdentity(std::string_view name, const YangModule& identityModule,
                           std::string_view identity, const YangModule* module) {
  Item& item = add(Kind::Leaf, name, module);
  item.valueKind = ValueKind::Identity;
  item.identityModule = identityModule;
  item.text = std::string(identity);
}

void OutNode::leafListString(std::string_view name, std::string_view value,
                             const YangModule* module) {
  add(Kind::LeafListEntry, name, module).text = std::string(value);
}

void OutNode::leafListBinary(std::string_view name, ByteView value, const YangModule* module) {
  add(Kind::LeafListEntry, name, module).text = base64Encode(value);
}

void OutNode::leafListIdentity(std::string_view name, const YangModule& identityModule,
                               std::string_view identity, const YangModule* module) {
  Item& item = add(Kind::LeafListEntry, name, module);
  item.valueKind = ValueKind::Identity;
  item.identityModule = identityModule;
  item.text = std::string(identity);
}

void OutNode::anydata(std::string_view name, std::string content, const YangModule* module) {
  add(Kind::Anydata, name, module).text = std::move(content);
}

Json OutNodeAccess::value(const OutNode::Item& item) {
  switch (item.valueKind) {
    case OutNode::ValueKind::Number:
      return Json(item.number);
    case OutNode::ValueKind::Boolean:
      return Json(item.boolean);
    case OutNode::ValueKind::Empty:
      return Json::array({nullptr});
    case OutNode::ValueKind::Identity:
      return Json(std::string(item.identityModule.name) + ":" + item.text);
    case OutNode::ValueKind::String:
      break;
  }
  return Json(item.text);
}

Json OutNodeAccess::toJson(const OutNode& node) {
  Json object = Json::object();
  for (const auto& item : node.items_) {
    std::string key = item.name;
    if (item.module.name != node.module_.name) {
      key = std::string(item.module.name) + ":" + key;
    }
    switch (item.kind) {
      case OutNode::Kind::Container:
        object[key] = toJson(*item.node);
        break;
      case OutNode::Kind::ListEntry:
        if (!object.contains(key)) {
          object[key] = Json::array();
        }
        object[key].push_back(toJson(*item.node));
        break;
      case OutNode::Kind::Leaf:
        object[key] = value(item);
        break;
      case OutNode::Kind::LeafListEntry:
        if (!object.contains(key)) {
          object[key] = Json::array();
        }
        object[key].push_back(value(item));
        break;
      case OutNode::Kind::Anydata: {
        Json parsed = Json::parse(item.text, nullptr, false);
        if (!parsed.is_discarded() && parsed.is_object()) {
          object[key] = std::move(parsed);
        }
        break;
      }
    }
  }
  return object;
}

std::string OutNode::encodeJson() const {
  Json document = Json::object();
  document[std::string(module_.name) + ":" + name_] = OutNodeAccess::toJson(*this);
  return dumpJson(document) + "\n";
}

void OutNode::writeXml(std::string& out, const YangModule* parent, int indent) const {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  out += pad + "<" + name_;
  if (parent == nullptr || parent->name != module_.name) {
    out += " xmlns=\"" + escapeXmlAttribute(module_.ns) + "\"";
  }
  if (items_.empty()) {
    out += "/>\n";
    return;
  }
  out += ">\n";
  const std::string childPad(static_cast<std::size_t>(indent + 2), ' ');
  for (const auto& item : items_) {
    if (item.kind == Kind::Container || item.kind == Kind::ListEntry) {
      item.node->writeXml(out, &module_, indent + 2);
      continue;
    }
    if (item.kind == Kind::Anydata && !isWellFormedFragment(item.text)) {
      continue;
    }
    std::string open = "<" + item.name;
    if (item.module.name != module_.name) {
      open += " xmlns=\"" + escapeXmlAttribute(item.module.ns) + "\"";
    }
    for (const auto& prefix : item.prefixes) {
      open += " xmlns:" + std::string(prefix.name) + "=\"" + escapeXmlAttribute(prefix.ns) + "\"";
    }
    std::string content;
    if (item.kind == Kind::Anydata) {
      content = item.text;
    } else if (item.valueKind == ValueKind::Identity) {
      open += " xmlns:" + std::string(item.identityModule.prefix) + "=\"" +
              escapeXmlAttribute(item.identityModule.ns) + "\"";
      content = std::string(item.identityModule.prefix) + ":" + escapeXmlText(item.text);
    } else if (item.valueKind != ValueKind::Empty) {
      content = escapeXmlText(item.text);
    }
    if (content.empty()) {
      out += childPad + open + "/>\n";
    } else {
      out += childPad + open + ">" + content + "</" + item.name + ">\n";
    }
  }
  out += pad + "</" + name_ + ">\n";
}

std::string OutNode::encode(Encoding encoding) const {
  if (encoding == Encoding::Json) {
    return encodeJson();
  }
  std::string out;
  writeXml(out, nullptr, 0);
  return out;
}

}  // namespace sztp::model
