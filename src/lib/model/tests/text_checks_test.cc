#include "model/text_checks.h"

#include <gtest/gtest.h>

#include "model/leaf_values.h"

namespace sztp::model {
namespace {

TEST(InetHost, AcceptsAddressesAndNames) {
  for (const char* host : {"10.0.0.1",
                           "0.0.0.0",
                           "255.255.255.255",
                           "10.0.0.1%eth0",
                           "::",
                           "::1",
                           "1::",
                           "2001:db8::1",
                           "2001:DB8:0:0:8:800:200C:417A",
                           "fe80::1%eth0",
                           "::ffff:192.0.2.1",
                           "1:2:3:4:5:6:7:8",
                           "1:2:3:4:5:6:7::",
                           "1:2:3:4:5:6:1.2.3.4",
                           "::ffff:001.02.3.4",
                           "example.com",
                           "example.com.",
                           ".",
                           "a",
                           "_sztp._tcp.example",
                           "xn--bcher-kva.example",
                           "a-b.c_d.example",
                           "1.2.3",
                           "256.1.1.1" /* a valid domain-name per the pattern */}) {
    EXPECT_FALSE(inetHostProblem(host)) << host;
  }
}

TEST(InetHost, RefusesWhatNeitherTypeAllows) {
  for (const char* host :
       {"", "[::1]", "a b", "-a.example", "a-.example", "a..b", "..", "1:2:3:4:5:6:7:8:9",
        "1::2::3", ":1:2", "1:2:3:4:5:6:7:8%", "fe80::1%eth 0", "12345::", "::1.2.3.256",
        "example.com/path", "host:443", "ex@mple", "\xC3\xA9xample.com"}) {
    EXPECT_TRUE(inetHostProblem(host)) << host;
  }
  EXPECT_TRUE(inetHostProblem(std::string(64, 'a') + ".example"));
  EXPECT_FALSE(inetHostProblem(std::string(63, 'a') + ".example"));
  std::string longName;
  while (longName.size() < 254) {
    longName += "abcdefghi.";
  }
  EXPECT_TRUE(inetHostProblem(longName));
}

TEST(InetHost, Ipv4AndIpv6Separately) {
  EXPECT_TRUE(isIpv4Address("192.0.2.1"));
  EXPECT_FALSE(isIpv4Address("192.0.2.01"));
  EXPECT_FALSE(isIpv4Address("192.0.2"));
  EXPECT_TRUE(isIpv6Address("::ffff:1.2.3.4%1"));
  EXPECT_FALSE(isIpv6Address("1.2.3.4"));
  EXPECT_FALSE(isIpv6Address("1:2:3:4:5:6:7:1.2.3.4"));
}

TEST(InetUri, NeedsSchemeAndNoSpaces) {
  for (const char* uri : {"https://a/b", "ftp://x", "urn:isbn:1", "a+b-c.d:x", "tftp:file"}) {
    EXPECT_FALSE(inetUriProblem(uri)) << uri;
  }
  for (const char* uri : {"", "//a/b", "1http://a", "ht tp://a", "http://a b", "http://a\x7f", ":x",
                          "path/only", "h_t:x"}) {
    EXPECT_TRUE(inetUriProblem(uri)) << uri;
  }
}

TEST(YangString, ControlCharactersAndNoncharacters) {
  EXPECT_FALSE(yangStringProblem("tab\there\r\nok \xE2\x82\xAC"));
  EXPECT_TRUE(yangStringProblem(std::string("nul\0", 4)));
  EXPECT_TRUE(yangStringProblem("bell\x07"));
  EXPECT_TRUE(yangStringProblem("\xEF\xBF\xBE"));      // U+FFFE
  EXPECT_TRUE(yangStringProblem("\xED\xA0\x80"));      // surrogate
  EXPECT_TRUE(yangStringProblem("\xC0\xAF"));          // overlong
  EXPECT_TRUE(yangStringProblem("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_TRUE(isValidUtf8("\xF0\x9F\x98\x80"));
}

TEST(YangBinary, PadBitsAreToleratedButPaddingIsNot) {
  auto lenient = decodeYangBinary("Zh==", false);
  ASSERT_TRUE(lenient);
  EXPECT_EQ(*lenient, Bytes{'f'});
  auto one = decodeYangBinary("Zm9=", false);
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, (Bytes{'f', 'o'}));
  auto wrapped = decodeYangBinary(" Zm9v\n Zh==\n", true);
  ASSERT_TRUE(wrapped);
  EXPECT_EQ(*wrapped, (Bytes{'f', 'o', 'o', 'f'}));
  EXPECT_FALSE(decodeYangBinary("Zg", false));
  EXPECT_FALSE(decodeYangBinary("Zm9v Zg==", false));
}

}  // namespace
}  // namespace sztp::model
