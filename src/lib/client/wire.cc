#include "client/wire.h"

#include <charconv>

#include "client/client_error.h"
#include "model/xml_document.h"

namespace sztp::client {
namespace {

constexpr std::size_t kMaxUri = 8192;
constexpr std::string_view kXrdNamespace = "http://docs.oasis-open.org/ns/xri/xrd-1.0";

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

bool isVisibleAscii(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return false;
    }
  }
  return true;
}

bool isRegName(std::string_view host) {
  if (host.empty() || host.size() > 253) {
    return false;
  }
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool isIpv6Literal(std::string_view host) {
  if (host.size() < 2 || host.size() > 45) {
    return false;
  }
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') ||
                    c == ':' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return host.find(':') != std::string_view::npos;
}

template <class T>
std::optional<T> parseNumber(std::string_view text) {
  if (text.empty() || text.size() > 20) {
    return std::nullopt;
  }
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

Error invalid(std::string_view what) {
  return Error(ClientErrc::InvalidRequest, what);
}

}  // namespace

Result<HttpUri> parseHttpUri(std::string_view text) {
  if (text.size() > kMaxUri) {
    return invalid("URI longer than 8192 octets");
  }
  if (!isVisibleAscii(text)) {
    return invalid("URI has spaces, control or non-ASCII characters: " + std::string(text));
  }
  HttpUri uri;
  const auto colon = text.find("://");
  if (colon == std::string_view::npos) {
    return invalid("not an absolute URI: " + std::string(text));
  }
  const std::string_view scheme = text.substr(0, colon);
  if (equalsIgnoreCase(scheme, "https")) {
    uri.tls = true;
    uri.port = 443;
  } else if (equalsIgnoreCase(scheme, "http")) {
    uri.tls = false;
    uri.port = 80;
  } else {
    return invalid("scheme is not http or https: " + std::string(text));
  }
  std::string_view rest = text.substr(colon + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const auto targetStart = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, targetStart);
  std::string_view target =
      targetStart == std::string_view::npos ? std::string_view() : rest.substr(targetStart);
  if (authority.find('@') != std::string_view::npos) {
    return invalid("URI carries userinfo, which is refused: " + std::string(text));
  }
  std::string_view host;
  std::string_view port;
  bool hasPort = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return invalid("unterminated IPv6 literal: " + std::string(text));
    }
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return invalid("junk after IPv6 literal: " + std::string(text));
      }
      port = after.substr(1);
      hasPort = true;
    }
    if (!isIpv6Literal(host)) {
      return invalid("malformed IPv6 literal: " + std::string(text));
    }
  } else {
    const auto portColon = authority.rfind(':');
    host = authority.substr(0, portColon);
    if (portColon != std::string_view::npos) {
      port = authority.substr(portColon + 1);
      hasPort = true;
    }
    if (!isRegName(host)) {
      return invalid("malformed host: " + std::string(text));
    }
  }
  if (hasPort) {
    // An explicit ":" needs a valid port; "host:" alone is refused too.
    const auto number = parseNumber<std::uint32_t>(port);
    if (!number || *number == 0 || *number > 65535) {
      return invalid("malformed port: " + std::string(text));
    }
    uri.port = static_cast<std::uint16_t>(*number);
  }
  uri.host.reserve(host.size());
  for (const char c : host) {
    uri.host.push_back(lower(c));
  }
  if (target.empty()) {
    uri.target = "/";
  } else if (target.front() == '?') {
    uri.target = "/" + std::string(target);
  } else {
    uri.target = std::string(target);
  }
  return uri;
}

std::string formatHostPort(std::string_view host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  std::string out;
  if (v6) {
    out = "[" + std::string(host) + "]";
  } else {
    out = std::string(host);
  }
  return out + ":" + std::to_string(port);
}

std::string hostHeader(const HttpUri& uri) {
  if (uri.port == (uri.tls ? 443 : 80)) {
    return uri.host.find(':') != std::string::npos ? "[" + uri.host + "]" : uri.host;
  }
  return formatHostPort(uri.host, uri.port);
}

Result<std::string> parseHostMetaRestconfRoot(std::string_view xrd) {
  model::ParseLimits limits;
  limits.maxBytes = 64 * 1024;
  limits.maxDepth = 8;
  auto document = model::parseXmlDocument(xrd, limits);
  if (!document) {
    return Error(ClientErrc::AnswerMalformed, "host-meta: " + document.error().describe());
  }
  const pugi::xml_node root = (*document)->root;
  const auto rootName = model::resolveElementName(root);
  if (rootName.ns != kXrdNamespace || rootName.local != "XRD") {
    return Error(ClientErrc::AnswerMalformed, "host-meta: the document element is not an XRD");
  }
  for (pugi::xml_node link = root.first_child(); link; link = link.next_sibling()) {
    if (link.type() != pugi::node_element) {
      continue;
    }
    const auto name = model::resolveElementName(link);
    if (name.ns != kXrdNamespace || name.local != "Link" ||
        std::string_view(link.attribute("rel").value()) != "restconf") {
      continue;
    }
    std::string_view href = link.attribute("href").value();
    if (href.find("://") != std::string_view::npos) {
      auto uri = parseHttpUri(href);
      if (!uri) {
        return Error(ClientErrc::AnswerMalformed, "host-meta: restconf href is not a URI");
      }
      std::string path = uri->target;
      if (path.find('?') != std::string::npos) {
        return Error(ClientErrc::AnswerMalformed, "host-meta: restconf href has a query");
      }
      while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
      }
      return path == "/" ? std::string() : path;
    }
    if (href.empty() || href.front() != '/' || href.size() > 1024 || !isVisibleAscii(href) ||
        href.find_first_of("?#") != std::string_view::npos) {
      return Error(ClientErrc::AnswerMalformed,
                   "host-meta: restconf href is not an absolute path: " + std::string(href));
    }
    while (!href.empty() && href.back() == '/') {
      href.remove_suffix(1);
    }
    return std::string(href);
  }
  return Error(ClientErrc::AnswerMalformed, "host-meta: no Link with rel=\"restconf\"");
}

Result<ContentRangeParse> parseContentRange(std::string_view value) {
  const auto malformed = [&] {
    return Error(ClientErrc::AnswerMalformed,
                 "Content-Range: " + std::string(value.substr(0, 100)));
  };
  constexpr std::string_view kUnit = "bytes ";
  if (value.size() > 128 || value.substr(0, kUnit.size()) != kUnit) {
    return malformed();
  }
  const std::string_view rest = value.substr(kUnit.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return malformed();
  }
  const std::string_view span = rest.substr(0, slash);
  const std::string_view complete = rest.substr(slash + 1);
  ContentRangeParse out;
  if (complete != "*") {
    const auto total = parseNumber<std::uint64_t>(complete);
    if (!total) {
      return malformed();
    }
    out.range.complete = *total;
  }
  if (span == "*") {
    if (!out.range.complete) {
      return malformed();
    }
    out.unsatisfied = true;
    return out;
  }
  const auto dash = span.find('-');
  if (dash == std::string_view::npos) {
    return malformed();
  }
  const auto first = parseNumber<std::uint64_t>(span.substr(0, dash));
  const auto last = parseNumber<std::uint64_t>(span.substr(dash + 1));
  if (!first || !last || *last < *first || (out.range.complete && *last >= *out.range.complete)) {
    return malformed();
  }
  out.range.first = *first;
  out.range.last = *last;
  return out;
}

}  // namespace sztp::client
