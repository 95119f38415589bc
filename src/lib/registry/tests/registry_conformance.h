#pragma once

// The backend conformance suite: every Registry backend must pass it
// (registry.h contract; docs/registry.md, "Conformance suite").
//
// A backend's test program compiles registry_conformance.cc and
// registry_fixtures.cc into itself (GoogleTest registers tests in static
// initialisers, which a static library would drop) and instantiates the
// suite with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Postgres, RegistryConformance,
//       ::testing::Values(BackendFactory{"postgres", [](const std::filesystem::path& dir) {
//         return openPostgresForTest(dir);  // an empty registry
//       }}), backendName);
//
// The factory is called once per test with a fresh empty directory and must
// return an empty registry (or nullptr after ADD_FAILURE/GTEST_SKIP when the
// backend is unavailable, e.g. no test database; the test is then skipped).

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "registry/registry.h"
#include "testutil/temp_dir.h"

namespace sztp::registry::test {

using RegistryFactory = std::function<std::unique_ptr<Registry>(const std::filesystem::path& dir)>;

struct BackendFactory {
  std::string name;
  RegistryFactory make;
};

/// Prints the backend's name (GoogleTest would dump the bytes otherwise).
inline void PrintTo(const BackendFactory& factory, std::ostream* out) {
  *out << factory.name;
}

/// Names instantiations after the backend ("RegistryConformance.Foo/sqlite").
std::string backendName(const ::testing::TestParamInfo<BackendFactory>& info);

class RegistryConformance : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override;

  Registry& registry() { return *registry_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

  /// Applies `changes`, failing the test on error; returns the new revision.
  std::int64_t applyOk(const std::vector<Change>& changes);
  /// The error code of applying `changes`, which must fail.
  std::error_code applyFails(const std::vector<Change>& changes);
  /// Puts the objects every makeDevice() default names: device type "dpu",
  /// owner "acme", redirect profile "lab".
  void putBasics();
  Device getDeviceOk(const std::string& serial);

 private:
  testutil::TempDir dir_;
  std::unique_ptr<Registry> registry_;
};

}  // namespace sztp::registry::test
