#include "dhcp/sztp_redirect_option.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>

#include "dhcp/uri.h"

namespace sztp::dhcp {
namespace {

constexpr std::size_t kUriLengthSize = 2;
constexpr std::size_t kMaxListSize = 0xFFFF;
constexpr std::size_t kMaxDhcpv4OptionValue = 255;
constexpr std::size_t kDhcpv6HeaderSize = 4;
constexpr std::uint8_t kPad = 0;
constexpr std::uint8_t kEnd = 255;
constexpr std::uint8_t kOverload = 52;
constexpr std::uint8_t kOverloadFile = 1;
constexpr std::uint8_t kOverloadSname = 2;
// How many rejected URIs a NoValidUri detail spells out before summarising.
constexpr std::size_t kRejectedShown = 4;

std::uint16_t readU16(ByteView bytes, std::size_t offset) {
  return static_cast<std::uint16_t>((bytes[offset] << 8) | bytes[offset + 1]);
}

void appendU16(Bytes& out, std::size_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

std::string octets(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " octet" : " octets");
}

bool startsWithHttp(ByteView value, std::size_t offset) {
  constexpr std::string_view kHttp = "http";
  if (offset > value.size() || value.size() - offset < kHttp.size()) {
    return false;
  }
  return std::equal(kHttp.begin(), kHttp.end(), value.begin() + static_cast<std::ptrdiff_t>(offset),
                    // Setting bit 0x20 lower-cases an ASCII letter.
                    [](char want, std::uint8_t got) { return want == (got | 0x20); });
}

// The two framings operators get wrong most often (the IOS-XE guide in the
// checklist's wire notes warns that devices silently ignore them): the URI as
// plain text, and a 1-octet length as for other DHCPv4 string options.
std::string framingHint(ByteView value, std::size_t offset) {
  if (startsWithHttp(value, offset)) {
    return "; the option looks like plain text; RFC 8572 requires each URI to be prefixed by a "
           "2-octet length";
  }
  if (startsWithHttp(value, offset + 1)) {
    return "; the option looks like a URI with a 1-octet length prefix; RFC 8572 requires each "
           "URI to be prefixed by a 2-octet length";
  }
  return {};
}

std::string describeRejected(const std::vector<RejectedUri>& rejected) {
  std::string text = std::to_string(rejected.size()) +
                     (rejected.size() == 1 ? " URI rejected: " : " URIs rejected: ");
  for (std::size_t i = 0; i < rejected.size() && i < kRejectedShown; ++i) {
    if (i > 0) {
      text += "; ";
    }
    text += "'" + rejected[i].uri + "' " + rejected[i].reason;
  }
  if (rejected.size() > kRejectedShown) {
    text += "; and " + std::to_string(rejected.size() - kRejectedShown) + " more";
  }
  return text;
}

struct Collected {
  Bytes value;
  bool found = false;
};

// Walks one DHCPv4 field holding options (RFC 2132 §2), appending the value of
// every instance of `code` to `wanted` and, when asked, of option 52 to
// `overload`. Pad has no length octet; End stops the field; a field that ends
// without End is accepted.
Status walkDhcpv4Field(ByteView field, std::string_view name, std::uint8_t code, Collected& wanted,
                       Collected* overload) {
  std::size_t offset = 0;
  while (offset < field.size()) {
    const std::uint8_t current = field[offset];
    if (current == kPad) {
      ++offset;
      continue;
    }
    if (current == kEnd) {
      break;
    }
    const auto where = [&] {
      return "option " + std::to_string(current) + " at offset " + std::to_string(offset) +
             " of the " + std::string(name) + " field";
    };
    if (field.size() - offset < 2) {
      return Error(DhcpErrc::TruncatedOption, where() + " has no length octet");
    }
    const std::size_t length = field[offset + 1];
    const std::size_t left = field.size() - offset - 2;
    if (length > left) {
      return Error(DhcpErrc::TruncatedOption, where() + ": length " + std::to_string(length) +
                                                  " runs past the end (" + octets(left) + " left)");
    }
    const ByteView value = field.subspan(offset + 2, length);
    if (current == code) {
      wanted.value.insert(wanted.value.end(), value.begin(), value.end());
      wanted.found = true;
    }
    if (overload != nullptr && current == kOverload) {
      overload->value.insert(overload->value.end(), value.begin(), value.end());
      overload->found = true;
    }
    offset += 2 + length;
  }
  return {};
}

}  // namespace

Result<DecodedServerList> decodeServerList(ByteView value) {
  if (value.empty()) {
    return Error(DhcpErrc::EmptyList, "the option value has no octets");
  }
  DecodedServerList list;
  std::size_t offset = 0;
  while (offset < value.size()) {
    const std::size_t left = value.size() - offset;
    if (left < kUriLengthSize) {
      return Error(DhcpErrc::TruncatedList, octets(left) + " at offset " + std::to_string(offset) +
                                                " cannot form a uri-length" +
                                                framingHint(value, offset));
    }
    const std::size_t length = readU16(value, offset);
    if (length > left - kUriLengthSize) {
      return Error(DhcpErrc::TruncatedList,
                   "uri-length " + std::to_string(length) + " at offset " + std::to_string(offset) +
                       " runs past the end of the list (" + octets(left - kUriLengthSize) +
                       " follow)" + framingHint(value, offset));
    }
    const std::string_view uri(reinterpret_cast<const char*>(value.data() + offset + 2), length);
    offset += kUriLengthSize + length;
    if (uri.empty()) {
      // An empty entry is one more invalid URI (X12), not a broken list.
      list.rejected.push_back({"", "is empty (uri-length 0)"});
      continue;
    }
    auto checked = checkUri(uri);
    if (checked) {
      list.servers.push_back(std::move(*checked));
    } else {
      list.rejected.push_back({printable(uri), checked.error().detail()});
    }
  }
  if (list.servers.empty()) {
    // X12: nothing valid, so the whole option is discarded.
    return Error(DhcpErrc::NoValidUri, describeRejected(list.rejected));
  }
  return list;
}

Result<Bytes> encodeServerList(const std::vector<std::string>& uris) {
  if (uris.empty()) {
    // The list is "one or more" URIs; an empty option is dropped by every client.
    return Error(DhcpErrc::EmptyList, "no URI to encode; the list needs at least one");
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < uris.size(); ++i) {
    if (auto checked = parseBootstrapServerUri(uris[i]); !checked) {
      Error error = std::move(checked).error();
      error.addContext("server " + std::to_string(i + 1) + " of " + std::to_string(uris.size()));
      return error;
    }
    total += kUriLengthSize + uris[i].size();
  }
  if (total > kMaxListSize) {
    return Error(DhcpErrc::ListTooLong,
                 std::to_string(uris.size()) + " URIs need " + octets(total) + ", more than 65535");
  }
  Bytes out;
  out.reserve(total);
  for (const auto& uri : uris) {
    appendU16(out, uri.size());
    out.insert(out.end(), uri.begin(), uri.end());
  }
  return out;
}

Bytes encodeDhcpv4Option(ByteView value) {
  if (value.empty()) {
    return {kDhcpv4OptionCode, 0};
  }
  // X13: one instance when the value fits; otherwise RFC 3396 consecutive
  // instances, each as full as possible.
  Bytes out;
  const std::size_t instances = (value.size() + kMaxDhcpv4OptionValue - 1) / kMaxDhcpv4OptionValue;
  out.reserve(value.size() + 2 * instances);
  for (std::size_t offset = 0; offset < value.size(); offset += kMaxDhcpv4OptionValue) {
    const ByteView chunk =
        value.subspan(offset, std::min(kMaxDhcpv4OptionValue, value.size() - offset));
    out.push_back(kDhcpv4OptionCode);
    out.push_back(static_cast<std::uint8_t>(chunk.size()));
    out.insert(out.end(), chunk.begin(), chunk.end());
  }
  return out;
}

Result<Bytes> encodeDhcpv6Option(ByteView value) {
  if (value.size() > kMaxListSize) {
    return Error(DhcpErrc::ListTooLong,
                 "the option value is " + octets(value.size()) + ", more than 65535");
  }
  Bytes out;
  out.reserve(kDhcpv6HeaderSize + value.size());
  appendU16(out, kDhcpv6OptionCode);
  appendU16(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

Result<Bytes> joinDhcpv4Option(std::uint8_t code, ByteView options, ByteView file, ByteView sname) {
  if (code == kPad || code == kEnd) {
    return Error(DhcpErrc::OptionAbsent,
                 "code " + std::to_string(code) + " is Pad or End, which carries no value");
  }
  // X12: RFC 3396 §5 aggregate buffer = options field, then file, then sname,
  // the last two only when option 52 says so. Option 52 is read from the
  // options field only (RFC 2131 §4.1); `options` starts after the magic cookie.
  Collected wanted;
  Collected overload;
  if (auto walked = walkDhcpv4Field(options, "options", code, wanted, &overload); !walked) {
    return std::move(walked).error();
  }
  std::uint8_t fields = 0;
  if (overload.found) {
    // Without a valid overload we cannot know whether file/sname hold options.
    if (overload.value.size() != 1) {
      return Error(DhcpErrc::TruncatedOption, "option 52 (overload) must be 1 octet long, it is " +
                                                  octets(overload.value.size()));
    }
    if (overload.value[0] < 1 || overload.value[0] > 3) {
      return Error(DhcpErrc::TruncatedOption, "option 52 (overload) has value " +
                                                  std::to_string(overload.value[0]) +
                                                  ", must be 1 (file), 2 (sname) or 3 (both)");
    }
    fields = overload.value[0];
  }
  if ((fields & kOverloadFile) != 0) {
    if (auto walked = walkDhcpv4Field(file, "file", code, wanted, nullptr); !walked) {
      return std::move(walked).error();
    }
  }
  if ((fields & kOverloadSname) != 0) {
    if (auto walked = walkDhcpv4Field(sname, "sname", code, wanted, nullptr); !walked) {
      return std::move(walked).error();
    }
  }
  if (!wanted.found) {
    return Error(DhcpErrc::OptionAbsent,
                 "no option " + std::to_string(code) + " in the " +
                     (fields == 0 ? "options field" : "options, file or sname fields"));
  }
  return std::move(wanted.value);
}

Result<Bytes> findDhcpv6Option(std::uint16_t code, ByteView options) {
  // The whole area is walked before answering, so a malformed area is reported
  // as such even when the option was already found.
  std::optional<std::size_t> first;
  std::optional<std::size_t> duplicate;
  ByteView found;
  std::size_t count = 0;
  std::size_t offset = 0;
  while (offset < options.size()) {
    const std::size_t left = options.size() - offset;
    if (left < kDhcpv6HeaderSize) {
      return Error(DhcpErrc::TruncatedOption, octets(left) + " at offset " +
                                                  std::to_string(offset) +
                                                  " cannot form an option header (4 octets)");
    }
    const std::uint16_t current = readU16(options, offset);
    const std::size_t length = readU16(options, offset + 2);
    if (length > left - kDhcpv6HeaderSize) {
      return Error(DhcpErrc::TruncatedOption, "option " + std::to_string(current) + " at offset " +
                                                  std::to_string(offset) + ": length " +
                                                  std::to_string(length) + " runs past the end (" +
                                                  octets(left - kDhcpv6HeaderSize) + " left)");
    }
    if (current == code) {
      if (!first) {
        first = offset;
        found = options.subspan(offset + kDhcpv6HeaderSize, length);
      } else if (!duplicate) {
        duplicate = offset;
      }
    }
    ++count;
    offset += kDhcpv6HeaderSize + length;
  }
  if (duplicate) {
    // X15: a singleton; neither instance can be preferred over the other.
    return Error(DhcpErrc::DuplicateOption, "option " + std::to_string(code) +
                                                " appears at offsets " + std::to_string(*first) +
                                                " and " + std::to_string(*duplicate));
  }
  if (!first) {
    return Error(DhcpErrc::OptionAbsent, "no option " + std::to_string(code) + " among " +
                                             std::to_string(count) +
                                             (count == 1 ? " option" : " options"));
  }
  return Bytes(found.begin(), found.end());
}

}  // namespace sztp::dhcp
