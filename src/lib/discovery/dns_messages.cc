#include "discovery/dns_messages.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace sztp::discovery {
namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxName = 255;
constexpr std::size_t kMaxLabel = 63;
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kTypeOpt = 41;
/// mDNS: QU bit in a question's class, cache-flush bit in a record's (RFC 6762 §5.4, §10.2).
constexpr std::uint16_t kMdnsTopBit = 0x8000;
/// A DNS message over TCP is at most 65535 octets (RFC 1035 §4.2.2).
constexpr std::size_t kMaxMessage = 65535;

void put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

std::uint16_t get16(ByteView b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

Error malformed(std::string_view what) {
  return Error(DiscoveryErrc::DnsMessageMalformed, what);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view trimDot(std::string_view name) {
  while (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  return name;
}

// Reads the (possibly compressed) name at `at`. Returns it in presentation
// form (labels joined by '.', no escaping: only compared and logged) and sets
// `next` to the octet after the name's in-place part. Every pointer must
// point before the label that holds it, which makes loops impossible
// (RFC 1035 §4.1.4: "a prior occurrence").
Result<std::string> readName(ByteView msg, std::size_t at, std::size_t& next) {
  std::string name;
  std::size_t pos = at;
  std::size_t barrier = at;
  bool jumped = false;
  std::size_t wire = 0;
  for (;;) {
    if (pos >= msg.size()) {
      return malformed("name runs past the end of the message");
    }
    const std::uint8_t len = msg[pos];
    if (len == 0) {
      if (!jumped) {
        next = pos + 1;
      }
      return name;
    }
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= msg.size()) {
        return malformed("compression pointer runs past the end");
      }
      const std::size_t target = static_cast<std::size_t>(get16(msg, pos) & 0x3fff);
      if (target >= barrier) {
        return malformed("compression pointer does not point backwards");
      }
      if (!jumped) {
        next = pos + 2;
        jumped = true;
      }
      barrier = target;
      pos = target;
      continue;
    }
    if ((len & 0xc0) != 0) {
      return malformed("unknown label type");
    }
    if (pos + 1 + len > msg.size()) {
      return malformed("label runs past the end of the message");
    }
    wire += 1 + len;
    if (wire + 1 > kMaxName) {
      return malformed("name longer than 255 octets");
    }
    if (!name.empty()) {
      name += '.';
    }
    name.append(reinterpret_cast<const char*>(msg.data() + pos + 1), len);
    pos += 1 + len;
  }
}

}  // namespace

std::string sztpTxtName(std::string_view serialNumber, std::string_view domain) {
  return std::string(serialNumber) + "._sztp." + std::string(trimDot(domain));
}

std::string sztpSrvName(std::string_view domain) {
  return "_sztp._tcp." + std::string(trimDot(domain));
}

namespace {

Result<Bytes> buildQuery(std::uint16_t id, std::string_view name, std::uint16_t type,
                         std::uint16_t flags, std::uint16_t qclass, std::uint16_t udpPayload) {
  name = trimDot(name);
  if (name.empty()) {
    return Error(DiscoveryErrc::DnsNameInvalid, "empty name");
  }
  Bytes qname;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) {
      dot = name.size();
    }
    const std::size_t len = dot - start;
    if (len == 0 || len > kMaxLabel) {
      return Error(DiscoveryErrc::DnsNameInvalid,
                   "label of " + std::to_string(len) + " octets in '" + std::string(name) + "'");
    }
    qname.push_back(static_cast<std::uint8_t>(len));
    qname.insert(qname.end(), name.begin() + start, name.begin() + dot);
    start = dot + 1;
  }
  qname.push_back(0);
  if (qname.size() > kMaxName) {
    return Error(DiscoveryErrc::DnsNameInvalid, "name longer than 255 octets");
  }
  Bytes out;
  put16(out, id);
  put16(out, flags);
  put16(out, 1);  // QDCOUNT
  put16(out, 0);
  put16(out, 0);
  put16(out, udpPayload != 0 ? 1 : 0);  // ARCOUNT: the OPT record
  out.insert(out.end(), qname.begin(), qname.end());
  put16(out, type);
  put16(out, qclass);
  if (udpPayload != 0) {
    out.push_back(0);  // root name
    put16(out, kTypeOpt);
    put16(out, udpPayload);  // class = requestor's UDP payload size
    put16(out, 0);           // extended rcode, version
    put16(out, 0);           // flags
    put16(out, 0);           // rdlength
  }
  return out;
}

}  // namespace

Result<Bytes> buildDnsQuery(std::uint16_t id, std::string_view name, std::uint16_t type,
                            std::uint16_t udpPayload) {
  return buildQuery(id, name, type, 0x0100 /* QR=0, opcode 0, RD=1 */, kClassIn, udpPayload);
}

Result<Bytes> buildMdnsQuery(std::uint16_t id, std::string_view name, std::uint16_t type,
                             bool unicastResponse) {
  // RFC 6762 §18.4: RD zero in multicast queries. No OPT record: legacy
  // unicast answers are limited by the link MTU anyway (§17).
  return buildQuery(id, name, type, 0x0000,
                    unicastResponse ? static_cast<std::uint16_t>(kClassIn | kMdnsTopBit) : kClassIn,
                    0);
}

namespace {

Result<DnsResponse> parseResponse(ByteView msg, std::uint16_t id, std::string_view name,
                                  std::uint16_t type, bool mdns) {
  if (msg.size() > kMaxMessage) {
    return Error(DiscoveryErrc::InputTooLarge, "DNS message over 65535 octets");
  }
  if (msg.size() < kHeaderSize) {
    return malformed("message shorter than the 12-octet header");
  }
  DnsResponse response;
  response.id = get16(msg, 0);
  const std::uint16_t flags = get16(msg, 2);
  if (response.id != id || (flags & 0x8000) == 0) {
    return Error(DiscoveryErrc::DnsReplyMismatch, "not a response with our id");
  }
  response.truncated = (flags & 0x0200) != 0;
  response.rcode = static_cast<std::uint8_t>(flags & 0x000f);
  const std::uint16_t qdcount = get16(msg, 4);
  const std::uint16_t ancount = get16(msg, 6);
  const std::uint16_t nscount = get16(msg, 8);
  const std::uint16_t arcount = get16(msg, 10);
  std::size_t pos = kHeaderSize;
  const std::string wanted = lower(trimDot(name));
  if (mdns && response.rcode != 0) {
    // RFC 6762 §18.11: messages with a non-zero rcode are silently ignored.
    return Error(DiscoveryErrc::DnsReplyMismatch, "mDNS response with non-zero rcode");
  }
  if (qdcount != 1) {
    // A truncated answer may come without the question; nothing else may,
    // except an mDNS response (RFC 6762 §6: responses carry no question;
    // only records owned by `name` are taken below).
    if (qdcount == 0 && response.truncated) {
      return response;
    }
    if (qdcount != 0 || !mdns) {
      return Error(DiscoveryErrc::DnsReplyMismatch, "response does not repeat our one question");
    }
  } else {
    std::size_t next = 0;
    auto qname = readName(msg, pos, next);
    if (!qname) {
      return std::move(qname).error();
    }
    if (next + 4 > msg.size()) {
      return malformed("question runs past the end");
    }
    if (lower(*qname) != wanted || get16(msg, next) != type) {
      return Error(DiscoveryErrc::DnsReplyMismatch, "response is for another question");
    }
    pos = next + 4;
  }
  if (response.rcode != 0 && response.rcode != 3) {
    return Error(DiscoveryErrc::DnsServerError,
                 "rcode " + std::to_string(response.rcode) + " for " + std::string(name));
  }
  // Owner names the answer may legitimately use: the question and its CNAME chain.
  std::vector<std::string> owners{wanted};
  const std::size_t total = std::size_t{ancount} + nscount + arcount;
  for (std::size_t i = 0; i < total; ++i) {
    std::size_t next = 0;
    auto owner = readName(msg, pos, next);
    if (!owner) {
      return std::move(owner).error();
    }
    if (next + 10 > msg.size()) {
      return malformed("resource record header runs past the end");
    }
    const std::uint16_t rrType = get16(msg, next);
    // mDNS: the top bit of the class is the cache-flush bit (RFC 6762 §10.2).
    const std::uint16_t rrClass =
        static_cast<std::uint16_t>(get16(msg, next + 2) & (mdns ? ~kMdnsTopBit : 0xffff));
    const std::uint16_t rdlength = get16(msg, next + 8);
    const std::size_t rdata = next + 10;
    if (rdata + rdlength > msg.size()) {
      return malformed("resource record data runs past the end");
    }
    pos = rdata + rdlength;
    const bool inAnswer = i < ancount;
    const bool inAdditional = i >= std::size_t{ancount} + nscount;
    if (rrClass != kClassIn) {
      continue;
    }
    const std::string ownerLower = lower(*owner);
    const bool ownedByQuestion =
        std::find(owners.begin(), owners.end(), ownerLower) != owners.end();
    const ByteView data = msg.subspan(rdata, rdlength);
    if (inAnswer && rrType == kDnsTypeCname && ownedByQuestion) {
      std::size_t ignored = 0;
      auto target = readName(msg, rdata, ignored);
      if (!target) {
        return std::move(target).error();
      }
      owners.push_back(lower(*target));
    } else if (inAnswer && rrType == kDnsTypeTxt && type == kDnsTypeTxt && ownedByQuestion) {
      std::vector<Bytes> strings;
      for (std::size_t at = 0; at < data.size();) {
        const std::size_t len = data[at];
        if (at + 1 + len > data.size()) {
          return malformed("TXT character-string runs past its record");
        }
        strings.emplace_back(data.begin() + at + 1, data.begin() + at + 1 + len);
        at += 1 + len;
      }
      response.txt.push_back(std::move(strings));
    } else if (inAnswer && rrType == kDnsTypeSrv && type == kDnsTypeSrv && ownedByQuestion) {
      if (rdlength < 7) {
        return malformed("SRV record shorter than 7 octets");
      }
      SrvRecord srv;
      srv.priority = get16(msg, rdata);
      srv.weight = get16(msg, rdata + 2);
      srv.port = get16(msg, rdata + 4);
      std::size_t end = 0;
      auto target = readName(msg, rdata + 6, end);
      if (!target) {
        return std::move(target).error();
      }
      if (end > rdata + rdlength) {
        return malformed("SRV target runs past its record");
      }
      srv.target = *target;
      response.srv.push_back(std::move(srv));
    } else if ((inAnswer || inAdditional) && ((rrType == kDnsTypeA && rdlength == 4) ||
                                              (rrType == kDnsTypeAaaa && rdlength == 16))) {
      response.addresses.push_back({*owner, Bytes(data.begin(), data.end())});
    }
  }
  return response;
}

}  // namespace

Result<DnsResponse> parseDnsResponse(ByteView msg, std::uint16_t id, std::string_view name,
                                     std::uint16_t type) {
  return parseResponse(msg, id, name, type, false);
}

Result<DnsResponse> parseMdnsResponse(ByteView msg, std::uint16_t id, std::string_view name,
                                      std::uint16_t type) {
  return parseResponse(msg, id, name, type, true);
}

SztpTxtData parseSztpTxt(const std::vector<Bytes>& strings) {
  SztpTxtData out;
  std::map<std::string, bool> seen;  // RFC 6763 §6.4: only the first instance of a key counts
  std::optional<Bytes>* current = nullptr;
  for (const auto& s : strings) {
    // A key: 1..9 printable ASCII octets other than '=', then '=' (or the
    // whole string, a key without value). RFC 6763 §6.4 allows longer keys;
    // ours are two octets, and nine keeps continuations unambiguous enough.
    std::size_t eq = 0;
    while (eq < s.size() && eq < 10 && s[eq] != '=' && s[eq] >= 0x20 && s[eq] <= 0x7e) {
      ++eq;
    }
    const bool isPair = eq >= 1 && eq <= 9 && eq < s.size() && s[eq] == '=';
    if (!isPair) {
      if (current != nullptr && *current) {
        (*current)->insert((*current)->end(), s.begin(), s.end());
      }
      continue;
    }
    const std::string key = lower(std::string_view(reinterpret_cast<const char*>(s.data()), eq));
    current = nullptr;
    if (seen[key]) {
      continue;
    }
    seen[key] = true;
    if (key == "ci") {
      current = &out.conveyedInformation;
    } else if (key == "oc") {
      current = &out.ownerCertificate;
    } else if (key == "ov") {
      current = &out.ownershipVoucher;
    } else {
      continue;  // X8: ignore any other key
    }
    *current = Bytes(s.begin() + static_cast<std::ptrdiff_t>(eq) + 1, s.end());
  }
  return out;
}

std::vector<SrvRecord> orderSrvRecords(std::vector<SrvRecord> records,
                                       const std::function<std::uint32_t(std::uint32_t)>& random) {
  std::erase_if(records, [](const SrvRecord& r) { return r.target.empty() || r.target == "."; });
  std::stable_sort(records.begin(), records.end(),
                   [](const SrvRecord& a, const SrvRecord& b) { return a.priority < b.priority; });
  std::vector<SrvRecord> ordered;
  ordered.reserve(records.size());
  for (std::size_t begin = 0; begin < records.size();) {
    std::size_t end = begin;
    while (end < records.size() && records[end].priority == records[begin].priority) {
      ++end;
    }
    // RFC 2782: weight-0 records first, then repeatedly pick by running sum.
    std::vector<SrvRecord> group(records.begin() + static_cast<std::ptrdiff_t>(begin),
                                 records.begin() + static_cast<std::ptrdiff_t>(end));
    std::stable_partition(group.begin(), group.end(),
                          [](const SrvRecord& r) { return r.weight == 0; });
    while (!group.empty()) {
      std::uint32_t sum = 0;
      for (const auto& r : group) {
        sum += r.weight;
      }
      const std::uint32_t pick = random(sum + 1) % (sum + 1);
      std::uint32_t running = 0;
      std::size_t chosen = group.size() - 1;
      for (std::size_t i = 0; i < group.size(); ++i) {
        running += group[i].weight;
        if (running >= pick) {
          chosen = i;
          break;
        }
      }
      ordered.push_back(group[chosen]);
      group.erase(group.begin() + static_cast<std::ptrdiff_t>(chosen));
    }
    begin = end;
  }
  return ordered;
}

}  // namespace sztp::discovery
