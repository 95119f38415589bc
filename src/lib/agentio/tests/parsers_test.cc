#include <gtest/gtest.h>

#include "agentio/agentio_error.h"
#include "agentio/os_release.h"
#include "agentio/ssh_host_key.h"
#include "agentio/step_record.h"
#include "common/codec_error.h"

namespace sztp::agentio {
namespace {

TEST(OsRelease, QuotingEscapesCommentsAndBadLines) {
  auto fields = parseOsRelease(
      "# comment\n"
      "NAME=\"Debian GNU/Linux\"\n"
      "VERSION_ID='12'\n"
      "PRETTY_NAME=\"say \\\"hi\\\" \\\\ \\$HOME\"\n"
      "ID=debian\r\n"
      "  HOME_URL=\"https://www.debian.org/\"  \n"
      "not a line\n"
      "lower_ok=1\n"
      "1BAD=x\n"
      "UNQUOTED=two words\n"
      "EXPANSION=\"$PATH\"\n"
      "UNTERMINATED=\"abc\n"
      "TRAILING=\"abc\"def\n"
      "EMPTY=\n"
      "ID=debian2");
  ASSERT_TRUE(fields);
  const std::map<std::string, std::string> expected = {
      {"NAME", "Debian GNU/Linux"},
      {"VERSION_ID", "12"},
      {"PRETTY_NAME", "say \"hi\" \\ $HOME"},
      {"ID", "debian2"},
      {"HOME_URL", "https://www.debian.org/"},
      {"lower_ok", "1"},
      {"EMPTY", ""},
  };
  EXPECT_EQ(*fields, expected);
}

TEST(OsRelease, LimitsAreEnforced) {
  EXPECT_EQ(parseOsRelease(std::string(kMaxOsReleaseBytes + 1, '\n')).error(),
            make_error_code(CodecErrc::InputTooLarge));
  auto fields = parseOsRelease("NAME=" + std::string(1025, 'a') + "\nID=x\n");
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->count("NAME"), 0u);
  EXPECT_EQ(fields->at("ID"), "x");
}

TEST(SshPublicKey, ParsesTheFirstKeyLine) {
  auto key = parseSshPublicKey(
      "# host "
      "key\n\nssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIGCy+w8a2GAsNhF4VAzaymOWQSfcr2La963QcE2UsliY\n");
  ASSERT_TRUE(key) << key.error().describe();
  EXPECT_EQ(key->algorithm, "ssh-ed25519");
  EXPECT_EQ(key->keyData.size(), 51u);
}

TEST(SshPublicKey, RejectsWhatIsNotAKey) {
  for (const char* bad : {
           "",
           "# only a comment\n",
           "ssh-ed25519\n",
           "ssh-ed25519 not*base64\n",
           "ssh-ed25519 AAAA\n",  // Decodes to 3 bytes: no name length.
           // A valid ed25519 blob claimed to be RSA.
           "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGCy+w8a2GAsNhF4VAzaymOWQSfcr2La963QcE2UsliY\n",
           // Name length 0xFFFFFFFF.
           "ssh-ed25519 /////w==\n",
       }) {
    auto key = parseSshPublicKey(bad);
    EXPECT_FALSE(key) << bad;
  }
  EXPECT_EQ(parseSshPublicKey(std::string(kMaxSshPublicKeyBytes + 1, 'a')).error(),
            make_error_code(CodecErrc::InputTooLarge));
}

TEST(StepRecord, SpecRoundTrips) {
  StepSpec spec;
  spec.command.stepId = "s4/config";
  spec.command.argv = {"/usr/libexec/apply", "--merge", "bytes \xff here"};
  spec.command.environment = {{"PATH", "/bin"}, {"SZTP_STEP", "config"}};
  spec.command.timeout = std::chrono::seconds(90);
  spec.command.maxOutput = 4096;
  spec.killGrace = std::chrono::seconds(5);
  auto parsed = parseStepSpec(encodeStepSpec(spec));
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->command.stepId, "s4/config");
  EXPECT_EQ(parsed->command.argv[0], "/usr/libexec/apply");
  // Invalid UTF-8 is replaced, not a reason to fail.
  EXPECT_EQ(parsed->command.argv[2], "bytes \xEF\xBF\xBD here");
  EXPECT_EQ(parsed->command.environment, spec.command.environment);
  EXPECT_EQ(parsed->command.timeout, std::chrono::seconds(90));
  EXPECT_EQ(parsed->command.maxOutput, 4096u);
  EXPECT_EQ(parsed->killGrace, std::chrono::seconds(5));
}

TEST(StepRecord, OutcomeRoundTrips) {
  StepOutcome outcome{-1, true, 9, 12345, 2001};
  auto parsed = parseStepOutcome(encodeStepOutcome(outcome));
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->exitCode, -1);
  EXPECT_TRUE(parsed->timedOut);
  EXPECT_EQ(parsed->signal, 9);
  EXPECT_EQ(parsed->omittedBytes, 12345u);
  EXPECT_EQ(parsed->durationMs, 2001);
}

TEST(StepRecord, InvalidRecordsAreRefused) {
  const auto invalid = make_error_code(AgentIoErrc::StepRecordInvalid);
  for (
      const char* bad : {
          "",
          "[]",
          "{",
          R"({"exitCode":0})",
          R"({"version":2})",
          R"({"version":1,"exitCode":0,"timedOut":false,"signal":0,"omittedBytes":0})",
          R"({"version":1,"exitCode":256,"timedOut":false,"signal":0,"omittedBytes":0,"durationMs":0})",
          R"({"version":1,"exitCode":-2,"timedOut":false,"signal":0,"omittedBytes":0,"durationMs":0})",
          R"({"version":1,"exitCode":0,"timedOut":0,"signal":0,"omittedBytes":0,"durationMs":0})",
          R"({"version":1,"exitCode":0.5,"timedOut":false,"signal":0,"omittedBytes":0,"durationMs":0})",
      }) {
    auto parsed = parseStepOutcome(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error(), invalid) << bad;
  }
  for (
      const char* bad : {
          R"({"version":1,"stepId":"a","argv":[],"environment":{},"timeoutSeconds":1,"maxOutput":0,"killGraceSeconds":0})",
          R"({"version":1,"stepId":"a","argv":[1],"environment":{},"timeoutSeconds":1,"maxOutput":0,"killGraceSeconds":0})",
          R"({"version":1,"stepId":"a","argv":["x"],"environment":{"A":1},"timeoutSeconds":1,"maxOutput":0,"killGraceSeconds":0})",
          R"({"version":1,"stepId":"a","argv":["x"],"environment":{"A=B":"c"},"timeoutSeconds":1,"maxOutput":0,"killGraceSeconds":0})",
          R"({"version":1,"stepId":"a","argv":["x"],"environment":{},"timeoutSeconds":0,"maxOutput":0,"killGraceSeconds":0})",
          R"({"version":1,"stepId":"a","argv":["x"],"environment":{},"timeoutSeconds":1,"maxOutput":-1,"killGraceSeconds":0})",
          R"({"version":1,"argv":["x"],"environment":{},"timeoutSeconds":1,"maxOutput":0,"killGraceSeconds":0})",
      }) {
    auto parsed = parseStepSpec(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error(), invalid) << bad;
  }
}

TEST(StepRecord, DirectoryNamesAreSafeAndDistinct) {
  EXPECT_EQ(*stepDirectoryName("s3/pre-script"), "s3%2Fpre-script");
  EXPECT_EQ(*stepDirectoryName("a.b_c-D9"), "a.b_c-D9");
  EXPECT_EQ(*stepDirectoryName(".."), "%2E.");
  EXPECT_EQ(*stepDirectoryName("%"), "%25");
  EXPECT_NE(*stepDirectoryName("a/b"), *stepDirectoryName("a%2Fb"));
  EXPECT_EQ(stepDirectoryName("").error(), make_error_code(AgentIoErrc::StepInvalid));
  EXPECT_EQ(stepDirectoryName(std::string(67, '/')).error(),
            make_error_code(AgentIoErrc::StepInvalid));
  EXPECT_TRUE(stepDirectoryName(std::string(200, 'a')));
}

}  // namespace
}  // namespace sztp::agentio
