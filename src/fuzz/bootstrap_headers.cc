// Fuzz target for what sztp-server reads from a device's request headers
// before anything else: the Authorization header (HTTP Basic, S4) and the
// Content-Type / Accept negotiation (S11). Beyond not crashing it checks that
// a parsed Basic credential has a non-empty user without ':' and that
// negotiation answers with one of the two encodings or a 406/415 reason.
// The input is split at the first two newlines: authorization, content-type,
// accept; the rest is the body sniffed when there is no Content-Type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bootstrap/device_auth.h"
#include "bootstrap/media_types.h"

namespace {

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

std::string_view nextLine(std::string_view& rest) {
  const auto newline = rest.find('\n');
  const auto line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const auto authorization = nextLine(rest);
  const auto contentType = nextLine(rest);
  const auto accept = nextLine(rest);

  if (auto basic = sztp::bootstrap::parseBasicAuthorization(authorization)) {
    check(!basic->first.empty() && basic->first.find(':') == std::string::npos);
  }
  auto in = sztp::bootstrap::requestEncoding(
      contentType.empty() ? std::nullopt : std::optional(contentType), rest);
  check(in.ok() || in.error().reason() == "media-type-unsupported");
  auto out = sztp::bootstrap::responseEncoding(accept, sztp::model::Encoding::Json);
  check(out.ok() || out.error().reason() == "media-type-not-acceptable");
  return 0;
}
