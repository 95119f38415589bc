#include "model/encoding.h"

namespace sztp::model {

std::string_view encodingName(Encoding encoding) {
  return encoding == Encoding::Json ? "json" : "xml";
}

std::string_view yangDataMediaType(Encoding encoding) {
  return encoding == Encoding::Json ? "application/yang-data+json" : "application/yang-data+xml";
}

std::optional<Encoding> sniffEncoding(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      continue;
    }
    if (c == '{') {
      return Encoding::Json;
    }
    if (c == '<') {
      return Encoding::Xml;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace sztp::model
