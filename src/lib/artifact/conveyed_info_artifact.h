#pragma once

#include <optional>
#include <vector>

#include "artifact/signer.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/cms.h"
#include "crypto/crl.h"
#include "model/conveyed_info.h"

namespace sztp::artifact {

struct ConveyedInfoOptions {
  model::Encoding encoding = model::Encoding::Json;
  /// Sign with the owner certificate (A4); nullopt leaves it unsigned (A2),
  /// usable only from a trusted bootstrap server or as a provisional redirect.
  std::optional<Signer> owner;
  /// Encrypt to the device's IDevID after signing (A3, A5, S15).
  std::optional<crypto::Certificate> encryptTo;
  /// Label the content id-data instead of the SZTP content type (A2 allows it;
  /// only for devices that require it).
  bool useIdData = false;
  std::optional<TimePoint> signingTime;
};

/// The conveyed-information artifact: encode → sign → encrypt, never in
/// another order (§3.4).
Result<Bytes> makeConveyedInformation(const model::ConveyedInformation& information,
                                      const ConveyedInfoOptions& options);

/// The owner-certificate artifact (A6): a certificate bag holding the owner
/// certificate and its intermediates up to the pinned certificate, and
/// optionally CRLs, optionally encrypted to a device.
Result<Bytes> makeOwnerCertificateArtifact(
    const crypto::Certificate& ownerCertificate,
    const std::vector<crypto::Certificate>& intermediates,
    const std::vector<crypto::Crl>& crls = {},
    const std::optional<crypto::Certificate>& encryptTo = std::nullopt);

/// A trust-anchor CMS for redirect information (A14) or report-progress
/// (A17): a certificate bag holding one chain that ends in a self-signed root.
/// Fails with InvalidRequest when the last certificate is not self-signed or
/// the certificates do not form one chain.
Result<Bytes> makeTrustAnchorArtifact(const std::vector<crypto::Certificate>& chain,
                                      const std::vector<crypto::Crl>& crls = {});

/// Encrypts an already-built artifact (voucher, owner certificate) to a device.
Result<Bytes> encryptArtifact(ByteView artifact, const crypto::Certificate& device);

}  // namespace sztp::artifact
