#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/private_key.h"
#include "model/conveyed_info.h"
#include "model/voucher.h"

namespace sztp::inspect {

/// Human-oriented JSON descriptions of SZTP artifacts, for `sztp show`, the
/// verify report and (later) the admin API. These are not wire formats: binary
/// leaves are summarised (size, SHA-256, text when printable) and certificates
/// are decoded.

nlohmann::json describeCertificate(const crypto::Certificate& certificate);
nlohmann::json describeCrl(const crypto::Crl& crl);
nlohmann::json describeConveyedInformation(const model::ConveyedInformation& information);
nlohmann::json describeVoucher(const model::Voucher& voucher);
/// A binary value: size, sha256 and, when it is printable UTF-8, its text;
/// otherwise its base64.
nlohmann::json describeBlob(ByteView data);

struct InspectOptions {
  /// Device identity used to open EnvelopedData; without it only the
  /// recipients are shown.
  std::optional<crypto::Certificate> decryptCertificate;
  std::optional<crypto::PrivateKey> decryptKey;
};

/// Recognises any SZTP artifact and describes it: CMS of every kind used by
/// SZTP (signed/unsigned/encrypted conveyed information, voucher, certificate
/// bag), a certificate or CRL (PEM or DER), a voucher, conveyed-information
/// or RPC document (JSON or XML), or DHCP option 143/136 bytes. Nothing is
/// verified: `sztp verify` does that. Fails with CodecErrc::UnexpectedDocument
/// when the input is none of these.
Result<nlohmann::json> describeArtifact(ByteView data, const InspectOptions& options = {});

/// Serialises a description (or any JSON built from untrusted data): invalid
/// UTF-8 is replaced instead of throwing, as nlohmann's default would.
std::string toJsonText(const nlohmann::json& value, int indent = 2);

}  // namespace sztp::inspect
