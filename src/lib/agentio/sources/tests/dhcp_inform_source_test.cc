// DhcpInformSource over real sockets on loopback: a responder thread plays
// the DHCP server, answering the DHCPINFORM / Information-Request it receives
// with the redirect option (the request itself is checked by the parsers).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "agentio/sources/source_dhcp_inform.h"
#include "dhcp/sztp_redirect_option.h"
#include "discovery/dhcp_messages.h"
#include "discovery/tests/dnsmasq_process.h"

namespace sztp::agentio {
namespace {

namespace d = discovery;

// Binds a UDP socket of `family` to loopback and a free port; returns fd, port.
std::pair<int, std::uint16_t> loopbackSocket(int family) {
  int fd = ::socket(family, SOCK_DGRAM, 0);
  sockaddr_storage a{};
  socklen_t len;
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&a);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *sin;
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&a);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_addr = in6addr_loopback;
    len = sizeof *sin6;
  }
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::uint16_t port = family == AF_INET
                                 ? ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port)
                                 : ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port);
  return {fd, port};
}

std::uint16_t freePort(int family) {
  auto [fd, port] = loopbackSocket(family);
  ::close(fd);
  return port;
}

// Answers the first request of each family on its socket until stopped.
class FakeDhcpServer {
 public:
  FakeDhcpServer(Bytes v4Option, Bytes v6Option, bool answerWrongXid = false)
      : v4Option_(std::move(v4Option)), v6Option_(std::move(v6Option)), wrongXid_(answerWrongXid) {
    std::tie(fd4_, port4_) = loopbackSocket(AF_INET);
    std::tie(fd6_, port6_) = loopbackSocket(AF_INET6);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeDhcpServer() {
    stop_ = true;
    thread_.join();
    ::close(fd4_);
    ::close(fd6_);
  }
  std::uint16_t port4() const { return port4_; }
  std::uint16_t port6() const { return port6_; }
  std::atomic<int> informs{0};
  std::atomic<int> infoRequests{0};

 private:
  void run() {
    Bytes buffer(4096);
    while (!stop_) {
      pollfd fds[2] = {{fd4_, POLLIN, 0}, {fd6_, POLLIN, 0}};
      if (::poll(fds, 2, 50) <= 0) {
        continue;
      }
      for (int i = 0; i < 2; ++i) {
        if ((fds[i].revents & POLLIN) == 0) {
          continue;
        }
        sockaddr_storage from{};
        socklen_t fromLen = sizeof from;
        const ssize_t n = ::recvfrom(fds[i].fd, buffer.data(), buffer.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from), &fromLen);
        if (n <= 0) {
          continue;
        }
        const Bytes request(buffer.begin(), buffer.begin() + n);
        const Bytes reply = i == 0 ? answer4(request) : answer6(request);
        if (!reply.empty()) {
          ::sendto(fds[i].fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
                   fromLen);
        }
      }
    }
  }

  Bytes answer4(const Bytes& request) {
    auto message = d::parseDhcpv4Message(request);
    if (!message || message->messageType != 8) {
      return {};
    }
    ++informs;
    Bytes ack(request.begin(), request.begin() + 240);
    ack[0] = 2;
    if (wrongXid_) {
      ack[4] ^= 0xff;
    }
    ack.insert(ack.end(), {53, 1, 5, 54, 4, 127, 0, 0, 1});
    const Bytes opt = dhcp::encodeDhcpv4Option(v4Option_);
    ack.insert(ack.end(), opt.begin(), opt.end());
    ack.insert(ack.end(), {15, 8, 'l', 'a', 'b', '.', 't', 'e', 's', 't'});
    ack.push_back(255);
    return ack;
  }

  Bytes answer6(const Bytes& request) {
    auto message = d::parseDhcpv6Message(request);
    if (!message || message->messageType != 11 || !message->clientId) {
      return {};
    }
    ++infoRequests;
    Bytes reply{7, request[1], request[2], request[3]};
    auto opt = [&](std::uint16_t code, const Bytes& value) {
      reply.insert(
          reply.end(),
          {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code),
           static_cast<std::uint8_t>(value.size() >> 8), static_cast<std::uint8_t>(value.size())});
      reply.insert(reply.end(), value.begin(), value.end());
    };
    opt(2, {0, 3, 0, 1, 2, 0, 0, 0, 0, 1});
    opt(1, *message->clientId);
    opt(136, v6Option_);
    return reply;
  }

  Bytes v4Option_, v6Option_;
  bool wrongXid_;
  int fd4_ = -1, fd6_ = -1;
  std::uint16_t port4_ = 0, port6_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

DhcpInformConfig loopbackConfig(const FakeDhcpServer& server) {
  DhcpInformConfig c;
  c.interfaces = {"lo"};
  c.includeLoopback = true;
  c.timeout = std::chrono::milliseconds(500);
  c.attempts = 2;
  c.randomBytes = [](std::size_t n) { return Bytes(n, 0x5a); };
  c.v4Server = "127.0.0.1";
  c.v4ServerPort = server.port4();
  c.v4ClientPort = freePort(AF_INET);
  c.v6Server = "::1";
  c.v6ServerPort = server.port6();
  c.v6ClientPort = freePort(AF_INET6);
  return c;
}

TEST(DhcpInformSource, AsksBothFamiliesAndYieldsServers) {
  FakeDhcpServer server(*dhcp::encodeServerList({"https://sztp.example.com:8443"}),
                        *dhcp::encodeServerList({"https://[2001:db8::5]"}));
  DhcpInformSource source(loopbackConfig(server));
  auto yields = source.discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  ASSERT_EQ(yields->size(), 2u) << (source.problems().empty()
                                        ? std::string()
                                        : source.problems().front().describe());
  EXPECT_EQ((*yields)[0].origin, "dhcpv4 lo (DHCPINFORM)");
  EXPECT_EQ((*yields)[0].servers,
            (std::vector<agent::ServerRef>{{"sztp.example.com", 8443, std::nullopt}}));
  EXPECT_EQ((*yields)[1].origin, "dhcpv6 lo (Information-Request)");
  EXPECT_EQ((*yields)[1].servers,
            (std::vector<agent::ServerRef>{{"2001:db8::5", 443, std::nullopt}}));
  EXPECT_EQ(source.domains(), std::vector<std::string>{"lab.test"});
  EXPECT_EQ(server.informs, 1);
  EXPECT_EQ(server.infoRequests, 1);
}

TEST(DhcpInformSource, IgnoresOtherTransactionsAndRetriesBounded) {
  FakeDhcpServer server(*dhcp::encodeServerList({"https://sztp.example.com"}), {},
                        /*answerWrongXid=*/true);
  DhcpInformConfig c = loopbackConfig(server);
  c.v6 = false;
  c.timeout = std::chrono::milliseconds(200);
  c.attempts = 3;
  const auto start = std::chrono::steady_clock::now();
  auto yields = DhcpInformSource(c).discover();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(yields.ok());
  EXPECT_TRUE(yields->empty());
  EXPECT_EQ(server.informs, 3);
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(DhcpInformSource, NoMatchingInterfaceIsNothing) {
  DhcpInformConfig c;
  c.interfaces = {"does-not-exist0"};
  c.randomBytes = [](std::size_t n) { return Bytes(n, 1); };
  auto yields = DhcpInformSource(c).discover();
  ASSERT_TRUE(yields.ok());
  EXPECT_TRUE(yields->empty());
}

}  // namespace
}  // namespace sztp::agentio
