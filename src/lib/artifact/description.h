#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "model/conveyed_info.h"

namespace sztp::artifact {

/// How a description reaches files. Paths are as written in the description;
/// the caller resolves them (the CLI: relative to the description's folder).
struct DescriptionFiles {
  std::function<Result<Bytes>(const std::string& path)> read;
  /// SHA-256 of a file, streamed: boot images can be gigabytes.
  std::function<Result<Bytes>(const std::string& path)> sha256;
};

/// Builds conveyed information from the readable description that
/// `sztp conveyed-info create` takes (docs/artifacts.md), YAML or JSON:
///
///   onboarding-information:
///     boot-image:
///       os-name: VendorOS
///       os-version: "17.3"
///       image: images/vendoros-17.3.img     # its SHA-256 becomes image-verification
///       download-uri: [https://files.example.net/vendoros-17.3.img]
///     configuration-handling: merge
///     pre-configuration-script: scripts/pre.sh
///     configuration: config/startup.xml      # or {text: "..."} inline
///     post-configuration-script: scripts/post.sh
///
///   redirect-information:
///     bootstrap-server:
///       - address: sztp.example.net
///         port: 8443
///         trust-anchor: pki/tls-ca.pem        # PEM chain, root last (A14)
///
/// Unknown keys are errors naming their path; so is anything the YANG module
/// forbids (e.g. configuration without configuration-handling).
Result<model::ConveyedInformation> conveyedInformationFromDescription(
    std::string_view text, const DescriptionFiles& files);

}  // namespace sztp::artifact
