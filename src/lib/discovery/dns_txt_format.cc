#include "discovery/dns_txt_format.h"

#include <algorithm>
#include <string_view>

namespace sztp::discovery {

namespace {

// True when a string starting at `value[at]` would read as a key: 1..9
// printable ASCII octets other than '=', then '=' (parseSztpTxt). Looking at
// the value rather than the string is conservative: the string is a prefix.
bool beginsLikeKey(const Bytes& value, std::size_t at) {
  std::size_t k = 0;
  while (at + k < value.size() && k < 10 && value[at + k] != '=' && value[at + k] >= 0x20 &&
         value[at + k] <= 0x7e) {
    ++k;
  }
  return k >= 1 && k <= 9 && at + k < value.size() && value[at + k] == '=';
}

// Where the string taking `value` from `begin` with room for `room` octets
// ends. Moving back one octet either stops a key-like continuation (the
// octet is '=' or not printable) or lengthens its would-be key by one, so
// nine steps at most: the string never becomes empty (room >= 252).
std::size_t chunkEnd(const Bytes& value, std::size_t begin, std::size_t room) {
  std::size_t end = std::min(value.size(), begin + room);
  while (end < value.size() && end > begin && beginsLikeKey(value, end)) {
    --end;
  }
  return end;
}

void appendValue(std::string_view key, const Bytes& value, std::vector<Bytes>& out) {
  Bytes first = toBytes(key);
  first.push_back('=');
  std::size_t end = chunkEnd(value, 0, kMaxCharacterString - first.size());
  first.insert(first.end(), value.begin(), value.begin() + static_cast<std::ptrdiff_t>(end));
  out.push_back(std::move(first));
  for (std::size_t begin = end; begin < value.size(); begin = end) {
    end = chunkEnd(value, begin, kMaxCharacterString);
    out.emplace_back(value.begin() + static_cast<std::ptrdiff_t>(begin),
                     value.begin() + static_cast<std::ptrdiff_t>(end));
  }
}

}  // namespace

std::vector<Bytes> formatSztpTxt(const SztpTxtData& data) {
  std::vector<Bytes> out;
  if (data.conveyedInformation) {
    appendValue("ci", *data.conveyedInformation, out);
  }
  if (data.ownerCertificate) {
    appendValue("oc", *data.ownerCertificate, out);
  }
  if (data.ownershipVoucher) {
    appendValue("ov", *data.ownershipVoucher, out);
  }
  return out;
}

std::size_t txtRdataLength(const std::vector<Bytes>& strings) {
  std::size_t length = 0;
  for (const auto& s : strings) {
    length += 1 + s.size();
  }
  return length;
}

std::string txtPresentation(const std::vector<Bytes>& strings) {
  std::string text;
  for (const auto& s : strings) {
    if (!text.empty()) {
      text += ' ';
    }
    text += '"';
    for (std::uint8_t octet : s) {
      if (octet >= 0x20 && octet <= 0x7e && octet != '"' && octet != '\\') {
        text += static_cast<char>(octet);
      } else {
        text += '\\';
        text += static_cast<char>('0' + octet / 100);
        text += static_cast<char>('0' + octet / 10 % 10);
        text += static_cast<char>('0' + octet % 10);
      }
    }
    text += '"';
  }
  return text;
}

}  // namespace sztp::discovery
