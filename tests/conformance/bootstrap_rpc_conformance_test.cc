// The ietf-sztp-bootstrap-server RPC bodies (RFC 8572 §7) as the library
// writes them for RESTCONF. The validator rewraps {"...:input"} / {"...:output"}
// into the RPC-named node libyang expects (rewrapRestconfOperation).

#include "artifact/conveyed_info_artifact.h"
#include "artifact/voucher_issuer.h"
#include "conformance/conformance_fixture.h"
#include "model/bootstrap_rpc.h"

namespace sztp::conformance {
namespace {

using namespace std::chrono_literals;
using model::CsrMessage;
using model::CsrSupport;
using model::GetBootstrappingDataInput;
using model::GetBootstrappingDataOutput;
using model::ProgressType;
using model::ReportProgressInput;

/// DER AlgorithmIdentifiers for csr-support: id-ecPublicKey with
/// secp256r1, and rsaEncryption with NULL parameters.
const Bytes kEcP256Algorithm = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const Bytes kRsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                             0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

GetBootstrappingDataInput deviceDetails() {
  GetBootstrappingDataInput input;
  input.hwModel = "model-x";
  input.osName = "vendor-os";
  input.osVersion = "17.3R2.1";
  return input;
}

class GetBootstrappingDataInputConformance : public EncodingTest {
 protected:
  ::testing::AssertionResult acceptsInput(const GetBootstrappingDataInput& input) const {
    return accepts(PayloadKind::GetBootstrappingDataInput, GetParam(),
                   model::encodeGetBootstrappingDataInput(input, GetParam()));
  }
};

TEST_P(GetBootstrappingDataInputConformance, Empty) {
  EXPECT_TRUE(acceptsInput(GetBootstrappingDataInput{}));
}

TEST_P(GetBootstrappingDataInputConformance, SignedDataPreferredOnly) {
  GetBootstrappingDataInput input;
  input.signedDataPreferred = true;
  EXPECT_TRUE(acceptsInput(input));
}

TEST_P(GetBootstrappingDataInputConformance, DeviceDetailsAndNonce) {
  for (std::size_t length : {16u, 32u}) {  // §7.3: nonce is 16..32 octets.
    GetBootstrappingDataInput input = deviceDetails();
    input.nonce = Bytes(length, 0x3c);
    EXPECT_TRUE(acceptsInput(input)) << length << "-octet nonce";
  }
}

TEST_P(GetBootstrappingDataInputConformance, EverythingOfRfc8572) {
  GetBootstrappingDataInput input = deviceDetails();
  input.signedDataPreferred = true;
  input.nonce = Bytes(24, 0x00);
  EXPECT_TRUE(acceptsInput(input));
}

// RFC 9646 augments choice msg-type into the input. It validates once
// ietf-sztp-csr and ietf-ztp-types are loaded as implemented (the identityref
// values need the latter, checklist §4 point 5).
TEST_P(GetBootstrappingDataInputConformance, Rfc9646CsrSupport) {
  GetBootstrappingDataInput input = deviceDetails();
  input.nonce = Bytes(16, 0x42);
  input.csrSupport =
      CsrSupport{std::vector<Bytes>{kEcP256Algorithm, kRsaAlgorithm},
                 {"ietf-ztp-types:p10-csr", "ietf-ztp-types:cmc-csr", "ietf-ztp-types:cmp-csr"}};
  EXPECT_TRUE(acceptsInput(input));
}

TEST_P(GetBootstrappingDataInputConformance, Rfc9646CsrSupportWithoutKeyGeneration) {
  GetBootstrappingDataInput input;
  input.csrSupport = CsrSupport{std::nullopt, {"ietf-ztp-types:p10-csr"}};
  EXPECT_TRUE(acceptsInput(input));
}

TEST_P(GetBootstrappingDataInputConformance, Rfc9646Csr) {
  // YANG types the CSR as binary only; the bytes are a DER SEQUENCE header
  // followed by filler, enough for a schema check.
  Bytes der = {0x30, 0x82, 0x01, 0x00};
  der.resize(4 + 0x100, 0x11);
  for (CsrMessage::Format format :
       {CsrMessage::Format::P10, CsrMessage::Format::Cmc, CsrMessage::Format::Cmp}) {
    GetBootstrappingDataInput input = deviceDetails();
    input.csr = CsrMessage{format, der};
    EXPECT_TRUE(acceptsInput(input)) << "CSR format " << static_cast<int>(format);
  }
}

SZTP_INSTANTIATE_FOR_ENCODINGS(GetBootstrappingDataInputConformance);

/// Real artifacts for the output: signed conveyed information, an owner
/// certificate bag and a signed voucher, all from the demo PKI.
struct Artifacts {
  Bytes conveyedInformation;
  Bytes ownerCertificate;
  Bytes ownershipVoucher;
};

const Artifacts& artifacts() {
  static const Artifacts built = [] {
    const pki::DemoPki& pki = demoPki();
    Artifacts result;
    model::RedirectInformation redirect{{model::BootstrapServer{"192.0.2.1", {}, {}}}};
    artifact::ConveyedInfoOptions options;
    options.owner = artifact::Signer{pki.owner.certificate, pki.owner.key, {}};
    if (auto ci = artifact::makeConveyedInformation(redirect, options)) {
      result.conveyedInformation = *ci;
    }
    if (auto oc = artifact::makeOwnerCertificateArtifact(pki.owner.certificate, {})) {
      result.ownerCertificate = *oc;
    }
    artifact::VoucherRequest request{.serialNumber = "SN-1",
                                     .pinnedDomainCert = pki.ownerCa.certificate};
    request.expiresOn = fixedNow() + 24h * 30;
    artifact::Signer masa{pki.masa.certificate, pki.masa.key, {pki.masaCa.certificate}};
    if (auto ov = artifact::issueVoucher(request, masa, fixedNow())) {
      result.ownershipVoucher = *ov;
    }
    return result;
  }();
  return built;
}

class GetBootstrappingDataOutputConformance : public EncodingTest {
 protected:
  void SetUp() override {
    EncodingTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    ASSERT_FALSE(artifacts().conveyedInformation.empty());
    ASSERT_FALSE(artifacts().ownerCertificate.empty());
    ASSERT_FALSE(artifacts().ownershipVoucher.empty());
  }

  ::testing::AssertionResult acceptsOutput(const GetBootstrappingDataOutput& output) const {
    return accepts(PayloadKind::GetBootstrappingDataOutput, GetParam(),
                   model::encodeGetBootstrappingDataOutput(output, GetParam()));
  }
};

/// The reply to an untrusted request: all three artifacts (RFC 8572 §7.2).
GetBootstrappingDataOutput signedReply(std::optional<model::ReportingLevel> level) {
  return GetBootstrappingDataOutput{level, artifacts().conveyedInformation,
                                    artifacts().ownerCertificate, artifacts().ownershipVoucher};
}

TEST_P(GetBootstrappingDataOutputConformance, ConveyedInformationOnly) {
  EXPECT_TRUE(acceptsOutput({std::nullopt, artifacts().conveyedInformation, {}, {}}));
}

TEST_P(GetBootstrappingDataOutputConformance, ConveyedInformationOwnerCertificateAndVoucher) {
  EXPECT_TRUE(acceptsOutput(signedReply(std::nullopt)));
}

TEST_P(GetBootstrappingDataOutputConformance, ReportingLevels) {
  for (model::ReportingLevel level :
       {model::ReportingLevel::Verbose, model::ReportingLevel::Minimal}) {
    EXPECT_TRUE(acceptsOutput(signedReply(level))) << model::reportingLevelName(level);
    EXPECT_TRUE(acceptsOutput({level, artifacts().conveyedInformation, {}, {}}))
        << model::reportingLevelName(level);
  }
}

SZTP_INSTANTIATE_FOR_ENCODINGS(GetBootstrappingDataOutputConformance);

/// Every progress type × encoding.
class ReportProgressConformance
    : public ConformanceTest<std::tuple<ProgressType, model::Encoding>> {};

TEST_P(ReportProgressConformance, WithAndWithoutMessage) {
  const auto [type, encoding] = GetParam();
  ReportProgressInput input;
  input.progressType = type;
  EXPECT_TRUE(accepts(PayloadKind::ReportProgressInput, encoding,
                      model::encodeReportProgressInput(input, encoding)));
  input.message =
      "step " + std::string(model::progressTypeName(type)) + ": <ok> & \"done\" \xe2\x9c\x93";
  EXPECT_TRUE(accepts(PayloadKind::ReportProgressInput, encoding,
                      model::encodeReportProgressInput(input, encoding)));
}

std::vector<ProgressType> allProgressTypes() {
  std::vector<ProgressType> types;
  for (int i = 0; i < model::kProgressTypeCount; ++i) {
    types.push_back(static_cast<ProgressType>(i));
  }
  return types;
}

/// "boot-image-installed-rebooting" × Xml -> "BootImageInstalledRebooting_Xml".
struct ProgressParamName {
  std::string operator()(
      const ::testing::TestParamInfo<std::tuple<ProgressType, model::Encoding>>& param) const {
    std::string name;
    bool upper = true;
    for (char c : model::progressTypeName(std::get<0>(param.param))) {
      if (c == '-') {
        upper = true;
      } else {
        name += upper ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
      }
    }
    return name + "_" + encodingTestName(std::get<1>(param.param));
  }
};

INSTANTIATE_TEST_SUITE_P(AllTypes, ReportProgressConformance,
                         ::testing::Combine(::testing::ValuesIn(allProgressTypes()),
                                            ::testing::Values(model::Encoding::Json,
                                                              model::Encoding::Xml)),
                         ProgressParamName());

class BootstrapCompleteConformance : public EncodingTest {};

TEST_P(BootstrapCompleteConformance, WithSshHostKeysAndTrustAnchorCert) {
  auto anchor = artifact::makeTrustAnchorArtifact(
      {demoPki().server.certificate, demoPki().tlsCa.certificate});
  ASSERT_TRUE(anchor) << anchor.error().describe();
  ReportProgressInput input;
  input.progressType = ProgressType::BootstrapComplete;
  input.message = "example message";
  input.sshHostKeys = {
      {"ssh-rsa", toBytes(std::string_view("\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x01\x03", 16))},
      {"ssh-ed25519", Bytes(51, 0x07)}};
  input.trustAnchorCerts = {*anchor};
  EXPECT_TRUE(accepts(PayloadKind::ReportProgressInput, GetParam(),
                      model::encodeReportProgressInput(input, GetParam())));
}

SZTP_INSTANTIATE_FOR_ENCODINGS(BootstrapCompleteConformance);

}  // namespace
}  // namespace sztp::conformance
