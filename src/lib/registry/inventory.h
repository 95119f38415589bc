#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "model/bootstrap_rpc.h"
#include "model/conveyed_info.h"

namespace sztp::registry {

// What the bootstrap server knows about: the operator's inventory (device
// types, owners, images, scripts, configurations, onboarding and redirect
// profiles, devices with their responses). These are plain values; the same
// structures are read from the YAML inventory, sent over the admin API as
// JSON (registry/json_codec.h) and stored by every Registry backend.
//
// Names are the keys: 1..128 characters from [A-Za-z0-9._:@-] (checked by
// validateName). A device's key is its serial number, 1..256 printable
// characters without '/' (validateSerial).

/// Where the serial number is read from the device's IDevID certificate (S4,
/// I4). `pattern`, when set, is an ECMAScript regex applied to the chosen
/// attribute's value; its first capture group is the serial number, e.g.
/// "PID:\\S+ SN:(\\S+)" for Cisco SUDI subjects "PID:ISR4331/K9 SN:FDO2134A0BC".
struct SerialRule {
  enum class Attribute { SubjectSerialNumber, CommonName };
  Attribute attribute = Attribute::SubjectSerialNumber;
  std::string pattern;  ///< Empty: the whole attribute value is the serial number.
  bool operator==(const SerialRule&) const = default;
};

/// Where a device of a type gets its LDevID (RFC 9646, S19–S22): the server
/// answers `csr-support` with a csr-request and a CSR with onboarding
/// information carrying a certificate issued by this CA.
///
/// The policy sits on the device type, not the owner: what it chooses —
/// which key algorithms to ask for, whether the IDevID key may be reused,
/// which CSR format — depends on what the device model can do (its TPM, its
/// firmware), which is what a device type describes next to its other
/// identity rules (IDevID anchors, serial rule). An operator with one CA per
/// owner gives each owner's devices their own type.
struct LdevidPolicy {
  /// DER: the issuing CA certificate first, then its intermediates; the
  /// device receives the LDevID followed by these (end-entity-cert-cms).
  std::vector<Bytes> caCertificateChain;
  /// Where the CA's private key is, like Owner::signingKeyRef; the key itself
  /// is never stored.
  std::string caKeyRef;
  std::uint32_t validityDays = 365;
  /// Algorithms to ask a device to generate a new key for, in preference
  /// order ("ec-p256", crypto::keyGenerationAlgorithms()); the first one the
  /// device offers is selected (S20). Empty: never ask for a new key.
  std::vector<std::string> keyGeneration;
  /// Ask for a CSR signed with the IDevID key when no key generation is
  /// selected (the device offers none, or none of ours) (S20 [O]).
  bool allowIdevidKey = true;
  /// The CSR format requested: "p10-csr" is the only one this server reads.
  std::string csrFormat = "p10-csr";
  bool operator==(const LdevidPolicy&) const = default;
};

/// A kind of device: how it authenticates and how its answers are packaged.
struct DeviceType {
  std::string name;
  std::string description;
  /// DER certificates of the manufacturer CAs that issue this type's IDevIDs.
  /// A client certificate must chain to one of them (S3, S4).
  std::vector<Bytes> idevidTrustAnchors;
  SerialRule serialRule;
  /// HTTP Basic with the device's activation code is accepted (S4 [O]).
  bool allowActivationCode = false;
  /// Without a client certificate the device is refused even with a valid
  /// activation code.
  bool requireClientCertificate = true;
  /// Encrypt conveyed information (and the owner certificate and voucher) to
  /// the device's IDevID certificate (S15). Needs the client certificate.
  bool encryptArtifacts = false;
  /// Issue LDevIDs to devices of this type (RFC 9646); absent: csr-support
  /// is ignored and CSRs are refused.
  std::optional<LdevidPolicy> ldevid;
  bool operator==(const DeviceType&) const = default;
};

/// An owner: the certificate that signs conveyed information and its key.
struct Owner {
  std::string name;
  std::string description;
  /// DER: the owner certificate first, then every intermediate up to the
  /// voucher's pinned-domain-cert (A6). Sent to devices as the owner-certificate
  /// artifact.
  std::vector<Bytes> certificateChain;
  /// Where the signing key is: a PEM file path today ("file:/etc/sztp/owner.key"
  /// or a plain path); a pkcs11/tpm URI later. The key itself is never stored.
  std::string signingKeyRef;
  bool operator==(const Owner&) const = default;
};

/// A boot image. Download URIs are `downloadUris` followed by, for each file
/// server base URL configured on the server, base + "/" + `file`.
struct Image {
  std::string name;
  std::string osName;
  std::string osVersion;
  std::string file;  ///< Path relative to the file server directory; may be empty.
  std::vector<std::string> downloadUris;
  Bytes sha256;            ///< 32 octets; mandatory (A15, D45).
  std::uint64_t size = 0;  ///< Octets; 0 when unknown.
  bool operator==(const Image&) const = default;
};

/// A pre- or post-configuration script (A16): opaque, vendor-specific.
struct Script {
  std::string name;
  Bytes content;
  bool operator==(const Script&) const = default;
};

struct Configuration {
  std::string name;
  model::ConfigurationHandling handling = model::ConfigurationHandling::Merge;
  Bytes content;
  bool operator==(const Configuration&) const = default;
};

/// Onboarding information by reference; every member names an object of the
/// matching kind, or is empty.
struct OnboardingProfile {
  std::string name;
  std::string image;
  std::string preConfigurationScript;
  std::string configuration;
  std::string postConfigurationScript;
  bool operator==(const OnboardingProfile&) const = default;
};

struct RedirectTarget {
  std::string address;                ///< inet:host.
  std::optional<std::uint16_t> port;  ///< Absent: 443.
  /// DER certificates, the server's issuing chain up to and including a
  /// self-signed root (A14); empty sends no trust-anchor.
  std::vector<Bytes> trustAnchorChain;
  bool operator==(const RedirectTarget&) const = default;
};

struct RedirectProfile {
  std::string name;
  std::vector<RedirectTarget> bootstrapServers;  ///< At least one.
  bool operator==(const RedirectProfile&) const = default;
};

/// One condition of a response: every condition of a response must hold.
struct Condition {
  enum class Field { HwModel, OsName, OsVersion, SourceAddress, IdevidIssuer };
  /// Exact: equal. Wildcard: shell glob with * and ?. Regex: ECMAScript,
  /// whole-string match. Subnet: CIDR ("10.0.0.0/8", "2001:db8::/32"), only
  /// for SourceAddress. IdevidIssuer matches the issuer DN as RFC 2253 text.
  enum class Match { Exact, Wildcard, Regex, Subnet };
  Field field = Field::HwModel;
  Match match = Match::Exact;
  std::string value;
  bool operator==(const Condition&) const = default;
};

/// An answer to get-bootstrapping-data. The first response of the device's
/// list whose conditions all hold is sent; an empty condition list always
/// holds, which is how a default is written (last in the list).
struct Response {
  enum class Kind { Onboarding, Redirect };
  std::string name;  ///< Unique within the list; shown in the bootstrapping log.
  std::vector<Condition> conditions;
  Kind kind = Kind::Onboarding;
  std::string profile;  ///< An OnboardingProfile or RedirectProfile name, by kind.
  /// Sign the conveyed information with the device's owner (S7). Unsigned
  /// onboarding information is never sent to a device that asked for signed
  /// data (S6); the server refuses such a request instead.
  bool sign = true;
  std::optional<model::ReportingLevel> reportingLevel;  ///< Onboarding only (S8).
  bool operator==(const Response&) const = default;
};

/// A device's onboarding stage, derived from what it did last; it drives the
/// operator's view and the metrics funnel.
enum class DeviceStage {
  Registered,     ///< Never contacted the server.
  Contacted,      ///< Fetched bootstrapping data; no progress report yet.
  Bootstrapping,  ///< Reported progress, not finished.
  Rebooting,      ///< Reported boot-image-installed-rebooting.
  Failed,         ///< Last report was a *-error.
  Completed,      ///< Reported bootstrap-complete.
};

struct Device {
  std::string serialNumber;
  std::string deviceType;
  std::string owner;  ///< Required to sign; may be empty for unsigned-only devices.
  /// PBKDF2 hash in the form "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
  /// (crypto/password_hash.h); empty when the device has no activation code.
  std::string activationCodeHash;
  std::optional<Bytes> ownershipVoucher;  ///< The voucher CMS (.vcj), as issued.
  std::vector<Response> responses;
  bool enabled = true;  ///< A disabled device is refused like an unknown one.
  // Maintained by the server, ignored on put (a put keeps the stored values):
  DeviceStage stage = DeviceStage::Registered;
  std::int64_t lastSeenMs = 0;  ///< Unix ms of the last request; 0 = never.
  bool operator==(const Device&) const = default;
};

/// The named inventory objects besides devices, as one value type so that a
/// backend stores them uniformly.
using InventoryObject = std::variant<DeviceType, Owner, Image, Script, Configuration,
                                     OnboardingProfile, RedirectProfile>;
enum class ObjectKind {
  DeviceType,
  Owner,
  Image,
  Script,
  Configuration,
  OnboardingProfile,
  RedirectProfile
};
ObjectKind kindOf(const InventoryObject& object);
const std::string& nameOf(const InventoryObject& object);
std::string_view objectKindName(ObjectKind kind);  ///< "device-type", "owner", ...
std::optional<ObjectKind> objectKindFromName(std::string_view name);
std::string_view deviceStageName(DeviceStage stage);  ///< "registered", "contacted", ...
std::optional<DeviceStage> deviceStageFromName(std::string_view name);

}  // namespace sztp::registry
