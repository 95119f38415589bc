#pragma once

// Internal helpers shared by the cms_*.cc files.

#include <optional>
#include <string>

#include "common/result.h"
#include "crypto/cms.h"
#include "crypto/openssl_handles.h"

namespace sztp::crypto::detail {

/// d2i of a whole ContentInfo: size limit first, trailing octets refused.
Result<CmsPtr> loadCms(ByteView der, const CmsLimits& limits);

std::string objectToOid(const ASN1_OBJECT* object);
ContentInfoType describeType(const ASN1_OBJECT* object);
Bytes toDer(CMS_ContentInfo* cms);

/// A signer or recipient identifier (issuerAndSerialNumber or
/// subjectKeyIdentifier) in display form.
struct IdentifierText {
  std::string issuer;
  std::string serialHex;
  std::optional<Bytes> subjectKeyId;
};
IdentifierText identifierText(const ASN1_OCTET_STRING* keyId, const X509_NAME* issuer,
                              const ASN1_INTEGER* serial);

}  // namespace sztp::crypto::detail
