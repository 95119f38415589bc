// The syslog sender against a REAL rsyslogd (started unprivileged on
// loopback with a generated configuration): messages sent over UDP and over
// TCP arrive, and rsyslog's RFC 5424 parser finds our MSGID (the event id)
// and structured data in them. Skips when rsyslogd is not installed.

#include "agentio/syslog/syslog_sender.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "testutil/temp_dir.h"

namespace sztp::agentio {
namespace {

using namespace std::chrono_literals;
using logging::LogRecord;
using logging::Severity;

constexpr const char* kRsyslogd = "/usr/sbin/rsyslogd";

std::uint16_t freePort(int type) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

bool tcpListening(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

/// rsyslogd writing, per message, the fields its RFC 5424 parser found.
class Rsyslog {
 public:
  Rsyslog() : udpPort_(freePort(SOCK_DGRAM)), tcpPort_(freePort(SOCK_STREAM)) {
    std::filesystem::create_directories(dir_ / "work");
    const std::string out = (dir_ / "out.log").string();
    std::ostringstream conf;
    conf << "global(workDirectory=\"" << (dir_ / "work").string() << "\")\n"
         << "module(load=\"imudp\")\nmodule(load=\"imtcp\")\n"
         << "template(name=\"fields\" type=\"string\" string=\"%msgid%|%structured-data%|"
            "%app-name%|%procid%|%hostname%|%syslogfacility-text%|%syslogseverity-text%|"
            "%msg%\\n\")\n"
         << "ruleset(name=\"sztp\") { action(type=\"omfile\" file=\"" << out
         << "\" template=\"fields\") }\n"
         << "input(type=\"imudp\" port=\"" << udpPort_
         << "\" address=\"127.0.0.1\" ruleset=\"sztp\")\n"
         << "input(type=\"imtcp\" port=\"" << tcpPort_
         << "\" address=\"127.0.0.1\" ruleset=\"sztp\")\n";
    dir_.write("rsyslog.conf", conf.str());
  }
  ~Rsyslog() { stop(); }

  bool start() {
    const std::string conf = (dir_ / "rsyslog.conf").string();
    const std::string pid = (dir_ / "rsyslogd.pid").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(kRsyslogd, kRsyslogd, "-n", "-f", conf.c_str(), "-i", pid.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!tcpListening(tcpPort_)) {
      if (std::chrono::steady_clock::now() > deadline || ::waitpid(pid_, nullptr, WNOHANG) != 0) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  /// The lines written so far, waiting up to 10 s for at least `count`.
  std::vector<std::string> lines(std::size_t count) const {
    std::vector<std::string> result;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (true) {
      result.clear();
      std::ifstream in(dir_ / "out.log");
      for (std::string line; std::getline(in, line);) {
        result.push_back(line);
      }
      if (result.size() >= count || std::chrono::steady_clock::now() > deadline) {
        return result;
      }
      std::this_thread::sleep_for(20ms);
    }
  }

  std::uint16_t udpPort() const { return udpPort_; }
  std::uint16_t tcpPort() const { return tcpPort_; }

 private:
  testutil::TempDir dir_;
  std::uint16_t udpPort_;
  std::uint16_t tcpPort_;
  pid_t pid_ = -1;
};

LogRecord event(std::string id, std::string message, std::map<std::string, std::string> fields,
                Severity severity = Severity::Notice) {
  LogRecord r;
  r.severity = severity;
  r.msgId = std::move(id);
  r.message = std::move(message);
  r.structuredData = std::move(fields);
  r.time = std::chrono::sys_days(std::chrono::year(2026) / 6 / 1) + 12h;
  return r;
}

SyslogConfig configFor(SyslogTransport transport, std::uint16_t port) {
  SyslogConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.transport = transport;
  config.hostname = "dpu-1.example.net";
  config.procId = "4242";
  config.ioTimeout = 1000ms;
  config.minBackoff = 50ms;
  config.maxBackoff = 200ms;
  return config;
}

class SyslogSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kRsyslogd, X_OK) != 0) {
      GTEST_SKIP() << kRsyslogd << " is not installed (Debian: rsyslog)";
    }
    ASSERT_TRUE(rsyslog.start()) << "rsyslogd did not start";
  }
  Rsyslog rsyslog;
};

const char* kEscapedSd = R"([sztp@32473 detail="a \"quoted\" \\ [x\] value" step="s3/pre-script"])";

TEST_F(SyslogSenderTest, UdpMessagesArriveWithTheirMsgidAndStructuredData) {
  {
    SyslogSender sender(configFor(SyslogTransport::Udp, rsyslog.udpPort()));
    // The first datagram may race imudp's start; send until one is there.
    sender.send(event("SZTP-PROBE", "probe", {}));
    ASSERT_TRUE(sender.flush(2s));
    ASSERT_EQ(rsyslog.lines(1).size(), 1u);
    sender.send(event("SZTP-A0012", "bootstrap-complete", {{"serial", "SZTP-0001"}}));
    sender.send(event("SZTP-A0031", "script failed: exit 2",
                      {{"detail", R"(a "quoted" \ [x] value)"}, {"step", "s3/pre-script"}},
                      Severity::Error));
    ASSERT_TRUE(sender.flush(2s));
    EXPECT_EQ(sender.stats().sent, 3u);
    EXPECT_EQ(sender.stats().dropped, 0u);
  }
  const auto lines = rsyslog.lines(3);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1],
            "SZTP-A0012|[sztp@32473 serial=\"SZTP-0001\"]|sztp-agent|4242|dpu-1.example.net|"
            "daemon|notice|bootstrap-complete");
  EXPECT_EQ(lines[2], std::string("SZTP-A0031|") + kEscapedSd +
                          "|sztp-agent|4242|dpu-1.example.net|daemon|err|script failed: exit 2");
}

TEST_F(SyslogSenderTest, TcpMessagesArriveOctetCountedWithTheConfiguredFacility) {
  auto config = configFor(SyslogTransport::Tcp, rsyslog.tcpPort());
  config.format.facility = logging::Facility::Local3;
  const std::string big(5000, 'x');  // Longer than any line-based framing would guess.
  {
    SyslogSender sender(config);
    sender.send(event("SZTP-A0001", "first", {{"k", "v"}}));
    sender.send(event("SZTP-A0031", "second",
                      {{"detail", R"(a "quoted" \ [x] value)"}, {"step", "s3/pre-script"}},
                      Severity::Warning));
    sender.send(event("SZTP-A0002", big, {}));
    sender.send(event("SZTP-A0003", "caf\xc3\xa9", {}, Severity::Debug));
    ASSERT_TRUE(sender.flush(2s));
    EXPECT_EQ(sender.stats().sent, 4u);
    EXPECT_EQ(sender.stats().connects, 1u);
  }
  const auto lines = rsyslog.lines(4);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "SZTP-A0001|[sztp@32473 k=\"v\"]|sztp-agent|4242|dpu-1.example.net|"
            "local3|notice|first");
  EXPECT_EQ(lines[1], std::string("SZTP-A0031|") + kEscapedSd +
                          "|sztp-agent|4242|dpu-1.example.net|local3|warning|second");
  EXPECT_EQ(lines[2], "SZTP-A0002|-|sztp-agent|4242|dpu-1.example.net|local3|notice|" + big);
  // rsyslog keeps the BOM in MSG; what follows is the UTF-8 text.
  EXPECT_NE(lines[3].find("SZTP-A0003|-|sztp-agent|4242|dpu-1.example.net|local3|debug|"),
            std::string::npos);
  EXPECT_NE(lines[3].find("caf\xc3\xa9"), std::string::npos) << lines[3];
}

TEST_F(SyslogSenderTest, TcpReconnectsAfterTheCollectorRestarts) {
  SyslogSender sender(configFor(SyslogTransport::Tcp, rsyslog.tcpPort()));
  sender.send(event("SZTP-BEFORE", "before", {}));
  ASSERT_TRUE(sender.flush(2s));
  ASSERT_EQ(rsyslog.lines(1).size(), 1u);

  rsyslog.stop();
  ASSERT_TRUE(rsyslog.start());
  // The first send after the restart may be lost into the dead connection
  // (counted); the sender notices the close and reconnects.
  for (int i = 0; i < 50 && rsyslog.lines(0).size() < 2; ++i) {
    sender.send(event("SZTP-AFTER", "after", {}));
    ASSERT_TRUE(sender.flush(2s));
    std::this_thread::sleep_for(50ms);
  }
  const auto lines = rsyslog.lines(2);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines.back().substr(0, 11), "SZTP-AFTER|");
  EXPECT_GE(sender.stats().connects, 2u);
}

TEST(SyslogSenderDown, ADeadCollectorNeverBlocksAndDropsAreCounted) {
  const std::uint16_t closed = freePort(SOCK_STREAM);  // Nobody listens here.
  auto config = configFor(SyslogTransport::Tcp, closed);
  config.queueCapacity = 4;
  config.minBackoff = 10s;  // One connect attempt during the test.
  const auto begin = std::chrono::steady_clock::now();
  {
    SyslogSender sender(config);
    for (int i = 0; i < 100; ++i) {
      sender.send(event("SZTP-A0001", "lost " + std::to_string(i), {}));
    }
    const auto sendTime = std::chrono::steady_clock::now() - begin;
    EXPECT_LT(sendTime, 500ms);
    EXPECT_FALSE(sender.flush(100ms));
    const auto stats = sender.stats();
    EXPECT_EQ(stats.queued, 100u);
    EXPECT_EQ(stats.sent, 0u);
    EXPECT_GE(stats.dropped, 96u);  // Only the newest four wait.
    EXPECT_GE(stats.connectFailures, 1u);
  }
  // Destruction waits at most ioTimeout (1 s) for the queue, then gives up.
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
}

}  // namespace
}  // namespace sztp::agentio
