// The file server behind the HTTPS transport, downloaded with the curl CLI:
// byte ranges, conditional requests, traversal attempts sent verbatim, and a
// 200 MB sparse image streamed (FileBody) rather than loaded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fileserver/file_server.h"
#include "net/tests/test_server.h"
#include "net/tests/test_tls.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::fileserver {
namespace {

namespace fs = std::filesystem;
using net::testing::TestPki;

class FileServerCurl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testutil::haveProgram("curl")) {
      GTEST_SKIP() << "the curl CLI is needed (scripts/install-deps.sh)";
    }
    root_ = tmp_.path() / "root";
    fs::create_directories(root_ / "images");
    for (int i = 0; i < 1000; ++i) {
      content_ += std::to_string(i % 10);
    }
    tmp_.write("root/images/os.img", content_);
    tmp_.write("secret.txt", "outside the root");
    pki_ = net::testing::makeTestPki();
    tmp_.write("ca.pem", pki_.caPem);
    tmp_.write("client.pem", pki_.clientChainPem);
    tmp_.write("client.key", pki_.clientKeyPem);

    FileServerSettings settings;
    settings.root = root_.string();
    auto files = FileServer::create(settings);
    ASSERT_TRUE(files.ok()) << files.error().describe();
    auto listener = net::testing::testListener();
    listener.name = "files";
    listener.tls = net::testing::serverTls(pki_);
    server_ = net::testing::startServer(listener, files->handler());
    ASSERT_TRUE(server_);
    base_ = "https://127.0.0.1:" + std::to_string(server_->boundPort("files"));
  }

  /// curl with the client certificate; prints the body then "\n<status>".
  testutil::CommandResult curl(std::vector<std::string> extra, const std::string& path) {
    std::vector<std::string> argv = {"curl",
                                     "-sS",
                                     "--max-time",
                                     "60",
                                     "--path-as-is",
                                     "--cacert",
                                     (tmp_ / "ca.pem").string(),
                                     "--cert",
                                     (tmp_ / "client.pem").string(),
                                     "--key",
                                     (tmp_ / "client.key").string(),
                                     "-w",
                                     "\n%{http_code}"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(base_ + path);
    return testutil::runCommand(argv, 90);
  }

  static std::string status(const testutil::CommandResult& result) {
    return result.output.substr(result.output.rfind('\n') + 1);
  }
  static std::string body(const testutil::CommandResult& result) {
    return result.output.substr(0, result.output.rfind('\n'));
  }

  testutil::TempDir tmp_;
  fs::path root_;
  std::string content_;
  TestPki pki_;
  std::unique_ptr<net::HttpServer> server_;
  std::string base_;
};

TEST_F(FileServerCurl, WholeFileAndRanges) {
  const auto whole = curl({}, "/images/os.img");
  EXPECT_EQ(status(whole), "200") << whole.output;
  EXPECT_EQ(body(whole), content_);

  const auto first = curl({"-r", "0-99"}, "/images/os.img");
  EXPECT_EQ(status(first), "206") << first.output;
  EXPECT_EQ(body(first), content_.substr(0, 100));

  const auto middle = curl({"-r", "500-509"}, "/images/os.img");
  EXPECT_EQ(status(middle), "206");
  EXPECT_EQ(body(middle), content_.substr(500, 10));

  const auto tail = curl({"-r", "-10"}, "/images/os.img");
  EXPECT_EQ(status(tail), "206");
  EXPECT_EQ(body(tail), content_.substr(990));

  const auto beyond = curl({"-r", "5000-"}, "/images/os.img");
  EXPECT_EQ(status(beyond), "416") << beyond.output;
}

TEST_F(FileServerCurl, ResumesAnInterruptedDownload) {
  const auto resumed = curl({"-C", "600"}, "/images/os.img");
  EXPECT_EQ(status(resumed), "206") << resumed.output;
  EXPECT_EQ(body(resumed), content_.substr(600));
}

TEST_F(FileServerCurl, IfNoneMatchGets304) {
  const auto headers = curl({"-I"}, "/images/os.img");
  ASSERT_EQ(status(headers), "200") << headers.output;
  const std::string lower = http::lowercase(headers.output);
  const auto at = lower.find("etag: ");
  ASSERT_NE(at, std::string::npos) << headers.output;
  const std::string etag = headers.output.substr(at + 6, headers.output.find('\r', at) - (at + 6));
  const auto again = curl({"-H", "If-None-Match: " + etag}, "/images/os.img");
  EXPECT_EQ(status(again), "304") << again.output;
  EXPECT_EQ(body(again), "");
  const auto changed = curl({"-H", "If-None-Match: \"other\""}, "/images/os.img");
  EXPECT_EQ(status(changed), "200");
}

TEST_F(FileServerCurl, TraversalIsRefused) {
  fs::create_symlink(tmp_.path() / "secret.txt", root_ / "link.txt");
  for (const char* path : {"/../secret.txt", "/images/../../secret.txt", "/%2e%2e/secret.txt",
                           "/../../../../etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd"}) {
    const auto result = curl({}, path);
    EXPECT_EQ(status(result), "403") << path << "\n" << result.output;
    EXPECT_EQ(result.output.find("outside the root"), std::string::npos) << path;
  }
  const auto link = curl({}, "/link.txt");
  EXPECT_EQ(status(link), "403") << link.output;
  EXPECT_EQ(link.output.find("outside the root"), std::string::npos);
  EXPECT_EQ(status(curl({}, "/")), "403");
  EXPECT_EQ(status(curl({}, "/missing.img")), "404");
}

TEST_F(FileServerCurl, StreamsA200MegabyteSparseImage) {
  constexpr std::uint64_t kSize = 200ull * 1024 * 1024;
  const fs::path image = root_ / "images" / "big.img";
  { std::ofstream create(image); }
  fs::resize_file(image, kSize);  // Sparse: no 200 MB written to disk.
  const auto result =
      curl({"-o", "/dev/null", "-w", "%{http_code} %{size_download}"}, "/images/big.img");
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_NE(result.output.find("200 " + std::to_string(kSize)), std::string::npos) << result.output;
  const auto range = curl({"-r", std::to_string(kSize - 5) + "-"}, "/images/big.img");
  EXPECT_EQ(status(range), "206");
  EXPECT_EQ(body(range), std::string(5, '\0'));
}

}  // namespace
}  // namespace sztp::fileserver
