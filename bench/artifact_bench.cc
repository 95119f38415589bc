// Creating and verifying SZTP bundles (issue 2): ownership voucher + owner
// certificate + signed conveyed information, per key type. The raw OpenSSL
// operations these are compared with live in baseline_bench.cc; the ratios
// are in docs/performance.md.

#include <benchmark/benchmark.h>

#include <string>

#include "bundle_fixture.h"
#include "crypto/cms.h"
#include "crypto/path_validation.h"
#include "failure.h"
#include "model/conveyed_info.h"

namespace sztp::bench {
namespace {

using crypto::KeyType;

// Every benchmark reports items/s (one bundle, document or chain per
// iteration) so that the doc can compare throughputs directly.
void finish(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations());
}

// The size of what one iteration produces or consumes, to put the times in
// context; constant, so it is reported as is.
void reportBundleSize(benchmark::State& state, const Bundle& bundle) {
  state.counters["bundle_bytes"] = static_cast<double>(bundleSize(bundle));
}

// Builds the bundle outside the timed loop, or fails the benchmark.
std::optional<Bundle> prebuilt(benchmark::State& state, const BenchPki& bench, bool encrypt) {
  auto bundle = createBundle(bench, encrypt);
  if (!bundle) {
    fail(state, "creating the bundle failed: " + bundle.error().describe());
    return std::nullopt;
  }
  // Check once before timing, so that a broken setup reports why instead of
  // failing in the first timed iteration.
  auto verified = verifyBundle(*bundle, deviceContext(bench), encrypt);
  if (!verified) {
    fail(state, "the bundle does not validate: " + verified.error().describe());
    return std::nullopt;
  }
  return std::move(*bundle);
}

// The owner's/server's work per device: issue the voucher (1 signature),
// build the owner certificate bag (no signature), sign the conveyed
// information (1 signature).
void createBundleBench(benchmark::State& state, KeyType keyType, bool encrypt) {
  const BenchPki& bench = benchPki(keyType);
  std::size_t size = 0;
  for (auto _ : state) {
    auto bundle = createBundle(bench, encrypt);
    if (!bundle) {
      fail(state, "creating the bundle failed: " + bundle.error().describe());
      break;
    }
    size = bundleSize(*bundle);
    benchmark::DoNotOptimize(bundle->conveyedInformation.data());
  }
  state.counters["bundle_bytes"] = static_cast<double>(size);
  finish(state);
}

void BM_CreateBundle(benchmark::State& state, KeyType keyType) {
  createBundleBench(state, keyType, false);
}

void BM_CreateEncryptedBundle(benchmark::State& state, KeyType keyType) {
  createBundleBench(state, keyType, true);
}

// The device's check of RFC 8572 §5.4 on a bundle built once.
void verifyBundleBench(benchmark::State& state, KeyType keyType, bool encrypt) {
  const BenchPki& bench = benchPki(keyType);
  const auto bundle = prebuilt(state, bench, encrypt);
  if (!bundle) {
    return;
  }
  const trust::ValidationContext context = deviceContext(bench);
  for (auto _ : state) {
    auto verified = verifyBundle(*bundle, context, encrypt);
    if (!verified) {
      fail(state, "validation failed: " + verified.error().describe());
      break;
    }
  }
  reportBundleSize(state, *bundle);
  finish(state);
}

void BM_VerifyBundle(benchmark::State& state, KeyType keyType) {
  verifyBundleBench(state, keyType, false);
}

void BM_VerifyEncryptedBundle(benchmark::State& state, KeyType keyType) {
  verifyBundleBench(state, keyType, true);
}

// The figure the issue asks for: bundles created and verified per second.
void BM_CreateAndVerifyBundle(benchmark::State& state, KeyType keyType) {
  const BenchPki& bench = benchPki(keyType);
  const trust::ValidationContext context = deviceContext(bench);
  std::size_t size = 0;
  for (auto _ : state) {
    auto bundle = createBundle(bench, false);
    if (!bundle) {
      fail(state, "creating the bundle failed: " + bundle.error().describe());
      break;
    }
    auto verified = verifyBundle(*bundle, context, false);
    if (!verified) {
      fail(state, "validation failed: " + verified.error().describe());
      break;
    }
    size = bundleSize(*bundle);
  }
  state.counters["bundle_bytes"] = static_cast<double>(size);
  finish(state);
}

// --- Breakdown: pieces of the verification, to see where its time goes. ---

// One DER decode of the signed conveyed information (certificates included),
// through the public API that does nothing else. The validator decodes the
// conveyed information three times and the voucher and the bag twice each.
void BM_Part_DecodeConveyedInfoCms(benchmark::State& state, KeyType keyType) {
  const BenchPki& bench = benchPki(keyType);
  const auto bundle = prebuilt(state, bench, false);
  if (!bundle) {
    return;
  }
  // A full decode (CMS and the certificates it carries), as the device does
  // once per signed artifact; peekContentType reads only the outer type.
  for (auto _ : state) {
    auto message = crypto::SignedMessage::parse(bundle->conveyedInformation);
    if (!message || message->summary().signers.size() != 1) {
      fail(state, "the conveyed information did not decode as SignedData");
      break;
    }
  }
  finish(state);
}

// One X.509 certificate decode (d2i_X509), the unit the CMS decodes above
// are made of: the validator decodes eight certificates per bundle (one in
// each of its seven CMS decodes, plus the voucher's pinned-domain-cert).
void BM_Part_DecodeCertificate(benchmark::State& state, KeyType keyType) {
  const Bytes der = benchPki(keyType).owner.certificate.toDer();
  for (auto _ : state) {
    auto certificate = crypto::Certificate::fromDer(der);
    if (!certificate) {
      fail(state, "the owner certificate did not decode: " + certificate.error().describe());
      break;
    }
    benchmark::DoNotOptimize(certificate->native());
  }
  finish(state);
}

// The owner certificate's path to the pinned owner CA (D30): one X.509
// signature verification plus the X509_STORE set-up around it.
void BM_Part_OwnerPathValidation(benchmark::State& state, KeyType keyType) {
  const BenchPki& bench = benchPki(keyType);
  crypto::PathValidationOptions options;
  options.at = bench.now;
  options.allowPartialChain = true;
  options.revocation = crypto::RevocationPolicy::IfAvailable;
  const std::vector<crypto::Certificate> untrusted{bench.owner.certificate};
  const std::vector<crypto::Certificate> anchors{bench.pki.ownerCa.certificate};
  for (auto _ : state) {
    auto path = crypto::validatePath(bench.owner.certificate, untrusted, anchors, options);
    if (!path) {
      fail(state, "path validation failed: " + path.error().describe());
      break;
    }
  }
  finish(state);
}

// The conveyed-information document alone: encode (server) and strict parse
// (device), independent of the key type.
void BM_Part_EncodeOnboardingJson(benchmark::State& state) {
  const auto& info = realisticOnboarding();
  std::size_t size = 0;
  for (auto _ : state) {
    const std::string json = model::encodeConveyedInformation(info, model::Encoding::Json);
    size = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.counters["document_bytes"] = static_cast<double>(size);
  finish(state);
}

void BM_Part_ParseOnboardingJson(benchmark::State& state) {
  const std::string json =
      model::encodeConveyedInformation(realisticOnboarding(), model::Encoding::Json);
  for (auto _ : state) {
    auto parsed = model::parseConveyedInformation(json, model::Encoding::Json);
    if (!parsed) {
      fail(state, "parsing failed: " + parsed.error().describe());
      break;
    }
    benchmark::DoNotOptimize(parsed->index());
  }
  state.counters["document_bytes"] = static_cast<double>(json.size());
  finish(state);
}

}  // namespace

// The names give the key type of every party (MASA, owner, IDevID, CAs).
BENCHMARK_CAPTURE(BM_CreateBundle, p256, KeyType::EcP256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CreateBundle, rsa2048, KeyType::Rsa2048)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_VerifyBundle, p256, KeyType::EcP256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_VerifyBundle, rsa2048, KeyType::Rsa2048)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CreateAndVerifyBundle, p256, KeyType::EcP256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CreateAndVerifyBundle, rsa2048, KeyType::Rsa2048)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CreateEncryptedBundle, p256, KeyType::EcP256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CreateEncryptedBundle, rsa2048, KeyType::Rsa2048)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_VerifyEncryptedBundle, p256, KeyType::EcP256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_VerifyEncryptedBundle, rsa2048, KeyType::Rsa2048)
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_CAPTURE(BM_Part_DecodeConveyedInfoCms, p256, KeyType::EcP256)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Part_DecodeConveyedInfoCms, rsa2048, KeyType::Rsa2048)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Part_DecodeCertificate, p256, KeyType::EcP256)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Part_DecodeCertificate, rsa2048, KeyType::Rsa2048)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Part_OwnerPathValidation, p256, KeyType::EcP256)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Part_OwnerPathValidation, rsa2048, KeyType::Rsa2048)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_EncodeOnboardingJson)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Part_ParseOnboardingJson)->Unit(benchmark::kMicrosecond);

}  // namespace sztp::bench
