// Fuzz target: the device's validation of bootstrapping data (RFC 8572 §5.4),
// the parser of everything a bootstrap server, a USB stick or DNS hands a
// device. Two modes, chosen by the first octet:
//   even: the rest is three artifacts, each prefixed by a 2-octet length
//         (conveyed information, owner certificate, voucher; a missing one
//         is absent), validated against a fixed trust configuration;
//   odd:  the rest is a list of (artifact, offset, xor) edits applied to a
//         valid bundle, which reaches the deep checks a random blob never does.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "artifact/conveyed_info_artifact.h"
#include "artifact/voucher_issuer.h"
#include "pki/demo_pki.h"
#include "trust/signed_data_validator.h"

namespace {

using namespace sztp;

struct Fixture {
  trust::ValidationContext context;
  trust::BootstrappingData valid;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    using namespace std::chrono;
    const TimePoint now = sys_days(year(2026) / 1 / 1);
    pki::DemoPkiOptions options;
    options.serialNumbers = {"FUZZ-1"};
    auto pki = *pki::createDemoPki(options, now);
    const auto& device = pki.idevids.at("FUZZ-1");
    artifact::VoucherRequest request{.serialNumber = "FUZZ-1",
                                     .pinnedDomainCert = pki.ownerCa.certificate};
    request.idevid = device.certificate;
    request.domainCertRevocationChecks = false;
    model::OnboardingInformation info;
    info.bootImage = model::BootImage{
        "OS", "1", {"https://f.example/os.img"}, {{model::HashAlgorithm::Sha256, Bytes(32, 7)}}};
    info.configurationHandling = model::ConfigurationHandling::Merge;
    info.configuration = toBytes("<c/>");
    artifact::ConveyedInfoOptions ci;
    ci.owner = artifact::Signer{pki.owner.certificate, pki.owner.key, {}};
    Fixture out;
    out.valid.conveyedInformation = *artifact::makeConveyedInformation(info, ci);
    out.valid.ownerCertificate = *artifact::makeOwnerCertificateArtifact(pki.owner.certificate, {});
    out.valid.ownershipVoucher =
        *artifact::issueVoucher(request, {pki.masa.certificate, pki.masa.key, {}}, now);
    out.context.voucherTrustAnchors = {pki.masaCa.certificate};
    out.context.serialNumber = "FUZZ-1";
    out.context.idevid = device.certificate;
    out.context.idevidKey = device.key;
    out.context.now = now + hours(1);
    return out;
  }();
  return f;
}

std::optional<Bytes> take(const std::uint8_t*& data, std::size_t& size) {
  if (size < 2) {
    return std::nullopt;
  }
  const std::size_t length = std::min<std::size_t>(size - 2, data[0] << 8 | data[1]);
  Bytes part(data + 2, data + 2 + length);
  data += 2 + length;
  size -= 2 + length;
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const Fixture& f = fixture();
  const bool editMode = (data[0] & 1) != 0;
  ++data;
  --size;
  trust::BootstrappingData bundle;
  if (editMode) {
    bundle = f.valid;
    for (; size >= 4; data += 4, size -= 4) {
      Bytes* target = data[0] % 3 == 0   ? &bundle.conveyedInformation
                      : data[0] % 3 == 1 ? &*bundle.ownerCertificate
                                         : &*bundle.ownershipVoucher;
      if (!target->empty()) {
        (*target)[(data[1] << 8 | data[2]) % target->size()] ^= data[3];
      }
    }
  } else {
    auto ci = take(data, size);
    if (!ci) {
      return 0;
    }
    bundle.conveyedInformation = std::move(*ci);
    bundle.ownerCertificate = take(data, size);
    bundle.ownershipVoucher = take(data, size);
  }
  std::vector<trust::CheckRecord> log;
  auto result = trust::validateBootstrappingData(bundle, f.context, &log);
  // An accepted bundle must have passed every check it logged.
  if (result) {
    for (const auto& record : log) {
      if (record.outcome == trust::CheckRecord::Outcome::Failed) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
