#include "inventory/voucher_check.h"

#include "crypto/cms.h"
#include "inventory/inventory_error.h"

namespace sztp::inventory {

Result<model::Voucher> decodeVoucher(ByteView cms, const VoucherCheckOptions& options) {
  auto fail = [](const std::string& what) { return Error(InventoryErrc::VoucherInvalid, what); };
  crypto::ContentType type = crypto::ContentType::Other;
  std::string typeOid;
  Bytes content;
  if (options.trustAnchors.empty()) {
    auto signedData = crypto::parseSignedData(cms);
    if (!signedData) {
      return fail("not a CMS SignedData voucher: " + signedData.error().describe());
    }
    if (!signedData->content) {
      return fail("the voucher SignedData carries no content");
    }
    type = signedData->contentType;
    typeOid = signedData->contentTypeOid;
    content = std::move(*signedData->content);
  } else {
    crypto::PathValidationOptions validation;
    validation.at = options.at;
    // As the device does (trust/): a configured anchor may be the MASA's issuing CA.
    validation.allowPartialChain = true;
    validation.revocation = crypto::RevocationPolicy::IfAvailable;
    auto verified = crypto::verifySignedByTrusted(cms, options.trustAnchors, validation);
    if (!verified) {
      return fail("signature: " + verified.error().describe());
    }
    type = verified->contentType;
    typeOid = verified->contentTypeOid;
    content = std::move(verified->content);
  }
  if (type != crypto::ContentType::AnimaJsonVoucher && type != crypto::ContentType::Data) {
    return fail("eContentType " + typeOid + " is not id-ct-animaJSONVoucher (A8)");
  }
  auto voucher = model::parseVoucher(toString(content), model::Encoding::Json);
  if (!voucher) {
    return fail("voucher content: " + voucher.error().describe());
  }
  return std::move(*voucher);
}

}  // namespace sztp::inventory
