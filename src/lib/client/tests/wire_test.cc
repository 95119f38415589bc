#include "client/wire.h"

#include <gtest/gtest.h>

#include "client/client_error.h"

namespace sztp::client {
namespace {

TEST(ParseHttpUri, AcceptsTheUsualForms) {
  auto uri = parseHttpUri("https://Images.Example.com:8443/os/v2.img?sig=a#frag");
  ASSERT_TRUE(uri.ok()) << uri.error().describe();
  EXPECT_EQ(*uri, (HttpUri{true, "images.example.com", 8443, "/os/v2.img?sig=a"}));
  EXPECT_EQ(hostHeader(*uri), "images.example.com:8443");

  uri = parseHttpUri("HTTPS://[2001:db8::7]/boot.img");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(*uri, (HttpUri{true, "2001:db8::7", 443, "/boot.img"}));
  EXPECT_EQ(hostHeader(*uri), "[2001:db8::7]");

  uri = parseHttpUri("http://192.0.2.1");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(*uri, (HttpUri{false, "192.0.2.1", 80, "/"}));

  uri = parseHttpUri("https://h?x=1");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->target, "/?x=1");
}

TEST(ParseHttpUri, RefusesWhatItCannotUseSafely) {
  for (const char* bad :
       {"ftp://host/x", "https:/host/x", "https://user:pw@host/x", "https://host:0/",
        "https://host:65536/", "https://host:/", "https://ho st/", "https://[2001:db8::1/",
        "https://[zz::1]/", "https:///x", "https://host/\x01", "host/x", "https://h_st/",
        "https://[::1]junk/"}) {
    auto uri = parseHttpUri(bad);
    EXPECT_FALSE(uri.ok()) << bad;
    if (!uri.ok()) {
      EXPECT_EQ(uri.error(), ClientErrc::InvalidRequest);
    }
  }
  EXPECT_FALSE(parseHttpUri("https://h/" + std::string(9000, 'a')).ok());
}

TEST(FormatHostPort, BracketsIpv6) {
  EXPECT_EQ(formatHostPort("192.0.2.1", 443), "192.0.2.1:443");
  EXPECT_EQ(formatHostPort("2001:db8::1", 8443), "[2001:db8::1]:8443");
}

TEST(HostMeta, FindsTheRestconfLink) {
  auto root = parseHostMetaRestconfRoot(
      "<?xml version='1.0' encoding='UTF-8'?>\n"
      "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n"
      "  <Link rel='lrdd' href='/other'/>\n"
      "  <Link rel='restconf' href='/top/restconf/'/>\n"
      "</XRD>");
  ASSERT_TRUE(root.ok()) << root.error().describe();
  EXPECT_EQ(*root, "/top/restconf");

  root = parseHostMetaRestconfRoot(
      "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
      "<Link rel='restconf' href='https://example.com/rc'/></XRD>");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, "/rc");
}

TEST(HostMeta, RefusesOtherDocuments) {
  for (const char* bad : {
           "",
           "not xml",
           "<XRD><Link rel='restconf' href='/restconf'/></XRD>",  // no namespace
           "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'/>",
           "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
           "<Link rel='restconf' href='restconf'/></XRD>",
           "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
           "<Link rel='restconf' href='/rc?x'/></XRD>",
           "<!DOCTYPE x [<!ENTITY a 'b'>]><XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'/>",
       }) {
    auto root = parseHostMetaRestconfRoot(bad);
    EXPECT_FALSE(root.ok()) << bad;
    if (!root.ok()) {
      EXPECT_EQ(root.error(), ClientErrc::AnswerMalformed);
    }
  }
}

TEST(ContentRange, ParsesBothForms) {
  auto range = parseContentRange("bytes 100-199/200");
  ASSERT_TRUE(range.ok());
  EXPECT_FALSE(range->unsatisfied);
  EXPECT_EQ(range->range, (ContentRange{100, 199, 200}));
  range = parseContentRange("bytes 0-9/*");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->range.complete, std::nullopt);
  range = parseContentRange("bytes */500");
  ASSERT_TRUE(range.ok());
  EXPECT_TRUE(range->unsatisfied);
  EXPECT_EQ(range->range.complete, 500u);
  for (const char* bad : {"", "bytes", "bytes 5-4/10", "bytes 0-10/10", "bytes */*", "items 0-1/2",
                          "bytes -1-2/3", "bytes 0-99999999999999999999999/1"}) {
    EXPECT_FALSE(parseContentRange(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace sztp::client
