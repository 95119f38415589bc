#include "common/base64.h"

#include <array>

#include "common/codec_error.h"

namespace sztp {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> makeDecodeTable() {
  std::array<int, 256> table{};
  for (auto& entry : table) {
    entry = -1;
  }
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr auto kDecode = makeDecodeTable();

bool isWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

std::string base64Encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t n = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = data.size() - i;
  if (rest == 1) {
    const std::uint32_t n = data[i] << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t n = (data[i] << 16) | (data[i + 1] << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<Bytes> base64Decode(std::string_view text, bool allowWhitespace) {
  std::string compact;
  if (allowWhitespace) {
    compact.reserve(text.size());
    for (char c : text) {
      if (!isWhitespace(c)) {
        compact += c;
      }
    }
    text = compact;
  }
  if (text.size() % 4 != 0) {
    return Error(CodecErrc::InvalidValue, "base64 length " + std::to_string(text.size()) +
                                              " is not a multiple of 4 (padding is required)");
  }
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) {
        return Error(CodecErrc::InvalidValue, "base64 has data after '=' padding");
      }
      v[k] = kDecode[static_cast<unsigned char>(c)];
      if (v[k] < 0) {
        return Error(
            CodecErrc::InvalidValue,
            "base64 contains a character outside the alphabet at offset " + std::to_string(i + k));
      }
    }
    const std::uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<std::uint8_t>(n >> 16));
    if (padding < 2) {
      out.push_back(static_cast<std::uint8_t>(n >> 8));
    }
    if (padding < 1) {
      out.push_back(static_cast<std::uint8_t>(n));
    }
    // Non-canonical encodings (bits set in the padding positions) are refused so
    // that every value has exactly one accepted text form.
    if ((padding == 1 && (v[2] & 0x3) != 0) || (padding == 2 && (v[1] & 0xf) != 0)) {
      return Error(CodecErrc::InvalidValue, "base64 has non-zero bits in its padding");
    }
  }
  return out;
}

}  // namespace sztp
