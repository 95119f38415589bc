#pragma once

// Valid inventory values for registry tests: every field set, so that codec
// round trips and storage round trips exercise all of them. Certificates are
// made at test time on a fixed clock (no checked-in keys).

#include <string>

#include "registry/inventory.h"
#include "registry/records.h"

namespace sztp::registry::test {

/// DER of a self-signed CA certificate, shared by every test of the binary.
const Bytes& rootCertificateDer();
/// DER of a certificate issued by that CA (not self-signed).
const Bytes& issuedCertificateDer();

DeviceType makeDeviceType(const std::string& name);
Owner makeOwner(const std::string& name);
Image makeImage(const std::string& name);
Script makeScript(const std::string& name);
Configuration makeConfiguration(const std::string& name);
/// Names image "img", scripts "pre"/"post" and configuration "cfg" when
/// `withMembers`, else nothing.
OnboardingProfile makeOnboardingProfile(const std::string& name, bool withMembers = true);
RedirectProfile makeRedirectProfile(const std::string& name);
/// A device of `type` owned by `owner` (may be empty, then its responses are
/// unsigned) with one redirect response to `redirect` and, when `onboarding`
/// is not empty, a conditional onboarding response before it.
Device makeDevice(const std::string& serial, const std::string& type = "dpu",
                  const std::string& owner = "acme", const std::string& onboarding = "",
                  const std::string& redirect = "lab");

/// One object of `kind` named `name`, valid on its own (onboarding profiles
/// name no members).
InventoryObject makeObject(ObjectKind kind, const std::string& name);

DeviceEvent makeEvent(const std::string& serial, DeviceEvent::Kind kind, std::int64_t timeMs);
DeviceEvent makeProgress(const std::string& serial, model::ProgressType type, std::int64_t timeMs);
AuditRecord makeAudit(const std::string& identity, std::int64_t timeMs);

inline constexpr ObjectKind kAllKinds[] = {
    ObjectKind::DeviceType,      ObjectKind::Owner,         ObjectKind::Image,
    ObjectKind::Script,          ObjectKind::Configuration, ObjectKind::OnboardingProfile,
    ObjectKind::RedirectProfile,
};

}  // namespace sztp::registry::test
