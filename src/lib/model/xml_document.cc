#include "model/xml_document.h"

#include <map>
#include <set>
#include <vector>

#include "common/codec_error.h"
#include "model/text_checks.h"

namespace sztp::model {
namespace {

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

// YANG instance elements carry only namespace declarations. The cap keeps
// namespace resolution, which scans the attributes of every ancestor, linear
// in the document size.
constexpr std::size_t kMaxAttributes = 64;

Error malformed(std::string detail) {
  return Error(CodecErrc::MalformedXml, std::move(detail));
}

bool isXmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Validates the entity or character reference starting at text[i] == '&' and
// returns the offset just past its ';'. Only the five predefined entities and
// character references to XML Chars exist without a DTD, and DTDs are refused.
Result<std::size_t> checkReference(std::string_view text, std::size_t i) {
  const auto semicolon = text.find(';', i);
  if (semicolon == std::string_view::npos || semicolon - i > 12) {
    return malformed("'&' at byte " + std::to_string(i) + " does not start a reference");
  }
  const std::string_view name = text.substr(i + 1, semicolon - i - 1);
  if (name == "lt" || name == "gt" || name == "amp" || name == "apos" || name == "quot") {
    return semicolon + 1;
  }
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    long cp = 0;
    bool ok = !digits.empty();
    for (char c : digits) {
      int v = -1;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
      }
      if (v < 0 || cp > 0x10FFFF) {
        ok = false;
        break;
      }
      cp = cp * (hex ? 16 : 10) + v;
    }
    if (!ok || !isXmlChar(cp)) {
      return malformed("character reference '&" + std::string(name) + ";' at byte " +
                       std::to_string(i) + " does not name an XML character");
    }
    return semicolon + 1;
  }
  return malformed("reference to undeclared entity '&" + std::string(name) + ";' at byte " +
                   std::to_string(i) + " (DTDs and their entities are refused)");
}

// One linear pass over the text before pugixml sees it: element depth,
// declarations pugixml would otherwise process (DTDs) or silently keep, and
// references pugixml would leave unexpanded. No recursion, no allocation.
Status preScan(std::string_view text, std::size_t maxDepth) {
  if (auto problem = xmlCharProblem(text)) {
    return malformed(*problem);
  }
  std::size_t i = 0;
  if (text.starts_with("\xEF\xBB\xBF")) {
    i = 3;
  }
  const std::size_t documentStart = i;
  std::size_t depth = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '&') {
      if (depth == 0) {
        return malformed("text outside the root element at byte " + std::to_string(i));
      }
      auto next = checkReference(text, i);
      if (!next) {
        return std::move(next).error();
      }
      i = *next;
      continue;
    }
    if (c != '<') {
      if (depth == 0 && !isXmlSpace(c)) {
        return malformed("text outside the root element at byte " + std::to_string(i));
      }
      ++i;
      continue;
    }
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("<?")) {
      const auto end = text.find("?>", i + 2);
      if (end == std::string_view::npos) {
        return malformed("unterminated processing instruction at byte " + std::to_string(i));
      }
      std::size_t nameEnd = i + 2;
      while (nameEnd < end && !isXmlSpace(text[nameEnd])) {
        ++nameEnd;
      }
      const std::string_view target = text.substr(i + 2, nameEnd - i - 2);
      if (target != "xml") {
        return malformed("processing instruction <?" + std::string(target.substr(0, 40)) +
                         "?> at byte " + std::to_string(i) + " is refused");
      }
      if (i != documentStart) {
        return malformed("the XML declaration must come first (found at byte " + std::to_string(i) +
                         ")");
      }
      i = end + 2;
    } else if (rest.starts_with("<!--")) {
      const auto end = text.find("-->", i + 4);
      if (end == std::string_view::npos) {
        return malformed("unterminated comment at byte " + std::to_string(i));
      }
      i = end + 3;
    } else if (rest.starts_with("<![CDATA[")) {
      const auto end = text.find("]]>", i + 9);
      if (end == std::string_view::npos) {
        return malformed("unterminated CDATA section at byte " + std::to_string(i));
      }
      i = end + 3;
    } else if (rest.starts_with("<!")) {
      return malformed("DOCTYPE and other markup declarations are refused (byte " +
                       std::to_string(i) + ")");
    } else if (rest.starts_with("</")) {
      const auto end = text.find('>', i + 2);
      if (end == std::string_view::npos) {
        return malformed("unterminated end tag at byte " + std::to_string(i));
      }
      if (depth > 0) {
        --depth;
      }
      i = end + 1;
    } else {
      if (++depth > maxDepth) {
        return Error(CodecErrc::InputTooDeep, "XML elements nest deeper than " +
                                                  std::to_string(maxDepth) + " levels at byte " +
                                                  std::to_string(i));
      }
      char quote = 0;
      char previous = 0;
      std::size_t k = i + 1;
      for (; k < text.size(); ++k) {
        const char t = text[k];
        if (quote != 0) {
          if (t == quote) {
            quote = 0;
          } else if (t == '<') {
            return malformed("'<' inside an attribute value at byte " + std::to_string(k));
          } else if (t == '&') {
            auto next = checkReference(text, k);
            if (!next) {
              return std::move(next).error();
            }
            k = *next - 1;
          }
          continue;
        }
        if (t == '"' || t == '\'') {
          quote = t;
        } else if (t == '>') {
          break;
        } else if (t == '<') {
          return malformed("'<' inside a start tag at byte " + std::to_string(k));
        }
        if (!isXmlSpace(t)) {
          previous = t;
        }
      }
      if (k >= text.size()) {
        return malformed("unterminated start tag at byte " + std::to_string(i));
      }
      if (previous == '/') {
        --depth;
      }
      i = k + 1;
    }
  }
  return {};
}

std::string_view prefixOf(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

std::string_view localOf(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

Status checkQName(std::string_view qname, std::string_view what) {
  const auto colon = qname.find(':');
  if (colon != std::string_view::npos && (colon == 0 || colon + 1 == qname.size() ||
                                          qname.find(':', colon + 1) != std::string_view::npos)) {
    return malformed(std::string(what) + " name '" + std::string(qname) + "' is not a valid QName");
  }
  return {};
}

// Namespace well-formedness (Namespaces in XML 1.0 §5) and attribute
// uniqueness for every element, walked without recursion.
Status checkTree(pugi::xml_node root) {
  std::vector<pugi::xml_node> stack{root};
  while (!stack.empty()) {
    const pugi::xml_node element = stack.back();
    stack.pop_back();
    const std::string_view name = element.name();
    if (auto ok = checkQName(name, "element"); !ok) {
      return ok;
    }
    if (!lookupNamespace(element, prefixOf(name))) {
      return malformed("element <" + std::string(name) + "> uses the unbound prefix '" +
                       std::string(prefixOf(name)) + "'");
    }
    std::size_t count = 0;
    for (pugi::xml_attribute attribute = element.first_attribute(); attribute;
         attribute = attribute.next_attribute()) {
      if (++count > kMaxAttributes) {
        return malformed("element <" + std::string(name) + "> has more than " +
                         std::to_string(kMaxAttributes) + " attributes");
      }
    }
    std::set<std::string_view> seen;
    for (const pugi::xml_attribute attribute : element.attributes()) {
      const std::string_view attributeName = attribute.name();
      if (!seen.insert(attributeName).second) {
        return malformed("element <" + std::string(name) + "> has the attribute '" +
                         std::string(attributeName) + "' twice");
      }
      if (auto ok = checkQName(attributeName, "attribute"); !ok) {
        return ok;
      }
      const std::string_view prefix = prefixOf(attributeName);
      if (prefix == "xmlns") {
        if (std::string_view(attribute.value()).empty()) {
          return malformed("namespace prefix '" + std::string(localOf(attributeName)) +
                           "' is declared with an empty URI");
        }
      } else if (!prefix.empty() && !lookupNamespace(element, prefix)) {
        return malformed("attribute '" + std::string(attributeName) + "' uses an unbound prefix");
      }
    }
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) {
        stack.push_back(child);
      }
    }
  }
  return {};
}

Status checkDeclaration(pugi::xml_node declaration) {
  for (const pugi::xml_attribute attribute : declaration.attributes()) {
    const std::string_view name = attribute.name();
    std::string value = attribute.value();
    if (name == "encoding") {
      for (auto& ch : value) {
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      }
      if (value != "UTF-8") {
        return malformed("XML encoding '" + std::string(attribute.value()) +
                         "' is refused; documents must be UTF-8");
      }
    } else if (name == "version") {
      if (value != "1.0") {
        return malformed("XML version '" + value + "' is not supported");
      }
    } else if (name != "standalone") {
      return malformed("unexpected '" + std::string(name) + "' in the XML declaration");
    }
  }
  return {};
}

void appendContent(std::string& out, pugi::xml_node element,
                   const std::map<std::string, std::string>* childBindings);

void printElement(std::string& out, pugi::xml_node element,
                  const std::map<std::string, std::string>* extraBindings) {
  out += '<';
  out += element.name();
  std::set<std::string_view> declared;
  for (const pugi::xml_attribute attribute : element.attributes()) {
    out += ' ';
    out += attribute.name();
    out += "=\"";
    out += escapeXmlAttribute(attribute.value());
    out += '"';
    declared.insert(attribute.name());
  }
  if (extraBindings != nullptr) {
    for (const auto& [prefix, uri] : *extraBindings) {
      const std::string attributeName = prefix.empty() ? "xmlns" : "xmlns:" + prefix;
      if (declared.count(attributeName) == 0) {
        out += ' ' + attributeName + "=\"" + escapeXmlAttribute(uri) + '"';
      }
    }
  }
  if (!element.first_child()) {
    out += "/>";
    return;
  }
  out += '>';
  appendContent(out, element, nullptr);
  out += "</";
  out += element.name();
  out += '>';
}

// Text and child elements of `element`; `childBindings` are declared on the
// direct child elements (so a captured fragment does not depend on its
// ancestors), deeper ones inherit them.
void appendContent(std::string& out, pugi::xml_node element,
                   const std::map<std::string, std::string>* childBindings) {
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    switch (child.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata:
        out += escapeXmlText(child.value());
        break;
      case pugi::node_element:
        printElement(out, child, childBindings);
        break;
      default:
        break;
    }
  }
}

// Every namespace binding in scope at `element`, nearest declaration winning.
std::map<std::string, std::string> bindingsInScope(pugi::xml_node element) {
  std::map<std::string, std::string> bindings;
  for (pugi::xml_node node = element; node && node.type() == pugi::node_element;
       node = node.parent()) {
    for (const pugi::xml_attribute attribute : node.attributes()) {
      const std::string_view name = attribute.name();
      if (name == "xmlns") {
        bindings.emplace("", attribute.value());
      } else if (name.starts_with("xmlns:")) {
        bindings.emplace(std::string(name.substr(6)), attribute.value());
      }
    }
  }
  return bindings;
}

}  // namespace

Result<std::unique_ptr<XmlDocument>> parseXmlDocument(std::string_view text,
                                                      const ParseLimits& limits) {
  if (text.size() > limits.maxBytes) {
    return Error(CodecErrc::InputTooLarge, "XML document is " + std::to_string(text.size()) +
                                               " octets; the limit is " +
                                               std::to_string(limits.maxBytes));
  }
  if (auto scanned = preScan(text, limits.maxDepth); !scanned) {
    return std::move(scanned).error();
  }
  auto xml = std::make_unique<XmlDocument>();
  const unsigned flags = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_wconv_attribute |
                         pugi::parse_eol | pugi::parse_ws_pcdata | pugi::parse_declaration;
  const pugi::xml_parse_result parsed =
      xml->document.load_buffer(text.data(), text.size(), flags, pugi::encoding_utf8);
  if (!parsed) {
    return malformed("XML is not well-formed at byte " + std::to_string(parsed.offset) + ": " +
                     parsed.description());
  }
  for (pugi::xml_node child = xml->document.first_child(); child; child = child.next_sibling()) {
    switch (child.type()) {
      case pugi::node_element:
        if (xml->root) {
          return malformed("the XML document has more than one root element");
        }
        xml->root = child;
        break;
      case pugi::node_declaration:
        if (auto ok = checkDeclaration(child); !ok) {
          return std::move(ok).error();
        }
        break;
      case pugi::node_pcdata:
      case pugi::node_cdata:
        for (const char* p = child.value(); *p != '\0'; ++p) {
          if (!isXmlSpace(*p)) {
            return malformed("text outside the root element");
          }
        }
        break;
      default:
        return malformed("unexpected node outside the root element");
    }
  }
  if (!xml->root) {
    return malformed("the XML document has no root element");
  }
  if (auto ok = checkTree(xml->root); !ok) {
    return std::move(ok).error();
  }
  return xml;
}

std::optional<std::string> lookupNamespace(pugi::xml_node element, std::string_view prefix) {
  if (prefix == "xml") {
    return std::string(kXmlNamespace);
  }
  const std::string attributeName = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (pugi::xml_node node = element; node && node.type() == pugi::node_element;
       node = node.parent()) {
    if (const pugi::xml_attribute attribute = node.attribute(attributeName.c_str())) {
      return std::string(attribute.value());
    }
  }
  if (prefix.empty()) {
    return std::string();
  }
  return std::nullopt;
}

XmlName resolveElementName(pugi::xml_node element) {
  const std::string_view name = element.name();
  return XmlName{lookupNamespace(element, prefixOf(name)).value_or(std::string()),
                 std::string(localOf(name))};
}

std::string innerXml(pugi::xml_node element) {
  std::string out;
  const auto bindings = bindingsInScope(element);
  appendContent(out, element, &bindings);
  return out;
}

bool isElementContent(pugi::xml_node element) {
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      for (const char* p = child.value(); *p != '\0'; ++p) {
        if (!isXmlSpace(*p)) {
          return false;
        }
      }
    }
  }
  return true;
}

std::string escapeXmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\r':
        out += "&#13;";  // a literal CR would be normalised away on re-parse
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escapeXmlAttribute(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace sztp::model
