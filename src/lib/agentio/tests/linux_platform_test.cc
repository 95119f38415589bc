#include "agentio/linux_platform.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "agentio/agentio_error.h"
#include "common/base64.h"
#include "crypto/cms.h"
#include "pki/demo_pki.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::agentio {
namespace {

namespace fs = std::filesystem;
using testutil::TempDir;

constexpr const char* kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGCy+w8a2GAsNhF4VAzaymOWQSfcr2La963QcE2UsliY "
    "root@device\n";
constexpr const char* kEcdsa =
    "ecdsa-sha2-nistp256 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBCidbhgg/"
    "PTtTpyznrInIX4baOg1Ar2CQhT5uLPZkrN"
    "BVIZ0ICwqW2hNfEkVGGN0NVjqVClOIDZ+6A+BlMeq04= root@device\n";

LinuxPlatformConfig rootedAt(const TempDir& dir) {
  LinuxPlatformConfig config;
  config.rootDir = dir.path().string();
  return config;
}

TEST(LinuxPlatform, OsNameAndVersionComeFromOsReleaseAndAreReRead) {
  TempDir dir;
  LinuxPlatform platform(rootedAt(dir));
  EXPECT_FALSE(platform.osName());
  EXPECT_FALSE(platform.osVersion());
  dir.write("etc/os-release",
            "# image\nNAME=\"Example OS\"\nVERSION=\"1.2 (beta)\"\nVERSION_ID=1.2\nID=example\n");
  EXPECT_EQ(platform.osName(), "Example OS");
  EXPECT_EQ(platform.osVersion(), "1.2");
  // After a reboot into a new image (D44) the answer is the new one.
  dir.write("etc/os-release", "NAME='Example OS'\nVERSION=\"2.0\"\n");
  EXPECT_EQ(platform.osVersion(), "2.0");
}

TEST(LinuxPlatform, ConfiguredOsNameAndVersionWin) {
  TempDir dir;
  dir.write("etc/os-release", "NAME=Debian\nVERSION_ID=12\n");
  auto config = rootedAt(dir);
  config.osName = "vendor-nos";
  config.osVersion = "17.3.1";
  LinuxPlatform platform(config);
  EXPECT_EQ(platform.osName(), "vendor-nos");
  EXPECT_EQ(platform.osVersion(), "17.3.1");
}

TEST(LinuxPlatform, BootIdIsTrimmedAndEmptyWhenUnreadable) {
  TempDir dir;
  LinuxPlatform platform(rootedAt(dir));
  EXPECT_EQ(platform.bootId(), "");
  dir.write("proc/sys/kernel/random/boot_id", "0f6b3a4e-8a43-4f0e-9d1c-2b7f0d2a9c11\n");
  EXPECT_EQ(platform.bootId(), "0f6b3a4e-8a43-4f0e-9d1c-2b7f0d2a9c11");
}

TEST(LinuxPlatform, RealBootIdIsStableWithinABoot) {
  LinuxPlatform platform({});
  const std::string id = platform.bootId();
  if (id.empty()) {
    GTEST_SKIP() << "/proc/sys/kernel/random/boot_id not readable here";
  }
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(platform.bootId(), id);
}

TEST(LinuxPlatform, SshHostKeysAreTheParsablePubFilesInNameOrder) {
  TempDir dir;
  dir.write("etc/ssh/ssh_host_ed25519_key.pub", kEd25519);
  dir.write("etc/ssh/ssh_host_ecdsa_key.pub", kEcdsa);
  dir.write("etc/ssh/ssh_host_ecdsa_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
  dir.write("etc/ssh/ssh_host_broken_key.pub", "ssh-rsa !!!notbase64\n");
  dir.write("etc/ssh/ssh_config.pub", kEd25519);
  LinuxPlatform platform(rootedAt(dir));
  const auto keys = platform.sshHostKeys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].algorithm, "ecdsa-sha2-nistp256");
  EXPECT_EQ(keys[1].algorithm, "ssh-ed25519");
  // RFC 4253 §6.6 blob: string "ssh-ed25519" (4+11) + string key (4+32).
  EXPECT_EQ(keys[1].keyData.size(), 51u);
  EXPECT_EQ(base64Encode(keys[1].keyData),
            "AAAAC3NzaC1lZDI1NTE5AAAAIGCy+w8a2GAsNhF4VAzaymOWQSfcr2La963QcE2UsliY");
}

TEST(LinuxPlatform, SshHostKeysFromRealSshKeygen) {
  if (!testutil::haveProgram("ssh-keygen")) {
    GTEST_SKIP() << "ssh-keygen not installed";
  }
  TempDir dir;
  fs::create_directories(dir / "etc/ssh");
  const auto key = (dir / "etc/ssh/ssh_host_ed25519_key").string();
  ASSERT_EQ(
      testutil::runCommand({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key}).exitCode, 0);
  LinuxPlatform platform(rootedAt(dir));
  const auto keys = platform.sshHostKeys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].algorithm, "ssh-ed25519");
  EXPECT_EQ(keys[0].keyData.size(), 51u);
}

TEST(LinuxPlatform, TrustAnchorCertsAreOneCertificateBagPerFile) {
  TempDir dir;
  const TimePoint now{std::chrono::seconds(1767225600)};
  auto root = pki::createRootCa("Root", "Org", crypto::KeyType::EcP256, now, std::chrono::days(30));
  ASSERT_TRUE(root);
  auto intermediate = pki::createIntermediateCa(
      *root, "Intermediate", "Org", crypto::KeyType::EcP256, now, std::chrono::days(30));
  ASSERT_TRUE(intermediate);
  dir.write("etc/sztp/chain.pem", intermediate->certificate.toPem() + root->certificate.toPem());
  dir.write("etc/sztp/root.der", ByteView(root->certificate.toDer()));
  auto config = rootedAt(dir);
  config.trustAnchorCertFiles = {"/etc/sztp/chain.pem", "/etc/sztp/missing.pem",
                                 "/etc/sztp/root.der"};
  LinuxPlatform platform(config);
  const auto bags = platform.trustAnchorCerts();
  ASSERT_EQ(bags.size(), 2u);
  auto chain = crypto::parseCertificateBag(bags[0]);
  ASSERT_TRUE(chain) << chain.error().describe();
  ASSERT_EQ(chain->certificates.size(), 2u);
  auto single = crypto::parseCertificateBag(bags[1]);
  ASSERT_TRUE(single);
  ASSERT_EQ(single->certificates.size(), 1u);
  EXPECT_EQ(single->certificates[0].toDer(), root->certificate.toDer());
}

TEST(LinuxPlatform, FreeBytesLooksAtTheNearestExistingDirectory) {
  TempDir dir;
  LinuxPlatform platform({});
  auto free = platform.freeBytes(dir.path().string());
  ASSERT_TRUE(free) << free.error().describe();
  EXPECT_GT(*free, 0u);
  auto notYet = platform.freeBytes((dir / "images" / "new" / "image.bin").string());
  ASSERT_TRUE(notYet);
  EXPECT_GT(*notYet, 0u);
  auto bad = platform.freeBytes("");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), make_error_code(AgentIoErrc::SystemQueryFailed));
}

TEST(LinuxPlatform, RandomBytesHaveTheAskedLengthAndDiffer) {
  LinuxPlatform platform({});
  const Bytes a = platform.randomBytes(32);
  const Bytes b = platform.randomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(platform.randomBytes(0).empty());
}

TEST(LinuxPlatform, WriteFileSetsTheModeAndReplaces) {
  TempDir dir;
  LinuxPlatform platform({});
  const auto script = (dir / "pre-script").string();
  ASSERT_TRUE(platform.writeFile(script, asBytes("#!/bin/sh\nexit 0\n"), true));
  ASSERT_TRUE(platform.writeFile(script, asBytes("#!/bin/sh\nexit 1\n"), true));
  EXPECT_EQ(testutil::readText(script), "#!/bin/sh\nexit 1\n");
  struct stat st {};
  ASSERT_EQ(::stat(script.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  EXPECT_EQ(testutil::runCommand({script}).exitCode, 1);
  const auto config = (dir / "config.xml").string();
  ASSERT_TRUE(platform.writeFile(config, asBytes("<config/>"), false));
  ASSERT_EQ(::stat(config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(platform.writeFile((dir / "no" / "file").string(), asBytes("x"), false));
}

TEST(LinuxPlatform, SleepForSleeps) {
  LinuxPlatform platform({});
  const auto begin = std::chrono::steady_clock::now();
  platform.sleepFor(std::chrono::milliseconds(50));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace sztp::agentio
