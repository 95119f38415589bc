// The file server as a handler, called directly: what it answers for files,
// ranges, validators, methods, and every way of trying to leave the root.
#include "fileserver/file_server.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "fileserver/content_type.h"
#include "fileserver/fileserver_error.h"
#include "http/http_date.h"
#include "testutil/temp_dir.h"

namespace sztp::fileserver {
namespace {

namespace fs = std::filesystem;

class FileServerTest : public ::testing::TestWithParam<ResolveMode> {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "root";
    fs::create_directories(root_ / "images" / "v2");
    content_ = "0123456789abcdefghijklmnopqrstuvwxyz";
    tmp_.write("root/images/os.img", content_);
    tmp_.write("root/images/v2/os.img", "version two");
    tmp_.write("root/config.json", "{}");
    tmp_.write("root/.secret", "hidden");
    tmp_.write("outside.txt", "outside the root");
  }

  FileServer server(FileServerSettings settings = {}) {
    settings.root = root_.string();
    settings.resolve = GetParam();
    auto created = FileServer::create(std::move(settings));
    EXPECT_TRUE(created.ok()) << created.error().describe();
    return std::move(created).value();
  }

  http::Response get(const FileServer& files, const std::string& target, http::Headers headers = {},
                     const std::string& method = "GET") {
    return files.handle(http::Request{method, target, std::move(headers), ""}, http::Peer{});
  }

  std::string real(const fs::path& path) { return fs::canonical(path).string(); }

  testutil::TempDir tmp_;
  fs::path root_;
  std::string content_;
};

TEST_P(FileServerTest, ServesARegularFileAsAFileBody) {
  auto files = server();
  auto response = get(files, "/images/os.img?ignored=1");
  EXPECT_EQ(response.status, 200);
  ASSERT_TRUE(response.file);
  EXPECT_EQ(response.file->path, real(root_ / "images/os.img"));
  EXPECT_EQ(response.file->offset, 0u);
  EXPECT_EQ(response.file->length, content_.size());
  EXPECT_EQ(response.header("Content-Type"), "application/octet-stream");
  EXPECT_EQ(response.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff");
  ASSERT_TRUE(response.header("ETag"));
  EXPECT_EQ(response.header("ETag")->front(), '"');
  ASSERT_TRUE(response.header("Last-Modified"));
  EXPECT_TRUE(http::parseHttpDate(*response.header("Last-Modified")).ok());
  EXPECT_EQ(response.reason, "");

  auto head = get(files, "/images/os.img", {}, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("ETag"), response.header("ETag"));
  EXPECT_EQ(get(files, "/config.json").header("Content-Type"), "application/json");
}

TEST_P(FileServerTest, EtagChangesWhenTheFileIsReplaced) {
  auto files = server();
  const auto first = get(files, "/images/os.img");
  tmp_.write("root/images/os.img.new", content_);
  fs::rename(root_ / "images/os.img.new", root_ / "images/os.img");
  const auto second = get(files, "/images/os.img");
  ASSERT_TRUE(first.header("ETag") && second.header("ETag"));
  EXPECT_NE(*first.header("ETag"), *second.header("ETag"));
}

TEST_P(FileServerTest, SingleRangesGet206AndOthers200Or416) {
  auto files = server();
  auto part = get(files, "/images/os.img", {{"range", "bytes=10-19"}});
  EXPECT_EQ(part.status, 206);
  ASSERT_TRUE(part.file);
  EXPECT_EQ(part.file->offset, 10u);
  EXPECT_EQ(part.file->length, 10u);
  EXPECT_EQ(part.header("Content-Range"), "bytes 10-19/36");

  auto suffix = get(files, "/images/os.img", {{"range", "bytes=-6"}});
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.header("Content-Range"), "bytes 30-35/36");

  auto beyond = get(files, "/images/os.img", {{"range", "bytes=36-"}});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.reason, "range-not-satisfiable");
  EXPECT_EQ(beyond.header("Content-Range"), "bytes */36");
  EXPECT_FALSE(beyond.file);

  auto several = get(files, "/images/os.img", {{"range", "bytes=0-1,5-6"}});
  EXPECT_EQ(several.status, 200);
  EXPECT_EQ(several.file->length, 36u);

  auto head = get(files, "/images/os.img", {{"range", "bytes=0-1"}}, "HEAD");
  EXPECT_EQ(head.status, 200);  // Range applies to GET only.
}

TEST_P(FileServerTest, IfRangeGuardsAgainstAChangedFile) {
  auto files = server();
  const std::string etag(*get(files, "/images/os.img").header("ETag"));
  auto same = get(files, "/images/os.img", {{"range", "bytes=0-3"}, {"if-range", etag}});
  EXPECT_EQ(same.status, 206);
  auto changed = get(files, "/images/os.img", {{"range", "bytes=0-3"}, {"if-range", "\"other\""}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.file->length, 36u);
}

TEST_P(FileServerTest, ConditionalRequests) {
  auto files = server();
  const auto first = get(files, "/images/os.img");
  const std::string etag(*first.header("ETag"));
  const std::string modified(*first.header("Last-Modified"));

  auto unchanged = get(files, "/images/os.img", {{"if-none-match", etag}});
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_FALSE(unchanged.file);
  EXPECT_EQ(unchanged.header("ETag"), etag);

  EXPECT_EQ(get(files, "/images/os.img", {{"if-modified-since", modified}}).status, 304);
  EXPECT_EQ(get(files, "/images/os.img", {{"if-none-match", "\"stale\""}}).status, 200);
  auto failed = get(files, "/images/os.img", {{"if-match", "\"stale\""}});
  EXPECT_EQ(failed.status, 412);
  EXPECT_EQ(failed.reason, "precondition-failed");
}

TEST_P(FileServerTest, OnlyGetAndHead) {
  auto files = server();
  auto response = get(files, "/images/os.img", {}, "POST");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.reason, "method-not-allowed");
  EXPECT_EQ(response.header("Allow"), "GET, HEAD");
}

TEST_P(FileServerTest, TraversalAttemptsAreRefused) {
  auto files = server();
  for (const char* target :
       {"/../outside.txt", "/images/../../outside.txt", "/%2e%2e/outside.txt",
        "/images/%2E%2E/%2e%2e/outside.txt", "/..%2foutside.txt", "/images%2f..%2f..%2foutside.txt",
        "/images/..\\..\\outside.txt", "/../../../../etc/passwd", "/images/os.img%00.txt"}) {
    auto response = get(files, target);
    EXPECT_EQ(response.status, 403) << target;
    EXPECT_EQ(response.reason, "target-escapes-root") << target;
    EXPECT_FALSE(response.file) << target;
  }
  EXPECT_EQ(get(files, "/images/%zz").status, 400);
}

TEST_P(FileServerTest, SymlinksOutOfTheRootAreRefused) {
  fs::create_symlink(tmp_.path() / "outside.txt", root_ / "escape.txt");
  fs::create_symlink("../outside.txt", root_ / "relative-escape.txt");
  fs::create_symlink("/etc", root_ / "etc");
  fs::create_symlink(tmp_.path(), root_ / "parent");
  auto files = server();
  // (A link out that leads back in, "/parent/root/images/os.img", is refused
  // by openat2 and served by the realpath check: both keep inside the root.)
  for (const char* target :
       {"/escape.txt", "/relative-escape.txt", "/etc/passwd", "/parent/outside.txt"}) {
    auto response = get(files, target);
    EXPECT_EQ(response.status, 403) << target;
    EXPECT_EQ(response.reason, "path-outside-root") << target;
    EXPECT_FALSE(response.file) << target;
  }
}

TEST_P(FileServerTest, RelativeSymlinksInsideTheRootAreFollowed) {
  fs::create_symlink("v2/os.img", root_ / "images" / "latest.img");
  fs::create_directory_symlink("images/v2", root_ / "current");
  auto files = server();
  auto latest = get(files, "/images/latest.img");
  EXPECT_EQ(latest.status, 200);
  ASSERT_TRUE(latest.file);
  // The real path, so the transport's O_NOFOLLOW open finds the file itself.
  EXPECT_EQ(latest.file->path, real(root_ / "images/v2/os.img"));
  auto throughDirectory = get(files, "/current/os.img");
  EXPECT_EQ(throughDirectory.status, 200);
}

TEST_P(FileServerTest, OnlyRegularFilesAreServed) {
  ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0600), 0);
  auto files = server();
  for (const char* target : {"/", "/images", "/images/", "/pipe"}) {
    auto response = get(files, target);
    EXPECT_EQ(response.status, 403) << target;
    EXPECT_EQ(response.reason, "not-a-regular-file") << target;
  }
}

TEST_P(FileServerTest, MissingAndHiddenFilesAre404) {
  auto files = server();
  for (const char* target : {"/nothing.img", "/images/os.img/inside", "/.secret", "/images/.x"}) {
    auto response = get(files, target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(response.reason, "file-not-found") << target;
  }
}

TEST_P(FileServerTest, UrlPrefix) {
  FileServerSettings settings;
  settings.urlPrefix = "/files/";
  auto files = server(settings);
  EXPECT_EQ(get(files, "/files/images/os.img").status, 200);
  EXPECT_EQ(get(files, "/images/os.img").status, 404);
  EXPECT_EQ(get(files, "/files").status, 404);
  EXPECT_EQ(get(files, "/files/../outside.txt").status, 403);
}

TEST_P(FileServerTest, AuthorizeDecidesAndNamesTheClient) {
  FileServerSettings settings;
  settings.authorize = [](const http::Request&, const http::Peer& peer) -> Result<std::string> {
    if (peer.clientCertificates.empty()) {
      return Error(FileServerErrc::ClientNotAuthorized, "no client certificate");
    }
    return std::string("SN-1");
  };
  auto files = server(settings);
  auto refused = get(files, "/images/os.img");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.reason, "client-not-authorized");
  EXPECT_FALSE(refused.file);
  http::Peer device;
  device.clientCertificates = {Bytes{0x30}};
  auto allowed = files.handle(http::Request{"GET", "/images/os.img", {}, ""}, device);
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.identity, "SN-1");
}

TEST_P(FileServerTest, AuthorizeErrorsWithoutAReasonCodeAreClientNotAuthorized) {
  FileServerSettings settings;
  settings.authorize = [](const http::Request&, const http::Peer&) -> Result<std::string> {
    return Error(std::make_error_code(std::errc::permission_denied));
  };
  auto files = server(settings);
  auto refused = get(files, "/images/os.img");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.reason, "client-not-authorized");
}

TEST_P(FileServerTest, UnreadableFilesAreRefused) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads any file";
  }
  fs::permissions(root_ / "config.json", fs::perms::none);
  auto files = server();
  auto response = get(files, "/config.json");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.reason, "file-access-denied");
}

INSTANTIATE_TEST_SUITE_P(Resolve, FileServerTest,
                         ::testing::Values(ResolveMode::Auto, ResolveMode::RealpathCheck),
                         [](const auto& instance) {
                           return instance.param == ResolveMode::Auto ? "Auto" : "RealpathCheck";
                         });

TEST(FileServerCreate, RefusesUnusableRoots) {
  testutil::TempDir tmp;
  const auto file = tmp.write("file", "x");
  for (const std::string& root :
       {std::string(), (tmp.path() / "missing").string(), file.string()}) {
    FileServerSettings settings;
    settings.root = root;
    auto created = FileServer::create(settings);
    ASSERT_FALSE(created.ok()) << root;
    EXPECT_EQ(created.error().code(), make_error_code(FileServerErrc::RootUnusable));
  }
  FileServerSettings badPrefix;
  badPrefix.root = tmp.path().string();
  badPrefix.urlPrefix = "/files";
  EXPECT_FALSE(FileServer::create(badPrefix).ok());
}

TEST(ContentType, ByExtensionWithOverrides) {
  EXPECT_EQ(contentTypeFor("os.IMG"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("a/b/config.xml"), "application/xml");
  EXPECT_EQ(contentTypeFor("boot.sh"), "text/plain; charset=utf-8");
  EXPECT_EQ(contentTypeFor("image.tar.gz"), "application/gzip");
  EXPECT_EQ(contentTypeFor("noextension"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor(".bashrc"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("x.unknown"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("x.img", {{"img", "application/x-raw-disk-image"}}),
            "application/x-raw-disk-image");
}

}  // namespace
}  // namespace sztp::fileserver
