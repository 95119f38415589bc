#include "discovery/lease_files.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "discovery/dhcp_messages.h"

namespace sztp::discovery {
namespace {

Error malformedLease(std::string_view what) {
  return Error(DiscoveryErrc::LeaseMalformed, what);
}

Status checkSize(std::size_t size) {
  if (size > kMaxLeaseFileBytes) {
    return Error(DiscoveryErrc::InputTooLarge, "lease data of " + std::to_string(size) + " octets");
  }
  return {};
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return n.size() == name.size() &&
           std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  });
}

std::optional<std::int64_t> parseInt(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "YYYY/MM/DD" "HH:MM:SS" (UTC, dhclient's default db-time-format).
std::optional<std::int64_t> parseDhclientDate(std::string_view date, std::string_view time) {
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  auto field = [](std::string_view& text, char sep, unsigned& out) {
    const std::size_t at = sep == 0 ? text.size() : text.find(sep);
    if (at == std::string_view::npos || at == 0) {
      return false;
    }
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + at, out);
    if (ec != std::errc() || ptr != text.data() + at) {
      return false;
    }
    text.remove_prefix(sep == 0 ? at : at + 1);
    return true;
  };
  if (!field(date, '/', y) || !field(date, '/', mo) || !field(date, 0, d) || !field(time, ':', h) ||
      !field(time, ':', mi) || !field(time, 0, s)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y > 9999) {
    return std::nullopt;
  }
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

// Undoes C-style escapes as dhclient and dhcpcd write them: \ooo (octal),
// \\, \", \n, \t; any other \c is c.
Bytes unescape(std::string_view text) {
  Bytes out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      out.push_back(static_cast<std::uint8_t>(c));
      continue;
    }
    const char n = text[++i];
    if (n >= '0' && n <= '7') {
      unsigned v = 0;
      std::size_t k = 0;
      for (; k < 3 && i + k < text.size() && text[i + k] >= '0' && text[i + k] <= '7'; ++k) {
        v = v * 8 + static_cast<unsigned>(text[i + k] - '0');
      }
      out.push_back(static_cast<std::uint8_t>(v & 0xff));
      i += k - 1;
    } else if (n == 'n') {
      out.push_back('\n');
    } else if (n == 't') {
      out.push_back('\t');
    } else {
      out.push_back(static_cast<std::uint8_t>(n));
    }
  }
  return out;
}

int hexDigit(char c) {
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

// A key=value value: quoted ('..' or "..") text is unescaped; otherwise hex
// octets if it reads as hex, else the text itself.
Bytes optionValue(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
    if (auto hex = parseHexOctets(value)) {
      return *hex;
    }
    return unescape(value);
  }
  if (auto hex = parseHexOctets(value)) {
    return *hex;
  }
  return unescape(value);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

std::string unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
      value.back() == value.front()) {
    return toString(unescape(value.substr(1, value.size() - 2)));
  }
  return std::string(value);
}

// ---- dhclient ------------------------------------------------------------

struct Token {
  enum Kind { Word, String, Semi, Open, Close } kind;
  std::string text;
};

Result<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
    } else if (c == ';' || c == '{' || c == '}') {
      tokens.push_back({c == ';' ? Token::Semi : (c == '{' ? Token::Open : Token::Close), {}});
      ++i;
    } else if (c == '"') {
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != '"') {
        j += text[j] == '\\' ? 2 : 1;
      }
      if (j >= text.size()) {
        return malformedLease("unterminated string");
      }
      tokens.push_back({Token::String, toString(unescape(text.substr(i + 1, j - i - 1)))});
      i = j + 1;
    } else {
      std::size_t j = i;
      while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
             text[j] != ';' && text[j] != '{' && text[j] != '}' && text[j] != '"') {
        ++j;
      }
      tokens.push_back({Token::Word, std::string(text.substr(i, j - i))});
      i = j;
    }
  }
  return tokens;
}

// Times of one lease block, combined into `obtained` at the end.
struct LeaseTimes {
  std::optional<std::int64_t> renew, expire, starts, leaseTime;
};

std::optional<std::int64_t> statementTime(const std::vector<Token>& st) {
  // renew 2 2026/12/01 10:00:00 | renew epoch 1700000000 | expire never
  if (st.size() >= 3 && st[1].text == "epoch") {
    return parseInt(st[2].text);
  }
  if (st.size() >= 4) {
    return parseDhclientDate(st[2].text, st[3].text);
  }
  return std::nullopt;
}

void applyStatement(const std::vector<Token>& st, Lease& lease, LeaseTimes& times,
                    const LeaseOptionNames& names) {
  if (st.empty() || st[0].kind != Token::Word) {
    return;
  }
  const std::string& head = st[0].text;
  if (head == "interface" && st.size() >= 2) {
    lease.interfaceName = st[1].text;
  } else if (head == "renew") {
    times.renew = statementTime(st);
  } else if (head == "expire") {
    times.expire = statementTime(st);
  } else if (head == "starts" && st.size() >= 2) {
    // lease6 ia-na/iaaddr blocks: `starts 1700000000;` (Unix time).
    if (auto t = parseInt(st[1].text); t && (!times.starts || *t > *times.starts)) {
      times.starts = t;
    }
  } else if (head == "option" && st.size() >= 3) {
    const std::string& name = st[1].text;
    const auto& wanted = lease.family == IpFamily::V4 ? names.dhclientV4 : names.dhclientV6;
    if (contains(wanted, name)) {
      if (st.size() == 3 && st[2].kind == Token::String) {
        lease.redirect = toBytes(st[2].text);
      } else if (st.size() == 3) {
        lease.redirect = parseHexOctets(st[2].text);
      }
    } else if (name == "dhcp-lease-time" && st.size() == 3) {
      times.leaseTime = parseInt(st[2].text);
    } else if ((name == "domain-name" || name == "dhcp6.domain-search" ||
                name == "domain-search") &&
               st[2].kind == Token::String && !lease.domainName) {
      // domain-search is `"a.example", "b.example"`: the first string.
      lease.domainName = st[2].text;
    }
  }
}

std::optional<std::int64_t> obtainedFrom(const LeaseTimes& t) {
  if (t.expire && t.leaseTime) {
    return *t.expire - *t.leaseTime;
  }
  if (t.starts) {
    return t.starts;
  }
  return t.renew ? t.renew : t.expire;
}

}  // namespace

std::string_view leaseClientName(LeaseClient client) noexcept {
  switch (client) {
    case LeaseClient::Dhclient:
      return "dhclient";
    case LeaseClient::Dhcpcd:
      return "dhcpcd";
    case LeaseClient::Networkd:
      return "systemd-networkd";
    case LeaseClient::NetworkManager:
      return "NetworkManager";
  }
  return "unknown";
}

std::optional<Bytes> parseHexOctets(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  Bytes out;
  if (text.find(':') != std::string_view::npos) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find(':', start);
      if (end == std::string_view::npos) {
        end = text.size();
      }
      const std::string_view part = text.substr(start, end - start);
      if (part.empty() || part.size() > 2) {
        return std::nullopt;
      }
      int v = 0;
      for (char c : part) {
        const int d = hexDigit(c);
        if (d < 0) {
          return std::nullopt;
        }
        v = v * 16 + d;
      }
      out.push_back(static_cast<std::uint8_t>(v));
      start = end + 1;
    }
    return out;
  }
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hexDigit(text[i]);
    const int lo = hexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

Result<std::vector<Lease>> parseDhclientLeases(std::string_view text,
                                               const LeaseOptionNames& names) {
  if (auto size = checkSize(text.size()); !size) {
    return std::move(size).error();
  }
  auto tokens = tokenize(text);
  if (!tokens) {
    return std::move(tokens).error();
  }
  std::vector<Lease> leases;
  const auto& tk = *tokens;
  std::size_t i = 0;
  while (i < tk.size()) {
    // Top level: `lease {`, `lease6 {`, or other statements (`default-duid "...";`).
    if (tk[i].kind == Token::Word && (tk[i].text == "lease" || tk[i].text == "lease6") &&
        i + 1 < tk.size() && tk[i + 1].kind == Token::Open) {
      Lease lease;
      lease.client = LeaseClient::Dhclient;
      lease.family = tk[i].text == "lease" ? IpFamily::V4 : IpFamily::V6;
      LeaseTimes times;
      i += 2;
      int depth = 1;
      std::vector<Token> statement;
      while (i < tk.size() && depth > 0) {
        const Token& t = tk[i++];
        if (t.kind == Token::Open) {
          ++depth;  // ia-na / iaaddr sub-blocks: their statements are read too
          statement.clear();
          if (depth > 8) {
            return malformedLease("blocks nested deeper than 8");
          }
        } else if (t.kind == Token::Close) {
          --depth;
          statement.clear();
        } else if (t.kind == Token::Semi) {
          applyStatement(statement, lease, times, names);
          statement.clear();
        } else {
          statement.push_back(t);
        }
      }
      if (depth != 0) {
        return malformedLease("lease block not closed");
      }
      lease.obtained = obtainedFrom(times);
      leases.push_back(std::move(lease));
      continue;
    }
    // Skip one top-level statement or block.
    int depth = 0;
    while (i < tk.size()) {
      const Token& t = tk[i++];
      if (t.kind == Token::Open) {
        ++depth;
      } else if (t.kind == Token::Close) {
        if (--depth <= 0) {
          break;
        }
      } else if (t.kind == Token::Semi && depth == 0) {
        break;
      }
    }
  }
  return leases;
}

namespace {

/// Calls `visit(key, value)` for each "key=value" line of `text` (blank
/// lines, '#' comments and lines without a key are skipped) until it returns
/// false; how many such lines were visited.
template <class Visit>
std::size_t forEachKeyValue(std::string_view text, Visit&& visit) {
  std::size_t start = 0;
  std::size_t pairs = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    const std::size_t eq = line.find('=');
    if (line.empty() || line.front() == '#' || eq == std::string_view::npos || eq == 0) {
      continue;
    }
    ++pairs;
    if (!visit(line.substr(0, eq), line.substr(eq + 1))) {
      break;
    }
  }
  return pairs;
}

}  // namespace

Result<Lease> parseDhcpcdDump(std::string_view text, std::string_view interfaceName,
                              IpFamily family, const LeaseOptionNames& names) {
  if (auto size = checkSize(text.size()); !size) {
    return std::move(size).error();
  }
  Lease lease;
  lease.client = LeaseClient::Dhcpcd;
  lease.interfaceName = std::string(interfaceName);
  lease.family = family;
  const auto& wanted = family == IpFamily::V4 ? names.keyValueV4 : names.keyValueV6;
  const std::size_t pairs =
      forEachKeyValue(text, [&](std::string_view key, std::string_view value) {
        if (key.starts_with("new_")) {
          key.remove_prefix(4);  // dhcpcd-run-hooks environment form
        }
        if (contains(wanted, key)) {
          lease.redirect = optionValue(value);
        } else if (key == "interface" && lease.interfaceName.empty()) {
          lease.interfaceName = unquote(value);
        } else if ((key == "domain_name" || key == "dhcp6_domain_search") && !lease.domainName) {
          std::string domain = unquote(value);
          domain = domain.substr(0, domain.find(' '));
          if (!domain.empty()) {
            lease.domainName = domain;
          }
        }
        return true;
      });
  if (pairs == 0 && !trim(text).empty()) {
    return malformedLease("no key=value line in dhcpcd output");
  }
  return lease;
}

Result<Lease> parseDhcpcdLeaseFile(ByteView content, std::string_view interfaceName,
                                   IpFamily family) {
  if (auto size = checkSize(content.size()); !size) {
    return std::move(size).error();
  }
  Lease lease;
  lease.client = LeaseClient::Dhcpcd;
  lease.interfaceName = std::string(interfaceName);
  lease.family = family;
  if (family == IpFamily::V4) {
    auto message = parseDhcpv4Message(content);
    if (!message) {
      return Error(DiscoveryErrc::LeaseMalformed, message.error().describe());
    }
    lease.redirect = std::move(message->redirect);
    lease.domainName = std::move(message->domainName);
  } else {
    auto message = parseDhcpv6Message(content);
    if (!message) {
      return Error(DiscoveryErrc::LeaseMalformed, message.error().describe());
    }
    lease.redirect = std::move(message->redirect);
  }
  return lease;
}

Result<Lease> parseNetworkdLease(std::string_view text, std::string_view interfaceName,
                                 const LeaseOptionNames& names) {
  if (auto size = checkSize(text.size()); !size) {
    return std::move(size).error();
  }
  Lease lease;
  lease.client = LeaseClient::Networkd;
  lease.interfaceName = std::string(interfaceName);
  std::string notHex;
  const std::size_t pairs =
      forEachKeyValue(text, [&](std::string_view key, std::string_view value) {
        std::string lowered(key);
        std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (key == "OPTION_143" || contains(names.keyValueV4, lowered)) {
          lease.redirect = parseHexOctets(unquote(value));
          if (!lease.redirect) {
            notHex = key;
            return false;
          }
        } else if (key == "DOMAINNAME") {
          lease.domainName = unquote(value);
        }
        return true;
      });
  if (!notHex.empty()) {
    return malformedLease(notHex + " is not hex");
  }
  if (pairs == 0 && !trim(text).empty()) {
    return malformedLease("no KEY=VALUE line in networkd lease");
  }
  return lease;
}

Result<std::vector<Lease>> parseNmcliDeviceShow(std::string_view text,
                                                const LeaseOptionNames& names) {
  if (auto size = checkSize(text.size()); !size) {
    return std::move(size).error();
  }
  std::vector<Lease> leases;
  std::string device;
  struct Times {
    std::optional<std::int64_t> expiry, leaseTime;
  };
  std::vector<Times> times;
  std::size_t start = 0;
  // Indices rather than pointers: `leases` grows.
  std::optional<std::size_t> v4Index, v6Index;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const std::string_view field = line.substr(0, colon);
    const std::string_view rest = line.substr(colon + 1);
    if (field == "GENERAL.DEVICE") {
      device = std::string(rest);
      v4Index.reset();
      v6Index.reset();
      continue;
    }
    const bool isV4 = field.starts_with("DHCP4.OPTION");
    const bool isV6 = field.starts_with("DHCP6.OPTION");
    if (!isV4 && !isV6) {
      continue;
    }
    const std::size_t eq = rest.find(" = ");
    if (eq == std::string_view::npos) {
      return malformedLease("nmcli option line without ' = '");
    }
    const std::string_view name = rest.substr(0, eq);
    const std::string_view value = rest.substr(eq + 3);
    auto& index = isV4 ? v4Index : v6Index;
    if (!index) {
      Lease lease;
      lease.client = LeaseClient::NetworkManager;
      lease.interfaceName = device;
      lease.family = isV4 ? IpFamily::V4 : IpFamily::V6;
      leases.push_back(std::move(lease));
      times.emplace_back();
      index = leases.size() - 1;
    }
    Lease& lease = leases[*index];
    Times& t = times[*index];
    if (contains(isV4 ? names.keyValueV4 : names.keyValueV6, name)) {
      lease.redirect = optionValue(value);
    } else if (name == "expiry") {
      t.expiry = parseInt(value);
    } else if (name == "dhcp_lease_time") {
      t.leaseTime = parseInt(value);
    } else if ((name == "domain_name" || name == "dhcp6_domain_search") && !lease.domainName) {
      lease.domainName = std::string(value.substr(0, value.find(' ')));
    }
  }
  for (std::size_t i = 0; i < leases.size(); ++i) {
    if (times[i].expiry && times[i].leaseTime) {
      leases[i].obtained = *times[i].expiry - *times[i].leaseTime;
    }
  }
  return leases;
}

}  // namespace sztp::discovery
