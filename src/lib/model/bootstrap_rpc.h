#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "model/encoding.h"

namespace sztp::model {

/// The two RPCs of ietf-sztp-bootstrap-server@2019-04-30 (RFC 8572 §7) as
/// RESTCONF bodies (RFC 8040 §3.6): JSON {"ietf-sztp-bootstrap-server:input": {...}},
/// XML <input xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">,
/// and likewise "output".

/// RFC 9646 (ietf-sztp-csr) augmentation of the get-bootstrapping-data input:
/// the choice `msg-type`, case csr-support.
struct CsrSupport {
  /// Present iff the client sent `key-generation`; each entry is a DER
  /// AlgorithmIdentifier from `supported-algorithms/algorithm-identifier`.
  std::optional<std::vector<Bytes>> keyGenerationAlgorithms;
  /// `csr-generation/supported-formats/format-identifier`, as module-qualified
  /// identity names, e.g. "ietf-ztp-types:p10-csr".
  std::vector<std::string> supportedFormats;
  bool operator==(const CsrSupport&) const = default;
};

/// RFC 9646 case `csr`: exactly one of the three formats.
struct CsrMessage {
  enum class Format { P10, Cmc, Cmp };
  Format format = Format::P10;
  Bytes der;
  bool operator==(const CsrMessage&) const = default;
};

/// RFC 9646 structure `csr-request` (ietf-sztp-csr, sx:structure; grouping
/// csr-request-grouping of ietf-ztp-types): what a server asks for in the
/// error-info of its 400 answer to csr-support (S19, S20).
struct CsrRequest {
  /// Present iff the server asks for a new key (only when the client offered
  /// key-generation): the DER AlgorithmIdentifier it selected from the
  /// client's supported-algorithms.
  std::optional<Bytes> keyGenerationAlgorithm;
  /// `csr-generation/selected-format/format-identifier`, module-qualified.
  std::string format = "ietf-ztp-types:p10-csr";
  /// `cert-req-info`: a DER CertificationRequestInfo for the client to sign.
  std::optional<Bytes> certReqInfo;
  bool operator==(const CsrRequest&) const = default;
};

struct GetBootstrappingDataInput {
  bool signedDataPreferred = false;  ///< YANG `empty`: [null] in JSON, <x/> in XML (A19).
  std::optional<std::string> hwModel;
  std::optional<std::string> osName;
  std::optional<std::string> osVersion;
  std::optional<Bytes> nonce;            ///< 16..32 octets (§7.3).
  std::optional<CsrSupport> csrSupport;  ///< Mutually exclusive with csr (choice msg-type).
  std::optional<CsrMessage> csr;
  bool operator==(const GetBootstrappingDataInput&) const = default;
};

enum class ReportingLevel { Minimal, Verbose };

struct GetBootstrappingDataOutput {
  std::optional<ReportingLevel> reportingLevel;
  Bytes conveyedInformation;              ///< Mandatory, DER CMS.
  std::optional<Bytes> ownerCertificate;  ///< Together with ownershipVoucher or not at all (S7).
  std::optional<Bytes> ownershipVoucher;
  bool operator==(const GetBootstrappingDataOutput&) const = default;
};

/// All 27 progress types of report-progress, in module order.
enum class ProgressType {
  BootstrapInitiated,
  ParsingInitiated,
  ParsingWarning,
  ParsingError,
  ParsingComplete,
  BootImageInitiated,
  BootImageWarning,
  BootImageError,
  BootImageMismatch,
  BootImageInstalledRebooting,
  BootImageComplete,
  PreScriptInitiated,
  PreScriptWarning,
  PreScriptError,
  PreScriptComplete,
  ConfigInitiated,
  ConfigWarning,
  ConfigError,
  ConfigComplete,
  PostScriptInitiated,
  PostScriptWarning,
  PostScriptError,
  PostScriptComplete,
  BootstrapWarning,
  BootstrapError,
  BootstrapComplete,
  Informational,
};

inline constexpr int kProgressTypeCount = 27;

std::string_view progressTypeName(ProgressType type);  ///< "boot-image-installed-rebooting"
std::optional<ProgressType> progressTypeFromName(std::string_view name);

/// Terminating types end a bootstrap attempt: every *-error,
/// boot-image-installed-rebooting and bootstrap-complete (checklist §2).
bool isTerminating(ProgressType type);

struct SshHostKey {
  std::string algorithm;  ///< IANA name, e.g. "ssh-ed25519".
  Bytes keyData;          ///< RFC 4253 §6.6 blob.
  bool operator==(const SshHostKey&) const = default;
};

struct ReportProgressInput {
  ProgressType progressType = ProgressType::Informational;
  std::optional<std::string> message;
  /// Only with bootstrap-complete (YANG `when`, D55); an empty vector means the
  /// container is absent.
  std::vector<SshHostKey> sshHostKeys;
  std::vector<Bytes> trustAnchorCerts;  ///< DER CMS each (A17).
  bool operator==(const ReportProgressInput&) const = default;
};

/// A missing or empty body is a valid input with no parameters (RFC 8040
/// §3.6.1: no input leaf is mandatory); callers pass "" for it.
Result<GetBootstrappingDataInput> parseGetBootstrappingDataInput(std::string_view text,
                                                                 Encoding encoding,
                                                                 const ParseLimits& limits = {});
std::string encodeGetBootstrappingDataInput(const GetBootstrappingDataInput& input,
                                            Encoding encoding);

Result<GetBootstrappingDataOutput> parseGetBootstrappingDataOutput(std::string_view text,
                                                                   Encoding encoding,
                                                                   const ParseLimits& limits = {});
std::string encodeGetBootstrappingDataOutput(const GetBootstrappingDataOutput& output,
                                             Encoding encoding);

/// progress-type is mandatory, so an empty body is a missing-node error.
Result<ReportProgressInput> parseReportProgressInput(std::string_view text, Encoding encoding,
                                                     const ParseLimits& limits = {});
std::string encodeReportProgressInput(const ReportProgressInput& input, Encoding encoding);

std::string_view reportingLevelName(ReportingLevel level);  ///< "minimal"/"verbose"

/// The csr-request structure as the content of a RESTCONF `error-info`:
/// {"ietf-sztp-csr:csr-request": {...}} in JSON, <csr-request
/// xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-csr"> in XML (RFC 9646 §3.2
/// examples).
std::string encodeCsrRequest(const CsrRequest& request, Encoding encoding);
/// Reads that structure; `format` must be a certificate-request-format identity
/// of ietf-ztp-types (p10-csr, cmc-csr, cmp-csr).
Result<CsrRequest> parseCsrRequest(std::string_view text, Encoding encoding,
                                   const ParseLimits& limits = {});

}  // namespace sztp::model
