#include "common/hex.h"

#include "common/codec_error.h"

namespace sztp {
namespace {

constexpr std::string_view kDigits = "0123456789abcdef";

int nibble(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::string hexEncode(ByteView data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (auto b : data) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

std::string hexStringEncode(ByteView data) {
  std::string out;
  out.reserve(data.size() * 3);
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (i > 0) {
      out += ':';
    }
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xf];
  }
  return out;
}

Result<Bytes> hexStringDecode(std::string_view text) {
  Bytes out;
  if (text.empty()) {
    return out;
  }
  // Pattern ([0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*)? from ietf-yang-types.
  if ((text.size() + 1) % 3 != 0) {
    return Error(CodecErrc::InvalidValue,
                 "hex-string must be octets of two hex digits separated by ':'");
  }
  out.reserve((text.size() + 1) / 3);
  for (std::size_t i = 0; i < text.size(); i += 3) {
    const int hi = nibble(text[i]);
    const int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0 || (i + 2 < text.size() && text[i + 2] != ':')) {
      return Error(CodecErrc::InvalidValue,
                   "hex-string has an invalid character near offset " + std::to_string(i));
    }
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

Result<Bytes> hexDecodeLenient(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
  }
  Bytes out;
  int pending = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ':' || c == ' ' || c == '-' || c == '\n' || c == '\r' || c == '\t') {
      if (pending >= 0) {
        return Error(CodecErrc::InvalidValue,
                     "odd number of hex digits before separator at offset " + std::to_string(i));
      }
      continue;
    }
    const int v = nibble(c);
    if (v < 0) {
      return Error(CodecErrc::InvalidValue, "not a hex digit at offset " + std::to_string(i));
    }
    if (pending < 0) {
      pending = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(pending << 4 | v));
      pending = -1;
    }
  }
  if (pending >= 0) {
    return Error(CodecErrc::InvalidValue, "odd number of hex digits");
  }
  return out;
}

}  // namespace sztp
