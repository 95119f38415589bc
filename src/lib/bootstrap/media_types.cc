#include "bootstrap/media_types.h"

#include <charconv>
#include <string>

#include "bootstrap/bootstrap_error.h"
#include "http/message.h"

namespace sztp::bootstrap {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

/// q-value in thousandths (RFC 9110 §12.4.2); malformed counts as 1.
int qValue(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto semi = parameters.find(';');
    const std::string_view parameter = trim(parameters.substr(0, semi));
    parameters = semi == std::string_view::npos ? std::string_view() : parameters.substr(semi + 1);
    if (parameter.size() < 2 || (parameter[0] != 'q' && parameter[0] != 'Q') ||
        parameter[1] != '=') {
      continue;
    }
    const std::string_view value = parameter.substr(2);
    if (value.empty() || (value[0] != '0' && value[0] != '1')) {
      return 1000;
    }
    int whole = value[0] - '0';
    int thousandths = 0;
    int scale = 100;
    for (std::size_t i = 2; i < value.size() && i < 5 && value[1] == '.'; ++i) {
      if (value[i] < '0' || value[i] > '9') {
        break;
      }
      thousandths += (value[i] - '0') * scale;
      scale /= 10;
    }
    return std::min(1000, whole * 1000 + thousandths);
  }
  return 1000;
}

}  // namespace

std::optional<model::Encoding> encodingOfMediaType(std::string_view mediaType) {
  const std::string type = http::lowercase(trim(mediaType.substr(0, mediaType.find(';'))));
  if (type == "application/yang-data+json" || type == "application/json" ||
      type == "application/yang.data+json") {
    return model::Encoding::Json;
  }
  if (type == "application/yang-data+xml" || type == "application/xml" || type == "text/xml" ||
      type == "application/yang.data+xml") {
    return model::Encoding::Xml;
  }
  return std::nullopt;
}

Result<model::Encoding> requestEncoding(std::optional<std::string_view> contentType,
                                        std::string_view body) {
  if (contentType && !trim(*contentType).empty()) {
    if (auto encoding = encodingOfMediaType(*contentType)) {
      return *encoding;
    }
    if (trim(body).empty()) {
      return model::Encoding::Json;  // Nothing to read; the type does not matter.
    }
    return Error(BootstrapErrc::UnsupportedMediaType,
                 "Content-Type \"" + std::string(*contentType) + "\"");
  }
  if (auto sniffed = model::sniffEncoding(body)) {
    return *sniffed;
  }
  return model::Encoding::Json;
}

Result<model::Encoding> responseEncoding(std::optional<std::string_view> accept,
                                         model::Encoding preferred) {
  if (!accept || trim(*accept).empty()) {
    return preferred;
  }
  int bestJson = -1;
  int bestXml = -1;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view range = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto semi = range.find(';');
    const std::string type = http::lowercase(trim(range.substr(0, semi)));
    const int q = semi == std::string_view::npos ? 1000 : qValue(range.substr(semi + 1));
    if (type == "*/*" || type == "application/*") {
      bestJson = std::max(bestJson, q);
      bestXml = std::max(bestXml, q);
    } else if (type == "text/*") {
      bestXml = std::max(bestXml, q);
    } else if (auto encoding = encodingOfMediaType(type)) {
      int& best = *encoding == model::Encoding::Json ? bestJson : bestXml;
      best = std::max(best, q);
    }
  }
  if (bestJson <= 0 && bestXml <= 0) {
    return Error(BootstrapErrc::NotAcceptable, "Accept \"" + std::string(*accept) + "\"");
  }
  if (bestJson == bestXml) {
    return preferred;
  }
  return bestJson > bestXml ? model::Encoding::Json : model::Encoding::Xml;
}

}  // namespace sztp::bootstrap
