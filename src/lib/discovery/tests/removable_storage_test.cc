// The removable-storage naming scheme (X2): per-serial first, then generic.
#include "discovery/removable_storage.h"

#include <gtest/gtest.h>

#include <map>

namespace sztp::discovery {
namespace {

struct FakeMedium {
  std::map<std::string, Bytes> files;
  std::vector<std::string> reads;
  StorageReader reader() {
    return [this](const std::string& path, std::size_t) -> std::optional<Bytes> {
      reads.push_back(path);
      auto it = files.find(path);
      if (it == files.end()) {
        return std::nullopt;
      }
      return it->second;
    };
  }
};

TEST(RemovableStorage, CandidateOrder) {
  EXPECT_EQ(storageCandidateDirectories("SN-0042"),
            (std::vector<std::string>{"SN-0042/bootstrapping-data/", "bootstrapping-data/"}));
  EXPECT_EQ(storageCandidateDirectories("../etc"),
            (std::vector<std::string>{"bootstrapping-data/"}));
  EXPECT_EQ(storageCandidateDirectories(".."), (std::vector<std::string>{"bootstrapping-data/"}));
  EXPECT_EQ(storageCandidateDirectories(""), (std::vector<std::string>{"bootstrapping-data/"}));
}

TEST(RemovableStorage, PerSerialWinsOverGeneric) {
  FakeMedium medium;
  medium.files["SN-0042/bootstrapping-data/conveyed-information.cms"] = toBytes("CI-device");
  medium.files["SN-0042/bootstrapping-data/owner-certificate.cms"] = toBytes("OC");
  medium.files["SN-0042/bootstrapping-data/ownership-voucher.cms"] = toBytes("OV-cms");
  medium.files["bootstrapping-data/conveyed-information.cms"] = toBytes("CI-generic");
  auto found = findStorageBootstrappingData("SN-0042", medium.reader());
  ASSERT_TRUE(found.ok()) << found.error().describe();
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->directory, "SN-0042/bootstrapping-data/");
  EXPECT_EQ((*found)->data.conveyedInformation, toBytes("CI-device"));
  EXPECT_EQ((*found)->data.ownerCertificate, toBytes("OC"));
  EXPECT_EQ((*found)->data.ownershipVoucher, toBytes("OV-cms"));
}

TEST(RemovableStorage, GenericWhenNoPerSerialAndVcjPreferred) {
  FakeMedium medium;
  medium.files["SN-0001/bootstrapping-data/conveyed-information.cms"] = toBytes("other device");
  medium.files["bootstrapping-data/conveyed-information.cms"] = toBytes("CI");
  medium.files["bootstrapping-data/owner-certificate.cms"] = toBytes("OC");
  medium.files["bootstrapping-data/ownership-voucher.vcj"] = toBytes("OV-vcj");
  medium.files["bootstrapping-data/ownership-voucher.cms"] = toBytes("OV-cms");
  auto found = findStorageBootstrappingData("SN-0042", medium.reader());
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->directory, "bootstrapping-data/");
  EXPECT_EQ((*found)->data.conveyedInformation, toBytes("CI"));
  EXPECT_EQ((*found)->data.ownershipVoucher, toBytes("OV-vcj"));
}

TEST(RemovableStorage, UnsignedAloneIsFoundNothingIsNothing) {
  FakeMedium medium;
  auto none = findStorageBootstrappingData("SN-0042", medium.reader());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  medium.files["bootstrapping-data/conveyed-information.cms"] = toBytes("CI");
  auto found = findStorageBootstrappingData("SN-0042", medium.reader());
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(*found);
  EXPECT_FALSE((*found)->data.ownerCertificate);
  EXPECT_FALSE((*found)->data.ownershipVoucher);
}

TEST(RemovableStorage, HalfSignedAndOversizedAreErrors) {
  FakeMedium medium;
  medium.files["SN-0042/bootstrapping-data/conveyed-information.cms"] = toBytes("CI");
  medium.files["SN-0042/bootstrapping-data/owner-certificate.cms"] = toBytes("OC");
  EXPECT_EQ(findStorageBootstrappingData("SN-0042", medium.reader()).error(),
            DiscoveryErrc::StorageIncomplete);
  FakeMedium big;
  big.files["bootstrapping-data/conveyed-information.cms"] = Bytes(kMaxStorageFileBytes + 1, 0);
  EXPECT_EQ(findStorageBootstrappingData("SN-0042", big.reader()).error(),
            DiscoveryErrc::InputTooLarge);
}

}  // namespace
}  // namespace sztp::discovery
