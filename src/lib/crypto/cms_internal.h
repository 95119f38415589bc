#pragma once

// Internal helpers shared by the cms_*.cc files.

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

}  // namespace sztp::crypto::detail
