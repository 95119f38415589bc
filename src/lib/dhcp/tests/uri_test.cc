// X16: every URI rule with accepted and rejected examples; each rejection's
// reason must name the problem, since operators read it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dhcp/sztp_redirect_option.h"

namespace sztp::dhcp {
namespace {

struct Accepted {
  std::string uri;
  std::string host;
  std::uint16_t port;
};

struct Rejected {
  std::string uri;
  std::string reasonMentions;
};

std::string repeat(char c, std::size_t n) {
  return std::string(n, c);
}

const std::vector<Accepted>& acceptedCases() {
  static const std::vector<Accepted> cases{
      {"https://10.1.1.3:8080", "10.1.1.3", 8080},
      {"https://10.1.1.3", "10.1.1.3", 443},
      {"https://0.0.0.0:1", "0.0.0.0", 1},
      {"https://255.255.255.255:65535", "255.255.255.255", 65535},
      {"https://[2001:db8::1]:8443", "2001:db8::1", 8443},
      {"https://[::1]", "::1", 443},
      {"https://[2001:DB8:0:0:0:0:0:1]", "2001:DB8:0:0:0:0:0:1", 443},
      {"https://[::ffff:192.0.2.1]:9000", "::ffff:192.0.2.1", 9000},
      {"https://ztp.example.com", "ztp.example.com", 443},
      {"https://ztp.example.com:8443", "ztp.example.com", 8443},
      {"https://ztp.example.com.", "ztp.example.com", 443},
      {"https://ztp.example.com.:8443", "ztp.example.com", 8443},
      {"HTTPS://Ztp.Example.COM:8443", "Ztp.Example.COM", 8443},
      {"HttpS://bootstrap", "bootstrap", 443},
      {"https://xn--bcher-kva.example", "xn--bcher-kva.example", 443},
      {"https://a-b.c--d.example", "a-b.c--d.example", 443},
      {"https://1a.example", "1a.example", 443},
      {"https://host.123a", "host.123a", 443},
      {"https://10.1.1.3a", "10.1.1.3a", 443},
      {"https://ztp.example.com:08443", "ztp.example.com", 8443},
      {"https://" + repeat('a', 63) + ".example", repeat('a', 63) + ".example", 443},
      {"https://" + repeat('a', 63) + "." + repeat('b', 63) + "." + repeat('c', 63) + "." +
           repeat('d', 61),
       repeat('a', 63) + "." + repeat('b', 63) + "." + repeat('c', 63) + "." + repeat('d', 61),
       443},
  };
  return cases;
}

const std::vector<Rejected>& rejectedCases() {
  const std::string longName =
      repeat('a', 63) + "." + repeat('b', 63) + "." + repeat('c', 63) + "." + repeat('d', 62);
  static const std::vector<Rejected> cases{
      // Octets.
      {"", "is empty"},
      {"https://ztp example.com", "contains a space at offset 11"},
      {" https://ztp.example.com", "contains a space at offset 0"},
      {"https://ztp.example.com\n", "contains control octet \\x0a at offset 23"},
      {"https://ztp.example.com\t", "control octet \\x09"},
      {"https://ztp.example.com\x7f", "control octet \\x7f"},
      {"https://ztp.ex\xc3\xa4mple.com", "non-ASCII octet \\xc3 at offset 14"},
      // Scheme.
      {"http://10.1.1.3", "scheme is 'http', must be https"},
      {"HTTP://10.1.1.3", "scheme is 'HTTP', must be https"},
      {"ftp://ztp.example.com", "scheme is 'ftp', must be https"},
      {"httpss://ztp.example.com", "scheme is 'httpss', must be https"},
      {"10.1.1.3:8080", "has no scheme"},
      {"ztp.example.com:8443", "has no scheme"},
      {"ztp.example.com", "has no scheme"},
      {"//ztp.example.com", "has no scheme"},
      {"https//ztp.example.com", "has no scheme"},
      {"https:ztp.example.com", "has no '//' after 'https:'"},
      {"https:/ztp.example.com", "has no '//' after 'https:'"},
      // Userinfo.
      {"https://admin@ztp.example.com", "has userinfo"},
      {"https://admin:secret@ztp.example.com:8443", "has userinfo"},
      // Path, query, fragment.
      {"https://ztp.example.com/restconf", "has a path '/restconf'"},
      {"https://ztp.example.com:8443/restconf/operations", "has a path '/restconf/operations'"},
      {"https://ztp.example.com/", "has a path '/'"},
      {"https://[2001:db8::1]/", "has a path '/'"},
      {"https://ztp.example.com/p?q=1#f", "has a path '/p'"},
      {"https://ztp.example.com?serial=1", "has a query '?serial=1'"},
      {"https://ztp.example.com?a#b", "has a query '?a'"},
      {"https://ztp.example.com#top", "has a fragment '#top'"},
      // Host presence.
      {"https://", "has an empty host"},
      {"https://:8443", "has an empty host"},
      {"https:///restconf", "has an empty host"},
      {"https://.", "is not a host name"},
      // Port.
      {"https://ztp.example.com:", "has an empty port after ':'"},
      {"https://ztp.example.com:0", "port 0 out of range"},
      {"https://ztp.example.com:70000", "port 70000 out of range"},
      {"https://ztp.example.com:65536", "port 65536 out of range"},
      {"https://ztp.example.com:+443", "port '+443' is not a decimal number"},
      {"https://ztp.example.com:-1", "port '-1' is not a decimal number"},
      {"https://ztp.example.com:443a", "port '443a' is not a decimal number"},
      {"https://ztp.example.com:000443", "port '000443' has more than 5 digits"},
      {"https://[::1]:99999", "port 99999 out of range"},
      {"https://[::1]:", "has an empty port after ':'"},
      {"https://ztp.example.com:8443:1", "has more than one ':'"},
      // IPv6 literals.
      {"https://2001:db8::1", "IPv6 address '2001:db8::1' must be enclosed in brackets"},
      {"https://[2001:db8::1", "has no closing ']'"},
      {"https://[2001:db8::1]x", "has 'x' after the IPv6 literal"},
      {"https://[2001:db8::1]]", "after the IPv6 literal"},
      {"https://[]", "empty IPv6 literal"},
      {"https://[2001:db8::g]", "[2001:db8::g] is not a valid IPv6 address"},
      {"https://[1:2:3:4:5:6:7:8:9]", "is not a valid IPv6 address"},
      {"https://[2001:db8:::1]", "is not a valid IPv6 address"},
      {"https://[10.1.1.3]", "is not a valid IPv6 address"},
      {"https://[fe80::1%25eth0]:8443", "zone id '%25eth0'"},
      {"https://[fe80::1%eth0]", "zone id '%eth0'"},
      {"https://[v1.fe80::a+en1]", "IPvFuture"},
      // IPv4 literals.
      {"https://256.1.1.1", "octet '256' out of range 0..255"},
      {"https://1.2.3.1234", "octet '1234' out of range 0..255"},
      {"https://10.1.1", "must have four octets, has 3"},
      {"https://10.1.1.3.4", "must have four octets, has 5"},
      {"https://10.1.1.3.", "must have four octets"},
      {"https://010.1.1.3", "octet '010' with a leading zero"},
      {"https://10.1.1.00", "octet '00' with a leading zero"},
      {"https://10..1.3", "has an empty octet"},
      {"https://10", "must have four octets, has 1"},
      // DNS host names.
      {"https://my_host.example.com", "label 'my_host' has invalid character '_'"},
      {"https://host!.example", "invalid character '!'"},
      {"https://host\\x.example", "invalid character '\\x5c'"},
      {"https://-host.example", "label '-host' starts with a hyphen"},
      {"https://host-.example", "label 'host-' ends with a hyphen"},
      {"https://host..example", "has an empty label"},
      {"https://.example", "has an empty label"},
      {"https://host.example..", "has an empty label"},
      {"https://" + repeat('a', 64) + ".example", "is 64 octets long, longer than 63"},
      {"https://" + longName, "host name is 254 octets long, longer than 253"},
      {"https://ztp.example.123", "ends in the all-numeric label '123'"},
      {"https://ztp%2eexample.com", "has percent-encoding '%2e'"},
      {"https://%41", "has percent-encoding '%41'"},
  };
  return cases;
}

TEST(BootstrapServerUri, AcceptsWhatX16Allows) {
  for (const auto& c : acceptedCases()) {
    auto parsed = parseBootstrapServerUri(c.uri);
    ASSERT_TRUE(parsed) << c.uri << ": " << parsed.error().describe();
    EXPECT_EQ(parsed->uri, c.uri);
    EXPECT_EQ(parsed->host, c.host) << c.uri;
    EXPECT_EQ(parsed->port, c.port) << c.uri;
  }
}

TEST(BootstrapServerUri, RejectsEverythingElseSayingWhy) {
  ASSERT_GE(rejectedCases().size(), 40u);
  for (const auto& c : rejectedCases()) {
    auto parsed = parseBootstrapServerUri(c.uri);
    ASSERT_FALSE(parsed) << "accepted: " << c.uri;
    EXPECT_EQ(parsed.error().code(), DhcpErrc::InvalidUri) << c.uri;
    EXPECT_EQ(parsed.error().reason(), "dhcp-invalid-uri");
    EXPECT_NE(parsed.error().detail().find(c.reasonMentions), std::string::npos)
        << "uri: " << c.uri << "\n detail: " << parsed.error().detail()
        << "\n expected to mention: " << c.reasonMentions;
  }
}

TEST(BootstrapServerUri, ErrorNamesTheUriPrintably) {
  auto parsed = parseBootstrapServerUri("https://ztp.example.com/restconf\r");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().detail(),
            "URI 'https://ztp.example.com/restconf\\x0d': contains control octet \\x0d at "
            "offset 32");
  auto path = parseBootstrapServerUri("https://ztp.example.com/restconf");
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().detail(),
            "URI 'https://ztp.example.com/restconf': has a path '/restconf'; the device appends "
            "the RESTCONF path itself");
  EXPECT_NE(path.error().message().find("RFC 8572"), std::string::npos);
}

TEST(BootstrapServerUri, UserinfoIsNotEchoedInTheReason) {
  auto parsed = parseBootstrapServerUri("https://admin:s3cret@ztp.example.com");
  ASSERT_FALSE(parsed);
  const std::string& detail = parsed.error().detail();
  const std::string reason = detail.substr(detail.find("': ") + 3);
  EXPECT_EQ(reason.find("s3cret"), std::string::npos) << reason;
}

TEST(BootstrapServerUri, LongPiecesAreCutInReasons) {
  const std::string path = "/" + repeat('p', 1000);
  auto parsed = parseBootstrapServerUri("https://ztp.example.com" + path);
  ASSERT_FALSE(parsed);
  EXPECT_LT(parsed.error().detail().size(), 500u);
  EXPECT_NE(parsed.error().detail().find("octets)"), std::string::npos);
}

}  // namespace
}  // namespace sztp::dhcp
