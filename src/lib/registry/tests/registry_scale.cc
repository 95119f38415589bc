// registry_scale: the SQLite registry at scale (docs/registry.md, "Scale").
// Not a test: a measurement whose numbers go into the docs.
//
//   registry_scale DB_PATH [DEVICES=1000000] [BATCH=10000] [VOUCHER_BYTES=2000]
//
// Puts DEVICES devices in batches of BATCH (each with a voucher of
// VOUCHER_BYTES and two responses), then times lookups, pages, counts, a
// removal check and event appends, single-threaded and from 16 threads.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "registry/sqlite/sqlite_registry.h"
#include "registry/tests/registry_fixtures.h"

namespace {

using namespace sztp::registry;
using Clock = std::chrono::steady_clock;

/// CPU seconds (user + system) this process has used: on a shared machine
/// wall time says more about the neighbours than about the registry.
double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string serial(long i) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "SN%09ld", i);
  return buffer;
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "registry_scale: %s failed\n", what);
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_PATH [DEVICES] [BATCH] [VOUCHER_BYTES]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path path = argv[1];
  const long devices = argc > 2 ? std::atol(argv[2]) : 1000000;
  const long batchSize = argc > 3 ? std::atol(argv[3]) : 10000;
  const std::size_t voucherBytes = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 2000;

  SqliteOptions options;
  options.path = path;
  auto opened = openSqliteRegistry(options);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().describe().c_str());
    return 1;
  }
  Registry& registry = **opened;
  check(registry
            .apply({PutObject{test::makeDeviceType("dpu")}, PutObject{test::makeOwner("acme")},
                    PutObject{test::makeRedirectProfile("lab")}, PutObject{test::makeImage("img")},
                    PutObject{test::makeScript("pre")}, PutObject{test::makeScript("post")},
                    PutObject{test::makeConfiguration("cfg")},
                    PutObject{test::makeOnboardingProfile("onboard")}})
            .ok(),
        "objects");

  std::mt19937_64 random(42);
  const auto start = Clock::now();
  double slowestBatch = 0;
  double applyCpu = 0;
  for (long first = 0; first < devices; first += batchSize) {
    std::vector<Change> batch;
    for (long i = first; i < std::min(devices, first + batchSize); ++i) {
      Device device = test::makeDevice(serial(i), "dpu", "acme", "onboard");
      device.ownershipVoucher = sztp::Bytes(voucherBytes);
      for (auto& octet : *device.ownershipVoucher) {
        octet = static_cast<std::uint8_t>(random());
      }
      if (voucherBytes == 0) {
        device.ownershipVoucher.reset();
      }
      batch.push_back(PutDevice{std::move(device)});
    }
    const auto batchStart = Clock::now();
    const double cpuStart = cpuSeconds();
    auto result = registry.apply(batch);
    applyCpu += cpuSeconds() - cpuStart;
    if (!result) {
      std::fprintf(stderr, "%s\n", result.error().describe().c_str());
      return 1;
    }
    slowestBatch = std::max(slowestBatch, secondsSince(batchStart));
  }
  const double insertSeconds = secondsSince(start);
  std::printf(
      "put %ld devices in batches of %ld: %.1f s (%.0f devices/s), slowest batch %.2f s; "
      "apply() used %.1f CPU s (%.0f us per device)\n",
      devices, batchSize, insertSeconds, devices / insertSeconds, slowestBatch, applyCpu,
      applyCpu * 1e6 / devices);

  constexpr int kLookups = 20000;
  std::uniform_int_distribution<long> pick(0, devices - 1);
  auto t = Clock::now();
  double cpu = cpuSeconds();
  for (int i = 0; i < kLookups; ++i) {
    auto device = registry.getDevice(serial(pick(random)));
    check(device && device->has_value(), "getDevice");
  }
  std::printf("getDevice: %.1f us each, %.1f us CPU (%d random serials)\n",
              secondsSince(t) * 1e6 / kLookups, (cpuSeconds() - cpu) * 1e6 / kLookups, kLookups);

  t = Clock::now();
  DeviceFilter filter;
  filter.limit = 100;
  filter.afterSerial = serial(devices / 2);
  for (int i = 0; i < 100; ++i) {
    check(registry.listDevices(filter).ok(), "listDevices");
  }
  std::printf("listDevices page of 100 (keyset): %.2f ms\n", secondsSince(t) * 1e3 / 100);

  t = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    check(registry.countDevicesByStage().ok(), "countDevicesByStage");
  }
  std::printf("countDevicesByStage: %.1f us\n", secondsSince(t) * 1e3);

  t = Clock::now();
  auto count = registry.countDevices(DeviceFilter{});
  check(count.ok() && *count == static_cast<std::uint64_t>(devices), "countDevices");
  std::printf("countDevices (all): %.1f us\n", secondsSince(t) * 1e6);

  t = Clock::now();
  auto inUse = registry.apply({RemoveObject{ObjectKind::OnboardingProfile, "onboard"}});
  check(!inUse.ok(), "in-use refusal");
  std::printf("in-use check on removal: %.2f ms\n", secondsSince(t) * 1e3);

  constexpr int kEvents = 500;
  t = Clock::now();
  for (int i = 0; i < kEvents; ++i) {
    check(registry
              .appendEvent(test::makeProgress(serial(pick(random)),
                                              sztp::model::ProgressType::BootImageInitiated, i))
              .ok(),
          "appendEvent");
  }
  std::printf("appendEvent, 1 thread: %.0f /s (one synced commit each)\n",
              kEvents / secondsSince(t));

  constexpr int kThreads = 16;
  t = Clock::now();
  std::vector<std::thread> threads;
  for (int n = 0; n < kThreads; ++n) {
    threads.emplace_back([&, n] {
      for (int i = 0; i < kEvents; ++i) {
        check(registry
                  .appendEvent(test::makeProgress(serial((n * 7919L + i * 104729L) % devices),
                                                  sztp::model::ProgressType::ConfigComplete, i))
                  .ok(),
              "appendEvent");
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::printf("appendEvent, %d threads: %.0f /s (group commit)\n", kThreads,
              kThreads * kEvents / secondsSince(t));

  opened->reset();
  std::printf("database size: %.1f MB\n",
              static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  return 0;
}
