#pragma once

#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/encoding.h"

// Internal: turns untrusted RFC 7950 XML text into a DOM, safely, and
// resolves XML namespaces (pugixml itself is not namespace-aware).

namespace sztp::model {

struct XmlDocument {
  pugi::xml_document document;
  pugi::xml_node root;  ///< The single document element.
};

/// Parses `text` after a linear pre-scan that enforces maxBytes and the
/// element depth limit, and refuses what SZTP documents never need and
/// attackers love: DOCTYPE/DTDs (so no entity expansion at all), processing
/// instructions other than the XML declaration, references to undeclared
/// entities, non-UTF-8 encodings and characters XML 1.0 excludes. Checks
/// namespace well-formedness (every prefix bound) and duplicate attributes.
/// Errors: InputTooLarge, InputTooDeep, MalformedXml.
Result<std::unique_ptr<XmlDocument>> parseXmlDocument(std::string_view text,
                                                      const ParseLimits& limits);

/// The namespace URI `prefix` is bound to at `element` ("" for the default
/// namespace), looking at the element and its ancestors; nothing if unbound.
std::optional<std::string> lookupNamespace(pugi::xml_node element, std::string_view prefix);

/// The namespace URI and local name of an element.
struct XmlName {
  std::string ns;
  std::string local;
};
XmlName resolveElementName(pugi::xml_node element);

/// The content of `element` in a canonical, self-contained form: child
/// elements with every in-scope namespace binding declared on them, text
/// escaped so that re-parsing yields the same characters. Used for anydata.
std::string innerXml(pugi::xml_node element);

/// True when the content of `element` is child elements and whitespace only
/// (what a YANG anydata node holds).
bool isElementContent(pugi::xml_node element);

/// Escapes text content for XML output (&, <, > and carriage return).
std::string escapeXmlText(std::string_view text);

/// Escapes an attribute value delimited by '"'.
std::string escapeXmlAttribute(std::string_view text);

}  // namespace sztp::model
