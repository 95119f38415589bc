// DNS queries as built, responses as parsed (RFC 1035), SZTP TXT keys (X8)
// and SRV order (RFC 2782).
#include "discovery/dns_messages.h"

#include <gtest/gtest.h>

namespace sztp::discovery {
namespace {

void put16(Bytes& m, std::uint16_t v) {
  m.push_back(static_cast<std::uint8_t>(v >> 8));
  m.push_back(static_cast<std::uint8_t>(v));
}

// Response header + the question copied from the query.
Bytes responseTo(const Bytes& query, std::uint16_t ancount, std::uint16_t arcount = 0,
                 std::uint16_t flags = 0x8180) {
  Bytes m(query.begin(), query.begin() + 12);
  m[2] = static_cast<std::uint8_t>(flags >> 8);
  m[3] = static_cast<std::uint8_t>(flags);
  m[6] = 0;
  m[7] = static_cast<std::uint8_t>(ancount);
  m[10] = 0;
  m[11] = static_cast<std::uint8_t>(arcount);
  // The question ends 11 octets before the end (OPT record) of our queries.
  m.insert(m.end(), query.begin() + 12, query.end() - 11);
  return m;
}

void rr(Bytes& m, const Bytes& owner, std::uint16_t type, const Bytes& rdata) {
  m.insert(m.end(), owner.begin(), owner.end());
  put16(m, type);
  put16(m, 1);
  m.insert(m.end(), {0, 0, 0x0e, 0x10});
  put16(m, static_cast<std::uint16_t>(rdata.size()));
  m.insert(m.end(), rdata.begin(), rdata.end());
}

const Bytes kPointerToQuestion{0xc0, 0x0c};

TEST(DnsQuery, BuildsNamesAndRefusesBadOnes) {
  EXPECT_EQ(sztpTxtName("SN-0042", "example.com."), "SN-0042._sztp.example.com");
  EXPECT_EQ(sztpSrvName("example.com"), "_sztp._tcp.example.com");
  auto q = buildDnsQuery(0x1234, "_sztp._tcp.example.com", kDnsTypeSrv);
  ASSERT_TRUE(q.ok());
  const Bytes expectedName{5,   '_', 's', 'z', 't', 'p', 4,   '_', 't', 'c', 'p', 7,
                           'e', 'x', 'a', 'm', 'p', 'l', 'e', 3,   'c', 'o', 'm', 0};
  EXPECT_EQ((Bytes(q->begin(), q->begin() + 12)),
            (Bytes{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ((Bytes(q->begin() + 12, q->begin() + 12 + expectedName.size())), expectedName);
  EXPECT_EQ(buildDnsQuery(1, std::string(64, 'a') + ".example", kDnsTypeTxt).error(),
            DiscoveryErrc::DnsNameInvalid);
  EXPECT_EQ(buildDnsQuery(1, "a..example", kDnsTypeTxt).error(), DiscoveryErrc::DnsNameInvalid);
  std::string longName;
  for (int i = 0; i < 5; ++i) {
    longName += std::string(60, 'x') + ".";
  }
  EXPECT_EQ(buildDnsQuery(1, longName + "com", kDnsTypeTxt).error(), DiscoveryErrc::DnsNameInvalid);
}

TEST(DnsResponse, ParsesSrvWithCompressionAndAdditionalAddresses) {
  const std::string name = "_sztp._tcp.example.com";
  const Bytes query = *buildDnsQuery(7, name, kDnsTypeSrv);
  Bytes m = responseTo(query, 2, 1);
  // Target "bs1" + pointer to "example.com" inside the question (offset 12+6+5 = 23).
  Bytes srv1{0, 10, 0, 60, 0x20, 0xfb, 3, 'b', 's', '1', 0xc0, 23};
  const std::size_t target1 = m.size() + 12 + 6;  // where "bs1..." lands in the message
  rr(m, kPointerToQuestion, kDnsTypeSrv, srv1);
  rr(m, kPointerToQuestion, kDnsTypeSrv, {0, 20, 0, 0, 0x01, 0xbb, 3, 'b', 's', '2', 0xc0, 23});
  rr(m, {0xc0, static_cast<std::uint8_t>(target1)}, kDnsTypeA, {192, 0, 2, 10});
  auto r = parseDnsResponse(m, 7, name, kDnsTypeSrv);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->srv.size(), 2u);
  EXPECT_EQ(r->srv[0], (SrvRecord{10, 60, 8443, "bs1.example.com"}));
  EXPECT_EQ(r->srv[1], (SrvRecord{20, 0, 443, "bs2.example.com"}));
  ASSERT_EQ(r->addresses.size(), 1u);
  EXPECT_EQ(r->addresses[0].name, "bs1.example.com");
  EXPECT_EQ(r->addresses[0].address, (Bytes{192, 0, 2, 10}));
}

TEST(DnsResponse, RefusesLoopsAndOverruns) {
  const std::string name = "sn1._sztp.example.com";
  const Bytes query = *buildDnsQuery(9, name, kDnsTypeTxt);
  const Bytes base = responseTo(query, 1);
  // An owner name that points at itself.
  Bytes self = base;
  const auto at = static_cast<std::uint8_t>(self.size());
  rr(self, {0xc0, at}, kDnsTypeTxt, {1, 'x'});
  EXPECT_EQ(parseDnsResponse(self, 9, name, kDnsTypeTxt).error(),
            DiscoveryErrc::DnsMessageMalformed);
  // A pointer forward (would allow two pointers to loop).
  Bytes forward = base;
  rr(forward, {0xc0, 0xff}, kDnsTypeTxt, {1, 'x'});
  EXPECT_EQ(parseDnsResponse(forward, 9, name, kDnsTypeTxt).error(),
            DiscoveryErrc::DnsMessageMalformed);
  // rdlength past the end.
  Bytes overrun = base;
  rr(overrun, kPointerToQuestion, kDnsTypeTxt, {5, 'a'});
  overrun.resize(overrun.size() - 1);
  EXPECT_EQ(parseDnsResponse(overrun, 9, name, kDnsTypeTxt).error(),
            DiscoveryErrc::DnsMessageMalformed);
  // A character-string longer than its record.
  Bytes badTxt = base;
  rr(badTxt, kPointerToQuestion, kDnsTypeTxt, {9, 'a'});
  EXPECT_EQ(parseDnsResponse(badTxt, 9, name, kDnsTypeTxt).error(),
            DiscoveryErrc::DnsMessageMalformed);
}

TEST(DnsResponse, MatchesIdQuestionAndRcode) {
  const std::string name = "sn1._sztp.example.com";
  const Bytes query = *buildDnsQuery(9, name, kDnsTypeTxt);
  Bytes m = responseTo(query, 0);
  EXPECT_EQ(parseDnsResponse(m, 10, name, kDnsTypeTxt).error(), DiscoveryErrc::DnsReplyMismatch);
  EXPECT_EQ(parseDnsResponse(m, 9, "sn2._sztp.example.com", kDnsTypeTxt).error(),
            DiscoveryErrc::DnsReplyMismatch);
  EXPECT_EQ(parseDnsResponse(m, 9, name, kDnsTypeSrv).error(), DiscoveryErrc::DnsReplyMismatch);
  EXPECT_TRUE(parseDnsResponse(m, 9, "SN1._SZTP.Example.COM.", kDnsTypeTxt).ok());
  EXPECT_EQ(parseDnsResponse(query, 9, name, kDnsTypeTxt).error(),
            DiscoveryErrc::DnsReplyMismatch);  // QR = 0: our own query
  auto nx = parseDnsResponse(responseTo(query, 0, 0, 0x8183), 9, name, kDnsTypeTxt);
  ASSERT_TRUE(nx.ok());
  EXPECT_EQ(nx->rcode, 3);
  EXPECT_EQ(parseDnsResponse(responseTo(query, 0, 0, 0x8182), 9, name, kDnsTypeTxt).error(),
            DiscoveryErrc::DnsServerError);
  auto tc = parseDnsResponse(responseTo(query, 0, 0, 0x8380), 9, name, kDnsTypeTxt);
  ASSERT_TRUE(tc.ok());
  EXPECT_TRUE(tc->truncated);  // X10: retry over TCP
}

TEST(DnsResponse, FollowsCnameAndIgnoresOtherOwners) {
  const std::string name = "sn1._sztp.example.com";
  const Bytes query = *buildDnsQuery(3, name, kDnsTypeTxt);
  Bytes m = responseTo(query, 3);
  const std::size_t aliasAt = m.size() + 12;
  rr(m, kPointerToQuestion, kDnsTypeCname, {5, 'a', 'l', 'i', 'a', 's', 0});
  rr(m, {0xc0, static_cast<std::uint8_t>(aliasAt)}, kDnsTypeTxt, {4, 'c', 'i', '=', 'A'});
  rr(m, {5, 'o', 't', 'h', 'e', 'r', 0}, kDnsTypeTxt, {4, 'c', 'i', '=', 'B'});
  auto r = parseDnsResponse(m, 3, name, kDnsTypeTxt);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->txt.size(), 1u);
  EXPECT_EQ(r->txt[0], (std::vector<Bytes>{toBytes("ci=A")}));
}

TEST(MdnsQuery, LegacyUnicastQueryHasNoRdNoOptAndOptionalQu) {
  auto q = buildMdnsQuery(0x4242, "SN-1._sztp.local", kDnsTypeTxt);
  ASSERT_TRUE(q.ok());
  // id, flags 0 (RD clear, RFC 6762 §18.4), one question, no OPT record.
  EXPECT_EQ((Bytes(q->begin(), q->begin() + 12)),
            (Bytes{0x42, 0x42, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ((Bytes(q->end() - 4, q->end())), (Bytes{0, kDnsTypeTxt, 0x00, 0x01}));
  auto qu = buildMdnsQuery(1, "_sztp._tcp.local", kDnsTypeSrv, /*unicastResponse=*/true);
  ASSERT_TRUE(qu.ok());
  EXPECT_EQ((Bytes(qu->end() - 4, qu->end())), (Bytes{0, kDnsTypeSrv, 0x80, 0x01}));
  EXPECT_EQ(buildMdnsQuery(1, "a..local", kDnsTypeTxt).error(), DiscoveryErrc::DnsNameInvalid);
}

TEST(MdnsResponse, CacheFlushBitNoQuestionAndRcode) {
  const std::string name = "_sztp._tcp.local";
  const Bytes query = *buildMdnsQuery(5, name, kDnsTypeSrv);
  // Legacy unicast answer with the question repeated; records with the
  // cache-flush bit set (class 0x8001), which unicast DNS parsing ignores.
  Bytes m(query.begin(), query.begin() + 12);
  m[2] = 0x84;  // QR, AA
  m[7] = 1;     // ANCOUNT
  m[11] = 1;    // ARCOUNT
  m.insert(m.end(), query.begin() + 12, query.end());
  auto flushRr = [&](Bytes& msg, const Bytes& owner, std::uint16_t type, const Bytes& rdata) {
    msg.insert(msg.end(), owner.begin(), owner.end());
    put16(msg, type);
    put16(msg, 0x8001);
    msg.insert(msg.end(), {0, 0, 0, 10});
    put16(msg, static_cast<std::uint16_t>(rdata.size()));
    msg.insert(msg.end(), rdata.begin(), rdata.end());
  };
  const std::size_t targetAt = m.size() + 12 + 6;
  flushRr(m, kPointerToQuestion, kDnsTypeSrv, {0, 1, 0, 0, 0x20, 0xfb, 2, 'b', 's', 0xc0, 23});
  flushRr(m, {0xc0, static_cast<std::uint8_t>(targetAt)}, kDnsTypeA, {10, 0, 0, 7});
  auto r = parseMdnsResponse(m, 5, name, kDnsTypeSrv);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->srv.size(), 1u);
  EXPECT_EQ(r->srv[0], (SrvRecord{1, 0, 8443, "bs.local"}));
  ASSERT_EQ(r->addresses.size(), 1u);
  EXPECT_EQ(r->addresses[0].name, "bs.local");
  auto unicast = parseDnsResponse(m, 5, name, kDnsTypeSrv);
  ASSERT_TRUE(unicast.ok());
  EXPECT_TRUE(unicast->srv.empty());  // class 0x8001 is not IN in unicast DNS

  // Without the question (RFC 6762 §6): only records owned by the name count.
  Bytes bare(m.begin(), m.begin() + 12);
  bare[5] = 0;  // QDCOUNT 0
  bare[7] = 2;
  bare[11] = 0;
  flushRr(bare, {5, '_', 's', 'z', 't', 'p', 4, '_', 't', 'c', 'p', 5, 'l', 'o', 'c', 'a', 'l', 0},
          kDnsTypeSrv, {0, 2, 0, 0, 0x01, 0xbb, 1, 'x', 0});
  flushRr(bare, {5, 'o', 't', 'h', 'e', 'r', 0}, kDnsTypeSrv, {0, 3, 0, 0, 0x01, 0xbb, 1, 'y', 0});
  auto noQuestion = parseMdnsResponse(bare, 5, name, kDnsTypeSrv);
  ASSERT_TRUE(noQuestion.ok()) << noQuestion.error().describe();
  ASSERT_EQ(noQuestion->srv.size(), 1u);
  EXPECT_EQ(noQuestion->srv[0].target, "x");
  EXPECT_EQ(parseDnsResponse(bare, 5, name, kDnsTypeSrv).error(), DiscoveryErrc::DnsReplyMismatch);

  // Another id, another question, or a non-zero rcode: ignored (§18.11).
  EXPECT_EQ(parseMdnsResponse(m, 6, name, kDnsTypeSrv).error(), DiscoveryErrc::DnsReplyMismatch);
  EXPECT_EQ(parseMdnsResponse(m, 5, "_sztp._tcp.example", kDnsTypeSrv).error(),
            DiscoveryErrc::DnsReplyMismatch);
  Bytes refused = m;
  refused[3] = 0x05;
  EXPECT_EQ(parseMdnsResponse(refused, 5, name, kDnsTypeSrv).error(),
            DiscoveryErrc::DnsReplyMismatch);
}

TEST(SztpTxt, KeepsOnlyCiOcOvFirstInstanceBinary) {
  const Bytes binary{'c', 'i', '=', 0x30, 0x82, 0x00, '=', 0xff};
  auto data = parseSztpTxt({toBytes("txtvers=1"), binary, toBytes("CI=second"), toBytes("oc=OC"),
                            toBytes("ov="), toBytes("xx=ignored"), toBytes("novalue")});
  ASSERT_TRUE(data.conveyedInformation);
  EXPECT_EQ(*data.conveyedInformation, (Bytes{0x30, 0x82, 0x00, '=', 0xff}));
  EXPECT_EQ(data.ownerCertificate, toBytes("OC"));
  EXPECT_EQ(data.ownershipVoucher, Bytes{});
}

TEST(SztpTxt, ContinuesLongValuesAcrossStrings) {
  Bytes first = toBytes("ci=");
  first.insert(first.end(), 252, 0x41);
  const Bytes second(255, 0x42);
  auto data = parseSztpTxt({first, second, Bytes{0x30, 0x31}, toBytes("oc=X")});
  ASSERT_TRUE(data.conveyedInformation);
  EXPECT_EQ(data.conveyedInformation->size(), 252u + 255u + 2u);
  EXPECT_EQ(data.ownerCertificate, toBytes("X"));
  // A continuation after an ignored key is dropped with it.
  auto ignored = parseSztpTxt({toBytes("zz=1"), Bytes(10, 0x01)});
  EXPECT_FALSE(ignored.conveyedInformation);
}

TEST(SrvOrder, PriorityThenWeightWithInjectedRandom) {
  std::vector<SrvRecord> records{{20, 0, 443, "c.example"},
                                 {10, 10, 443, "a.example"},
                                 {10, 90, 443, "b.example"},
                                 {5, 0, 443, ""}};  // "." : no service, dropped
  // random returns 0: the first by running sum (a, weight 10), then b.
  auto low = orderSrvRecords(records, [](std::uint32_t) { return 0u; });
  ASSERT_EQ(low.size(), 3u);
  EXPECT_EQ(low[0].target, "a.example");
  EXPECT_EQ(low[1].target, "b.example");
  EXPECT_EQ(low[2].target, "c.example");
  // random returns the maximum: the last in running sum (b), then a.
  auto high = orderSrvRecords(records, [](std::uint32_t n) { return n - 1; });
  EXPECT_EQ(high[0].target, "b.example");
  EXPECT_EQ(high[1].target, "a.example");
  EXPECT_EQ(high[2].target, "c.example");
}

}  // namespace
}  // namespace sztp::discovery
