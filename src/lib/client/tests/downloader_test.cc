// HttpsDownloader against the project's file server (Range, ETag, If-Range)
// behind net::HttpServer over TLS on loopback, and a raw socket peer that
// cuts an answer short.
#include "client/downloader.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "client/client_error.h"
#include "client/tests/client_fixture.h"
#include "crypto/digest.h"
#include "fileserver/file_server.h"
#include "net/tests/test_server.h"
#include "testutil/temp_dir.h"

namespace sztp::client {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::take;

std::string randomContent(std::size_t size) {
  std::mt19937 random(42);
  std::string content(size, '\0');
  for (auto& c : content) {
    c = static_cast<char>(random());
  }
  return content;
}

Bytes sha256Of(std::string_view text) {
  return crypto::sha256(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

/// Serves one connection over plain HTTP: reads the request, sends `answer`
/// as it is (or nothing when `silent`), then closes.
class RawPeer {
 public:
  explicit RawPeer(std::string answer, bool silent = false) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "listen";
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, answer = std::move(answer), silent] {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) {
        return;
      }
      client_ = client;
      std::string request;
      char chunk[1024];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t got = ::read(client, chunk, sizeof chunk);
        if (got <= 0) {
          break;
        }
        request.append(chunk, static_cast<std::size_t>(got));
      }
      {
        const std::lock_guard lock(mutex_);
        request_ = request;
      }
      if (silent) {
        // Holds the connection open without a word until the test ends.
        char ignored = 0;
        (void)!::read(client, &ignored, 1);
      } else {
        (void)!::write(client, answer.data(), answer.size());
      }
      ::close(client);
    });
  }
  ~RawPeer() {
    ::shutdown(fd_, SHUT_RDWR);
    if (const int client = client_.load(); client >= 0) {
      ::shutdown(client, SHUT_RDWR);
    }
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> client_{-1};
  std::thread thread_;
  std::mutex mutex_;
  std::string request_;
};

class DownloaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = net::testing::makeTestPki();
    anchor_ = take(crypto::Certificate::fromPem(pki_.caPem));
    content_ = randomContent(300 * 1000 + 17);
    tmp_.write("root/os.img", content_);
    fs::create_directories(tmp_ / "out");
    fileserver::FileServerSettings files;
    files.root = (tmp_ / "root").string();
    files_ = take(fileserver::FileServer::create(files));
    auto listener = net::testing::testListener();
    listener.tls = net::testing::serverTls(pki_);
    server_ = net::testing::startServer(
        listener, [this](const http::Request& request, const http::Peer& peer) {
          http::Request copy = request;
          {
            const std::lock_guard lock(mutex_);
            ranges_.push_back(std::string(request.header("range").value_or("")));
            if (ignoreRange_) {
              std::erase_if(copy.headers, [](const auto& h) { return h.first == "range"; });
            }
          }
          if (!redirectTo_.empty()) {
            http::Response response;
            response.status = 302;
            response.setHeader("Location", redirectTo_);
            return response;
          }
          return files_->handle(copy, peer);
        });
    ASSERT_TRUE(server_);
    base_ = "https://localhost:" + std::to_string(server_->boundPort("test"));
  }

  DownloaderSettings settings(bool authenticate = true) const {
    DownloaderSettings s;
    s.transport.connectTimeout = 5s;
    s.transport.requestTimeout = 5s;
    s.transport.resolve = [](const std::string&) -> Result<std::vector<std::string>> {
      return std::vector<std::string>{"127.0.0.1"};
    };
    if (authenticate) {
      s.trustAnchors = {anchor_};
    }
    s.bufferBytes = 16 * 1024;
    return s;
  }

  agent::DownloadRequest request() const {
    agent::DownloadRequest r;
    r.uri = base_ + "/os.img";
    r.destinationPath = (tmp_ / "out" / "os.img").string();
    r.sha256 = {Bytes(32, 0), sha256Of(content_)};
    r.timeout = 30s;
    return r;
  }

  std::vector<std::string> ranges() {
    const std::lock_guard lock(mutex_);
    return ranges_;
  }

  testutil::TempDir tmp_;
  net::testing::TestPki pki_;
  crypto::Certificate anchor_{nullptr};
  std::string content_;
  std::optional<fileserver::FileServer> files_;
  std::unique_ptr<net::HttpServer> server_;
  std::string base_;
  std::mutex mutex_;
  std::vector<std::string> ranges_;
  bool ignoreRange_ = false;
  std::string redirectTo_;
};

TEST_F(DownloaderTest, DownloadsVerifiesAndRenames) {
  HttpsDownloader downloader(settings());
  auto r = request();
  std::uint64_t lastReceived = 0;
  std::optional<std::uint64_t> lastTotal;
  int calls = 0;
  r.progress = [&](std::uint64_t received, std::optional<std::uint64_t> total) {
    EXPECT_GE(received, lastReceived);
    lastReceived = received;
    lastTotal = total;
    ++calls;
  };
  auto result = downloader.download(r);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result->bytes, content_.size());
  EXPECT_EQ(result->sha256, sha256Of(content_));
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(testutil::readText(r.destinationPath), content_);
  EXPECT_FALSE(fs::exists(r.destinationPath + ".part"));
  EXPECT_FALSE(fs::exists(r.destinationPath + ".part.validator"));
  EXPECT_EQ(lastReceived, content_.size());
  EXPECT_EQ(lastTotal, content_.size());
  EXPECT_GT(calls, 5);  // streamed in 16 KiB pieces
  EXPECT_EQ(ranges(), std::vector<std::string>{""});
}

TEST_F(DownloaderTest, HashMismatchDeletesTheFile) {
  HttpsDownloader downloader(settings());
  auto r = request();
  r.sha256 = {Bytes(32, 0x11)};
  auto result = downloader.download(r);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::DownloadHashMismatch);
  EXPECT_FALSE(fs::exists(r.destinationPath));
  EXPECT_FALSE(fs::exists(r.destinationPath + ".part"));
}

TEST_F(DownloaderTest, ResumesATruncatedPart) {
  auto r = request();
  const std::size_t kept = 100'000;
  tmp_.write("out/os.img.part", std::string_view(content_).substr(0, kept));
  HttpsDownloader downloader(settings());
  auto result = downloader.download(r);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->bytes, content_.size());
  EXPECT_EQ(result->sha256, sha256Of(content_));
  EXPECT_EQ(testutil::readText(r.destinationPath), content_);
  EXPECT_EQ(ranges(), std::vector<std::string>{"bytes=100000-"});
}

TEST_F(DownloaderTest, ServerIgnoringRangeStartsOver) {
  ignoreRange_ = true;
  auto r = request();
  tmp_.write("out/os.img.part", std::string(5000, 'x'));  // also wrong content
  HttpsDownloader downloader(settings());
  auto result = downloader.download(r);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(testutil::readText(r.destinationPath), content_);
}

TEST_F(DownloaderTest, WrongPartIsCaughtByTheHash) {
  auto r = request();
  tmp_.write("out/os.img.part", std::string(5000, 'x'));
  HttpsDownloader downloader(settings());
  auto result = downloader.download(r);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::DownloadHashMismatch);
  EXPECT_FALSE(fs::exists(r.destinationPath + ".part"));
  // The next attempt starts from nothing and succeeds.
  auto again = downloader.download(r);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_FALSE(again->resumed);
}

TEST_F(DownloaderTest, CompletePartIsFinishedWithout416Loop) {
  auto r = request();
  tmp_.write("out/os.img.part", content_);
  HttpsDownloader downloader(settings());
  auto result = downloader.download(r);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result->bytes, content_.size());
  EXPECT_EQ(testutil::readText(r.destinationPath), content_);
}

TEST_F(DownloaderTest, TooLargeIsRefused) {
  auto r = request();
  r.maxBytes = 1000;
  HttpsDownloader downloader(settings());
  auto result = downloader.download(r);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::DownloadTooLarge);
  EXPECT_FALSE(fs::exists(r.destinationPath + ".part"));
  EXPECT_FALSE(fs::exists(r.destinationPath));
}

TEST_F(DownloaderTest, ServerAuthenticationIsConfigurable) {
  auto s = settings();
  s.trustAnchors = {take(crypto::Certificate::fromPem(net::testing::makeTestPki().caPem))};
  HttpsDownloader wrongAnchor(s);
  auto refused = wrongAnchor.download(request());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), ClientErrc::ServerCertificateUntrusted);

  HttpsDownloader unauthenticated(settings(false));  // D45: allowed, the hash protects
  auto result = unauthenticated.download(request());
  ASSERT_TRUE(result.ok()) << result.error().describe();
}

TEST_F(DownloaderTest, MissingFileIsHttpStatus) {
  auto r = request();
  r.uri = base_ + "/missing.img";
  HttpsDownloader downloader(settings());
  auto result = downloader.download(r);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::HttpStatus);
  EXPECT_NE(result.error().detail().find("404"), std::string::npos);
}

TEST_F(DownloaderTest, PlainHttpOnlyWhenAllowedAndNoDowngradeRedirect) {
  auto r = request();
  r.uri = "http://127.0.0.1:1/os.img";
  HttpsDownloader downloader(settings());
  auto refused = downloader.download(r);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), ClientErrc::DownloadFailed);

  redirectTo_ = "http://127.0.0.1:1/os.img";
  auto redirected = downloader.download(request());
  ASSERT_FALSE(redirected.ok());
  EXPECT_EQ(redirected.error(), ClientErrc::DownloadFailed) << redirected.error().describe();
  EXPECT_NE(redirected.error().detail().find("redirect"), std::string::npos);
}

TEST_F(DownloaderTest, CutAnswerKeepsThePartAndTheNextRunResumes) {
  const std::size_t sent = 120'000;
  auto r = request();
  {
    RawPeer peer("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(content_.size()) +
                 "\r\nETag: \"v1\"\r\n\r\n" + content_.substr(0, sent));
    auto s = settings();
    s.allowHttp = true;
    HttpsDownloader lab(s);
    auto cut = r;
    cut.uri = "http://127.0.0.1:" + std::to_string(peer.port()) + "/os.img";
    auto result = lab.download(cut);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), ClientErrc::AnswerTruncated) << result.error().describe();
  }
  ASSERT_EQ(fs::file_size(r.destinationPath + ".part"), sent);
  EXPECT_EQ(testutil::readText(r.destinationPath + ".part.validator"), "\"v1\"");

  // The file server has another ETag, so If-Range makes it send everything
  // (200); the download still ends with the right file.
  HttpsDownloader downloader(settings());
  auto result = downloader.download(r);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(testutil::readText(r.destinationPath), content_);
  EXPECT_EQ(ranges(), std::vector<std::string>{"bytes=120000-"});
}

TEST_F(DownloaderTest, WriteFailureOnTheWriterThreadFailsTheDownload) {
  // The disk "fills up" after 100 kB: RLIMIT_FSIZE makes write(2) fail with
  // EFBIG on the writer thread (SIGXFSZ ignored for the test's duration).
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 100 * 1000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  HttpsDownloader downloader(settings());
  auto result = downloader.download(request());
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::DownloadFailed) << result.error().describe();
  EXPECT_NE(result.error().detail().find("writing"), std::string::npos)
      << result.error().describe();
  EXPECT_FALSE(fs::exists(request().destinationPath));
}

/// What a lab file server might send instead of a Content-Length body.
class RawAnswerTest : public DownloaderTest {
 protected:
  Result<agent::DownloadResult> fetch(const std::string& answer, bool silent = false) {
    RawPeer peer(answer, silent);
    auto s = settings();
    s.allowHttp = true;
    s.transport.requestTimeout = 300ms;
    HttpsDownloader lab(s);
    auto r = request();
    r.uri = "http://127.0.0.1:" + std::to_string(peer.port()) + "/os.img";
    return lab.download(r);
  }
  std::string chunked(std::size_t pieces) const {
    std::string body;
    const std::size_t step = content_.size() / pieces + 1;
    for (std::size_t at = 0; at < content_.size(); at += step) {
      const auto piece = content_.substr(at, step);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      body += size + piece + "\r\n";
    }
    return body;
  }
};

TEST_F(RawAnswerTest, ChunkedBodyIsReassembledAndVerified) {
  auto result =
      fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(7) + "0\r\n\r\n");
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result->bytes, content_.size());
  EXPECT_EQ(testutil::readText(request().destinationPath), content_);
}

TEST_F(RawAnswerTest, ChunkedBodyThatStopsIsTruncated) {
  auto result = fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(7));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::AnswerTruncated) << result.error().describe();
  EXPECT_FALSE(fs::exists(request().destinationPath));
}

TEST_F(RawAnswerTest, MalformedChunkIsRefused) {
  auto result = fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::AnswerMalformed) << result.error().describe();
}

TEST_F(RawAnswerTest, CloseDelimitedBodyOverPlainTcpIsComplete) {
  auto result = fetch("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + content_);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(testutil::readText(request().destinationPath), content_);
}

TEST_F(RawAnswerTest, HeaderOverTheLimitIsTooLarge) {
  auto result =
      fetch("HTTP/1.1 200 OK\r\nX-Filler: " + std::string(20'000, 'a') + "\r\n\r\n" + content_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::AnswerTooLarge) << result.error().describe();
}

TEST_F(RawAnswerTest, GarbageInsteadOfHttpIsMalformed) {
  auto result = fetch("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::AnswerMalformed) << result.error().describe();
}

TEST_F(RawAnswerTest, SilentServerTimesOut) {
  const auto started = std::chrono::steady_clock::now();
  auto result = fetch("", true);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::Timeout) << result.error().describe();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(RawAnswerTest, ServerClosingBeforeAnyAnswerIsTruncated) {
  auto result = fetch("");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), ClientErrc::AnswerTruncated) << result.error().describe();
}

}  // namespace
}  // namespace sztp::client
