#pragma once

// Runs the real sztp binary (build/bin/sztp) in a per-test directory.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::cli::test {

class CliTest : public ::testing::Test {
 protected:
  testutil::CommandResult sztp(std::vector<std::string> args) const {
    args.insert(args.begin(), testutil::binaryPath("sztp"));
    return testutil::runCommand(args, 120);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }

  /// `sztp pki init` into dir/pki with two devices.
  void makePki(const std::string& keyType = "ec-p256") {
    auto r = sztp({"pki", "init", "--dir", path("pki"), "--key-type", keyType, "--serial",
                   "SN-0001", "--serial", "SN-0002"});
    ASSERT_EQ(r.exitCode, 0) << r.output;
  }

  /// The three artifacts for SN-0001, through the toolkit. `extra` adds voucher options.
  void makeBundle(const std::vector<std::string>& voucherExtra = {},
                  const std::vector<std::string>& encryptTo = {}) {
    std::vector<std::string> voucher{"voucher",
                                     "create",
                                     "--serial",
                                     "SN-0001",
                                     "--pinned-domain-cert",
                                     path("pki/owner/ca.crt"),
                                     "--signer-cert",
                                     path("pki/masa/masa.crt"),
                                     "--signer-key",
                                     path("pki/masa/masa.key"),
                                     "--idevid",
                                     path("pki/manufacturer/idevid/SN-0001.crt"),
                                     "-o",
                                     path("ov.vcj")};
    voucher.insert(voucher.end(), voucherExtra.begin(), voucherExtra.end());
    voucher.insert(voucher.end(), encryptTo.begin(), encryptTo.end());
    auto r = sztp(voucher);
    ASSERT_EQ(r.exitCode, 0) << r.output;

    std::vector<std::string> owner{
        "owner-cert", "create", "--cert", path("pki/owner/owner.crt"), "-o", path("oc.cms")};
    owner.insert(owner.end(), encryptTo.begin(), encryptTo.end());
    r = sztp(owner);
    ASSERT_EQ(r.exitCode, 0) << r.output;

    dir.write("desc/config.xml", std::string("<config><hostname>dpu-1</hostname></config>"));
    dir.write("desc/pre.sh", std::string("#!/bin/sh\necho pre\n"));
    dir.write("desc/os.img", std::string(100000, 'i'));
    dir.write("desc/onboarding.yaml", std::string(R"(onboarding-information:
  boot-image:
    os-name: DemoOS
    os-version: "2.0"
    image: os.img
    download-uri: [https://files.example.net/os.img]
  configuration-handling: merge
  pre-configuration-script: pre.sh
  configuration: config.xml
)"));
    std::vector<std::string> ci{"conveyed-info",
                                "create",
                                "--description",
                                path("desc/onboarding.yaml"),
                                "--sign-cert",
                                path("pki/owner/owner.crt"),
                                "--sign-key",
                                path("pki/owner/owner.key"),
                                "-o",
                                path("ci.cms")};
    ci.insert(ci.end(), encryptTo.begin(), encryptTo.end());
    r = sztp(ci);
    ASSERT_EQ(r.exitCode, 0) << r.output;
  }

  std::vector<std::string> verifyArgs() const {
    return {"verify",
            "--conveyed-info",
            path("ci.cms"),
            "--owner-cert",
            path("oc.cms"),
            "--voucher",
            path("ov.vcj"),
            "--voucher-trust-anchor",
            path("pki/masa/ca.crt"),
            "--idevid",
            path("pki/manufacturer/idevid/SN-0001.crt")};
  }

  static nlohmann::json parseJson(const std::string& text) {
    return nlohmann::json::parse(text, nullptr, false);
  }

  testutil::TempDir dir;
};

}  // namespace sztp::cli::test
