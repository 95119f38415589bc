// DnsSource over mDNS (X5, RFC 6762) through real multicast sockets.
//
// The peer: no mDNS responder packaged in Debian can serve these records
// unprivileged and without D-Bus. avahi-daemon needs D-Bus to publish
// arbitrary records, and its static service files publish DNS-SD instances
// (`<name>._sztp._tcp.local` plus a PTR), not the SRV at `_sztp._tcp.local`
// itself nor a TXT at `<serial>._sztp.local` that RFC 8572 §4.2.1 asks
// for. So the responder here is a small in-test one. It is still a real
// multicast listener: it joins 224.0.0.251 on the loopback interface, and
// the source's query reaches it through the kernel's multicast loopback
// (IP_MULTICAST_IF = lo, IP_MULTICAST_LOOP). It answers the way RFC 6762
// §6.7 tells a responder to answer a legacy unicast query (unicast to the
// source address and port, id and question repeated, cache-flush bit set as
// a sloppy responder would). The port is a free one rather than 5353 so that
// a responder of the host is not involved. IPv6 (ff02::fb) needs a
// multicast-capable link; loopback has none, so IPv6 is tested on a veth
// pair between two network namespaces (root only, else skipped), where the
// source also picks its interfaces itself.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "agentio/sources/source_dns.h"
#include "agentio/sources/tests/netns_fixture.h"
#include "discovery/dns_messages.h"
#include "discovery/tests/dnsmasq_process.h"

namespace sztp::agentio {
namespace {

namespace d = discovery;

void put16(Bytes& m, std::uint16_t v) {
  m.push_back(static_cast<std::uint8_t>(v >> 8));
  m.push_back(static_cast<std::uint8_t>(v));
}

Bytes wireName(const std::string& name) {
  Bytes out;
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) {
      dot = name.size();
    }
    out.push_back(static_cast<std::uint8_t>(dot - start));
    out.insert(out.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
               name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return out;
}

struct Question {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t qclass = 0;
  Bytes raw;  ///< The question section as sent.
};

std::optional<Question> parseQuestion(const Bytes& q) {
  if (q.size() < 17 || q[4] != 0 || q[5] != 1) {
    return std::nullopt;
  }
  Question out;
  out.id = static_cast<std::uint16_t>((q[0] << 8) | q[1]);
  out.flags = static_cast<std::uint16_t>((q[2] << 8) | q[3]);
  std::size_t pos = 12;
  while (pos < q.size() && q[pos] != 0) {
    if (!out.name.empty()) {
      out.name += '.';
    }
    out.name.append(reinterpret_cast<const char*>(q.data() + pos + 1), q[pos]);
    pos += 1 + q[pos];
  }
  if (pos + 5 > q.size()) {
    return std::nullopt;
  }
  out.type = static_cast<std::uint16_t>((q[pos + 1] << 8) | q[pos + 2]);
  out.qclass = static_cast<std::uint16_t>((q[pos + 3] << 8) | q[pos + 4]);
  out.raw.assign(q.begin() + 12, q.begin() + static_cast<std::ptrdiff_t>(pos + 5));
  return out;
}

// A response message, built record by record.
class Reply {
 public:
  Reply(const Question& q, bool withQuestion = true, std::uint16_t id = 0xffff)
      : question_(withQuestion ? q.raw : Bytes{}), id_(id == 0xffff ? q.id : id) {}
  Reply& answer(const std::string& owner, std::uint16_t type, const Bytes& rdata) {
    add(answers_, owner, type, rdata);
    ++ancount_;
    return *this;
  }
  Reply& additional(const std::string& owner, std::uint16_t type, const Bytes& rdata) {
    add(additional_, owner, type, rdata);
    ++arcount_;
    return *this;
  }
  Bytes bytes() const {
    Bytes m;
    put16(m, id_);
    put16(m, 0x8400);  // QR, AA (RFC 6762 §18.2, §18.4)
    put16(m, question_.empty() ? 0 : 1);
    put16(m, ancount_);
    put16(m, 0);
    put16(m, arcount_);
    m.insert(m.end(), question_.begin(), question_.end());
    m.insert(m.end(), answers_.begin(), answers_.end());
    m.insert(m.end(), additional_.begin(), additional_.end());
    return m;
  }

 private:
  static void add(Bytes& section, const std::string& owner, std::uint16_t type,
                  const Bytes& rdata) {
    const Bytes n = wireName(owner);
    section.insert(section.end(), n.begin(), n.end());
    put16(section, type);
    put16(section, 0x8001);  // IN with the cache-flush bit
    section.insert(section.end(), {0, 0, 0, 10});
    put16(section, static_cast<std::uint16_t>(rdata.size()));
    section.insert(section.end(), rdata.begin(), rdata.end());
  }
  Bytes question_;
  std::uint16_t id_;
  Bytes answers_, additional_;
  std::uint16_t ancount_ = 0, arcount_ = 0;
};

Bytes srvData(std::uint16_t priority, std::uint16_t weight, std::uint16_t port,
              const std::string& target) {
  Bytes out;
  put16(out, priority);
  put16(out, weight);
  put16(out, port);
  const Bytes n = wireName(target);
  out.insert(out.end(), n.begin(), n.end());
  return out;
}

Bytes txtData(const std::vector<std::string>& strings) {
  Bytes out;
  for (const auto& s : strings) {
    out.push_back(static_cast<std::uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

// Joins the mDNS group of `family` on interface `ifname` (224.0.0.251 on
// loopback by default), on `port` (0: a free one); answers each query with
// what `respond` returns (zero or more datagrams, sent in order to the
// query's source).
class LoopbackMdnsResponder {
 public:
  using Handler = std::function<std::vector<Bytes>(const Question&)>;
  explicit LoopbackMdnsResponder(Handler respond, int family = AF_INET,
                                 const std::string& ifname = "lo", std::uint16_t port = 0)
      : respond_(std::move(respond)) {
    fd_ = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const int index = static_cast<int>(::if_nametoindex(ifname.c_str()));
    sockaddr_storage local{};
    socklen_t len = 0;
    if (family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&local);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(port);
      len = sizeof *sin;
    } else {
      ::setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&local);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(port);
      len = sizeof *sin6;
    }
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&local), len) == 0 &&
          ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len) == 0;
    if (family == AF_INET) {
      port_ = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
      ip_mreqn join{};
      ::inet_pton(AF_INET, d::kMdnsGroupV4, &join.imr_multiaddr);
      join.imr_ifindex = index;
      ok_ = ok_ && ::setsockopt(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof join) == 0;
    } else {
      port_ = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
      ipv6_mreq join{};
      ::inet_pton(AF_INET6, d::kMdnsGroupV6, &join.ipv6mr_multiaddr);
      join.ipv6mr_interface = static_cast<unsigned>(index);
      ok_ = ok_ && ::setsockopt(fd_, IPPROTO_IPV6, IPV6_JOIN_GROUP, &join, sizeof join) == 0;
    }
    thread_ = std::thread([this] { run(); });
  }
  ~LoopbackMdnsResponder() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  bool ok() const { return ok_; }
  std::uint16_t port() const { return port_; }
  std::vector<Question> questions() {
    std::lock_guard lock(mutex_);
    return questions_;
  }
  std::vector<std::uint16_t> sourcePorts() {
    std::lock_guard lock(mutex_);
    return sourcePorts_;
  }

 private:
  void run() {
    Bytes buffer(9000);
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) {
        continue;
      }
      sockaddr_storage from{};
      socklen_t fromLen = sizeof from;
      const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&from), &fromLen);
      if (n <= 0) {
        continue;
      }
      auto q = parseQuestion(Bytes(buffer.begin(), buffer.begin() + n));
      if (!q) {
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        questions_.push_back(*q);
        sourcePorts_.push_back(ntohs(from.ss_family == AF_INET
                                         ? reinterpret_cast<sockaddr_in*>(&from)->sin_port
                                         : reinterpret_cast<sockaddr_in6*>(&from)->sin6_port));
      }
      for (const auto& reply : respond_(*q)) {
        ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), fromLen);
      }
    }
  }

  Handler respond_;
  int fd_ = -1;
  bool ok_ = false;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Question> questions_;
  std::vector<std::uint16_t> sourcePorts_;
  std::thread thread_;
};

// The SZTP records of one imagined responder: the device's TXT, and the SRV
// with A/AAAA of the first target in the additional section. Before each
// real answer it sends two that must be ignored: another id, another name.
std::vector<Bytes> sztpResponder(const Question& q) {
  std::vector<Bytes> out;
  out.push_back(Reply(q, true, static_cast<std::uint16_t>(q.id + 1))
                    .answer(q.name, q.type,
                            q.type == d::kDnsTypeTxt ? txtData({"ci=wrong-id"})
                                                     : srvData(0, 0, 1, "evil.local"))
                    .bytes());
  out.push_back(Reply(q, false)
                    .answer("other._sztp.local", d::kDnsTypeTxt, txtData({"ci=other"}))
                    .answer("_other._tcp.local", d::kDnsTypeSrv, srvData(0, 0, 2, "evil.local"))
                    .bytes());
  if (q.name == "SN-7._sztp.local" && q.type == d::kDnsTypeTxt) {
    out.push_back(
        Reply(q).answer(q.name, d::kDnsTypeTxt, txtData({"ci=from-mdns", "oc=OC", "x=1"})).bytes());
  } else if (q.name == "_sztp._tcp.local" && q.type == d::kDnsTypeSrv) {
    out.push_back(Reply(q)
                      .answer(q.name, d::kDnsTypeSrv, srvData(20, 0, 443, "bs2.local"))
                      .answer(q.name, d::kDnsTypeSrv, srvData(10, 0, 8443, "bs1.local"))
                      .additional("bs1.local", d::kDnsTypeA, {10, 1, 2, 3})
                      .additional("BS1.local", d::kDnsTypeAaaa,
                                  {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7})
                      .additional("bs1.local", d::kDnsTypeAaaa,
                                  {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
                      .additional("bs9.local", d::kDnsTypeA, {10, 9, 9, 9})
                      .bytes());
  }
  return out;
}

DnsConfig mdnsConfig(std::uint16_t port) {
  DnsConfig c;
  c.serialNumber = "SN-7";
  c.domains = {"example.com"};
  c.resolvConf = "/nonexistent/resolv.conf";  // no unicast server
  c.random = [](std::uint32_t n) { return n / 3; };
  c.mdnsInterfaces = {"lo"};
  c.mdnsV6 = false;
  c.mdnsPort = port;
  c.mdnsTimeout = std::chrono::milliseconds(400);
  return c;
}

TEST(MdnsSource, TxtThenSrvWithAdditionalAddresses) {
  LoopbackMdnsResponder responder(sztpResponder);
  ASSERT_TRUE(responder.ok());
  DnsSource source(mdnsConfig(responder.port()));
  auto yields = source.discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  ASSERT_EQ(yields->size(), 2u);
  EXPECT_EQ((*yields)[0].origin, "mdns TXT SN-7._sztp.local");
  ASSERT_TRUE((*yields)[0].data);
  EXPECT_EQ((*yields)[0].data->conveyedInformation, toBytes("from-mdns"));
  EXPECT_EQ((*yields)[0].data->ownerCertificate, toBytes("OC"));
  EXPECT_FALSE((*yields)[0].data->ownershipVoucher);
  EXPECT_EQ((*yields)[1].origin, "mdns SRV _sztp._tcp.local");
  // Priority order (RFC 2782); bs1 by its addresses from the additional
  // section (X9), the link-local one skipped; bs2 has none, so by name.
  EXPECT_EQ((*yields)[1].servers, (std::vector<agent::ServerRef>{
                                      {"10.1.2.3", 8443, std::nullopt},
                                      {"2001:db8::7", 8443, std::nullopt},
                                      {"bs2.local", 443, std::nullopt},
                                  }));
  // What went on the wire: device-specific first (X4), RD clear, class IN
  // without QU, from an ephemeral port (legacy unicast, RFC 6762 §6.7).
  const auto questions = responder.questions();
  ASSERT_EQ(questions.size(), 2u);
  EXPECT_EQ(questions[0].name, "SN-7._sztp.local");
  EXPECT_EQ(questions[0].type, d::kDnsTypeTxt);
  EXPECT_EQ(questions[1].name, "_sztp._tcp.local");
  EXPECT_EQ(questions[1].type, d::kDnsTypeSrv);
  for (const auto& q : questions) {
    EXPECT_EQ(q.flags, 0);
    EXPECT_EQ(q.qclass, 1);
    EXPECT_NE(q.id, 0);
  }
  for (const auto port : responder.sourcePorts()) {
    EXPECT_NE(port, d::kMdnsPort);
    EXPECT_NE(port, responder.port());
  }
}

TEST(MdnsSource, SilenceIsNothingAndBounded) {
  // A group member that never answers: both queries wait mdnsTimeout.
  LoopbackMdnsResponder responder([](const Question&) { return std::vector<Bytes>{}; });
  ASSERT_TRUE(responder.ok());
  DnsConfig c = mdnsConfig(responder.port());
  c.mdnsTimeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  auto yields = DnsSource(c).discover();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  EXPECT_TRUE(yields->empty());
  EXPECT_EQ(responder.questions().size(), 2u);
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(MdnsSource, OnlyNonMatchingAnswersAreIgnored) {
  LoopbackMdnsResponder responder([](const Question& q) {
    auto all = sztpResponder(q);
    all.pop_back();  // keep the wrong-id and wrong-name decoys only
    if (q.type == d::kDnsTypeTxt) {
      // A matching id and question, but a record owned by another name.
      all.push_back(Reply(q).answer("SN-8._sztp.local", d::kDnsTypeTxt, txtData({"ci=x"})).bytes());
    }
    return all;
  });
  ASSERT_TRUE(responder.ok());
  DnsConfig c = mdnsConfig(responder.port());
  c.mdnsTimeout = std::chrono::milliseconds(200);
  auto yields = DnsSource(c).discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  EXPECT_TRUE(yields->empty());
}

TEST(MdnsSource, NoInterfaceAndNoServerFails) {
  DnsConfig c = mdnsConfig(1);
  c.mdnsInterfaces = {"does-not-exist0"};
  auto result = DnsSource(c).discover();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().reason(), "discovery-source-unavailable");
}

TEST(MdnsSource, MdnsBeforeUnicastForEachRecordKind) {
  // X4 + X5 against both peers at once: the loopback responder (mDNS) and
  // dnsmasq (unicast DNS).
  auto binary = testutil::findDnsmasq();
  if (!binary) {
    GTEST_SKIP() << "dnsmasq not installed";
  }
  testutil::DnsmasqProcess dnsmasq(
      *binary, {"--txt-record=SN-7._sztp.example.com,ci=from-unicast",
                "--srv-host=_sztp._tcp.example.com,bs.example.com,443,10,0",
                "--txt-record=SN-7._sztp.local,ci=must-not-be-asked", "--local=/example.com/"});
  ASSERT_TRUE(dnsmasq.ok());
  LoopbackMdnsResponder responder(sztpResponder);
  ASSERT_TRUE(responder.ok());
  DnsConfig c = mdnsConfig(responder.port());
  c.domains = {"local", "example.com"};  // "local" never goes to unicast DNS
  c.nameservers = {"127.0.0.1"};
  c.port = dnsmasq.port();
  auto yields = DnsSource(c).discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  std::vector<std::string> origins;
  for (const auto& y : *yields) {
    origins.push_back(y.origin);
  }
  EXPECT_EQ(origins, (std::vector<std::string>{
                         "mdns TXT SN-7._sztp.local", "dns TXT SN-7._sztp.example.com",
                         "mdns SRV _sztp._tcp.local", "dns SRV _sztp._tcp.example.com"}));
  EXPECT_EQ((*yields)[1].data->conveyedInformation, toBytes("from-unicast"));
}

TEST(MdnsSource, BothFamiliesOnARealLink) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root: network namespaces";
  }
  const auto ipTool = nettest::findTool("ip");
  if (!ipTool) {
    GTEST_SKIP() << "needs `ip` (iproute2)";
  }
  nettest::VethPair link(*ipTool, 'm');
  if (!link.ok()) {
    GTEST_SKIP() << "cannot create network namespaces and a veth pair here";
  }
  // Two responders on the server end: the IPv4 one publishes the TXT, the
  // IPv6 one the SRV with the target's AAAA (X9); each sees both queries.
  std::unique_ptr<LoopbackMdnsResponder> v4, v6;
  ASSERT_TRUE(nettest::inNamespace(link.serverNs(), [&] {
    v4 = std::make_unique<LoopbackMdnsResponder>(
        [](const Question& q) {
          std::vector<Bytes> out;
          if (q.type == d::kDnsTypeTxt) {
            out.push_back(Reply(q).answer(q.name, d::kDnsTypeTxt, txtData({"ci=v4"})).bytes());
          }
          return out;
        },
        AF_INET, link.serverIf());
    v6 = std::make_unique<LoopbackMdnsResponder>(
        [](const Question& q) {
          std::vector<Bytes> out;
          if (q.type == d::kDnsTypeSrv) {
            out.push_back(Reply(q)
                              .answer(q.name, d::kDnsTypeSrv, srvData(0, 0, 8443, "bs.local"))
                              .additional("bs.local", d::kDnsTypeAaaa,
                                          {0xfd, 0, 0, 0x5a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
                              .bytes());
          }
          return out;
        },
        AF_INET6, link.serverIf(), v4->port());
  }));
  ASSERT_TRUE(v4 && v4->ok() && v6 && v6->ok());

  Result<std::vector<agent::SourceYield>> yields = std::vector<agent::SourceYield>{};
  ASSERT_TRUE(nettest::inNamespace(link.clientNs(), [&] {
    nettest::waitForAddresses(link.clientIf());
    DnsConfig c = mdnsConfig(v4->port());
    c.mdnsInterfaces.clear();  // every multicast interface: only the veth qualifies
    c.mdnsV6 = true;
    yields = DnsSource(c).discover();
  }));
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  ASSERT_EQ(yields->size(), 2u);
  EXPECT_EQ((*yields)[0].data->conveyedInformation, toBytes("v4"));
  EXPECT_EQ((*yields)[1].servers,
            (std::vector<agent::ServerRef>{{"fd00:5a::1", 8443, std::nullopt}}));
  EXPECT_EQ(v4->questions().size(), 2u);
  EXPECT_EQ(v6->questions().size(), 2u);
}

}  // namespace
}  // namespace sztp::agentio
