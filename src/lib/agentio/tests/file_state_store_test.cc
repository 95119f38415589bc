#include "agentio/file_state_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "common/io_error.h"
#include "testutil/temp_dir.h"

namespace sztp::agentio {
namespace {

namespace fs = std::filesystem;
using testutil::TempDir;

/// Records every call and fails the `failAt`-th one (1-based; 0 = never)
/// with EIO, or makes writes short / interrupted to exercise the retry loop.
class FaultyOps : public FileOps {
 public:
  int failAt = 0;
  bool shortWrites = false;
  bool interruptFirstWrite = false;
  std::vector<std::string> calls;

  int open(const char* path, int flags, mode_t mode) override {
    return fail("open") ? -1 : FileOps::open(path, flags, mode);
  }
  ssize_t write(int fd, const void* data, std::size_t size) override {
    if (interruptFirstWrite) {
      interruptFirstWrite = false;
      calls.push_back("write");
      errno = EINTR;
      return -1;
    }
    if (fail("write")) {
      return -1;
    }
    return FileOps::write(fd, data, shortWrites && size > 1 ? 1 : size);
  }
  int fchmod(int fd, mode_t mode) override {
    return fail("fchmod") ? -1 : FileOps::fchmod(fd, mode);
  }
  int fsync(int fd) override { return fail("fsync") ? -1 : FileOps::fsync(fd); }
  int close(int fd) override {
    // A failed close still closes (Linux); report the failure after closing.
    const int rc = FileOps::close(fd);
    return fail("close") ? -1 : rc;
  }
  int rename(const char* from, const char* to) override {
    return fail("rename") ? -1 : FileOps::rename(from, to);
  }
  int unlink(const char* path) override {
    calls.push_back("unlink");  // Cleanup only: never failed, not counted.
    return FileOps::unlink(path);
  }

 private:
  bool fail(const char* name) {
    calls.push_back(name);
    ++count_;
    if (count_ == failAt) {
      errno = EIO;
      return true;
    }
    return false;
  }
  int count_ = 0;
};

std::string text(const fs::path& path) {
  return testutil::readText(path);
}

TEST(FileStateStore, AbsentFileLoadsAsNoState) {
  TempDir dir;
  FileStateStore store((dir / "state.json").string());
  auto loaded = store.load();
  ASSERT_TRUE(loaded) << loaded.error().describe();
  EXPECT_FALSE(loaded->has_value());
}

TEST(FileStateStore, SaveThenLoadReturnsTheDocumentWithOwnerOnlyMode) {
  TempDir dir;
  const auto path = dir / "state.json";
  FileStateStore store(path.string());
  ASSERT_TRUE(store.save(R"({"phase":"one"})"));
  ASSERT_TRUE(store.save(R"({"phase":"two"})"));
  auto loaded = store.load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ(**loaded, R"({"phase":"two"})");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST(FileStateStore, CallsAreOrderedForCrashSafety) {
  TempDir dir;
  FaultyOps ops;
  FileStateStore store((dir / "state.json").string(), FileStateStore::kDefaultMaxBytes, ops);
  ASSERT_TRUE(store.save("doc"));
  // Data synced before the rename, the rename synced through its directory.
  const std::vector<std::string> expected = {"open",   "write", "fchmod", "fsync", "close",
                                             "rename", "open",  "fsync",  "close"};
  EXPECT_EQ(ops.calls, expected);
}

TEST(FileStateStore, ShortAndInterruptedWritesAreCompleted) {
  TempDir dir;
  FaultyOps ops;
  ops.shortWrites = true;
  ops.interruptFirstWrite = true;
  const auto path = dir / "state.json";
  FileStateStore store(path.string(), FileStateStore::kDefaultMaxBytes, ops);
  ASSERT_TRUE(store.save("a longer document"));
  EXPECT_EQ(text(path), "a longer document");
}

TEST(FileStateStore, EveryFailedCallLeavesAWholeDocument) {
  // Count the calls of one successful save, then fail each in turn.
  int total = 0;
  {
    TempDir dir;
    FaultyOps counter;
    FileStateStore store((dir / "state.json").string(), FileStateStore::kDefaultMaxBytes, counter);
    ASSERT_TRUE(store.save("x"));
    for (const auto& call : counter.calls) {
      total += call == "unlink" ? 0 : 1;
    }
  }
  ASSERT_EQ(total, 9);
  const int renameCall = 6;
  for (int n = 1; n <= total; ++n) {
    SCOPED_TRACE("failing call " + std::to_string(n));
    TempDir dir;
    const auto path = dir / "state.json";
    ASSERT_TRUE(FileStateStore(path.string()).save("old document"));
    FaultyOps ops;
    ops.failAt = n;
    FileStateStore store(path.string(), FileStateStore::kDefaultMaxBytes, ops);
    const Status saved = store.save("new document");
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error(), make_error_code(IoErrc::FileUnwritable));
    auto loaded = FileStateStore(path.string()).load();
    ASSERT_TRUE(loaded && loaded->has_value());
    // Up to the rename the old document is in place; after it (the
    // directory sync failed) the new one is, whole. Never anything else.
    EXPECT_EQ(**loaded, n <= renameCall ? "old document" : "new document");
    EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  }
}

TEST(FileStateStore, LeftoverTemporaryFileIsIgnored) {
  TempDir dir;
  const auto path = dir / "state.json";
  FileStateStore store(path.string());
  ASSERT_TRUE(store.save("good"));
  dir.write("state.json.tmp", "half-writ");
  auto loaded = store.load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ(**loaded, "good");
  ASSERT_TRUE(store.save("better"));
  EXPECT_EQ(text(path), "better");
}

TEST(FileStateStore, OversizedStateIsRefused) {
  TempDir dir;
  const auto path = dir / "state.json";
  FileStateStore store(path.string(), 16);
  dir.write("state.json", std::string(17, 'x'));
  auto loaded = store.load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error(), make_error_code(IoErrc::FileTooLarge));
  const Status saved = store.save(std::string(17, 'y'));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error(), make_error_code(IoErrc::FileTooLarge));
  EXPECT_EQ(text(path), std::string(17, 'x'));
  EXPECT_TRUE(store.save(std::string(16, 'z')));
}

TEST(FileStateStore, MissingDirectoryIsAnError) {
  TempDir dir;
  FileStateStore store((dir / "no" / "state.json").string());
  const Status saved = store.save("x");
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error(), make_error_code(IoErrc::FileUnwritable));
  EXPECT_NE(saved.error().detail().find("state.json.tmp"), std::string::npos);
}

TEST(FileStateStore, UnreadableStateIsAnError) {
  TempDir dir;
  fs::create_directory(dir / "state.json");  // A directory cannot be read as a file.
  auto loaded = FileStateStore((dir / "state.json").string()).load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error(), make_error_code(IoErrc::FileUnreadable));
}

}  // namespace
}  // namespace sztp::agentio
