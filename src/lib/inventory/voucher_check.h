#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "model/voucher.h"

namespace sztp::inventory {

struct VoucherCheckOptions {
  /// MASA trust anchors. Empty: the voucher is decoded without checking its
  /// signature (the device checks it anyway, D23); non-empty: the signature
  /// must verify and the signer chain to one of them.
  std::vector<crypto::Certificate> trustAnchors;
  /// When the signer's validity is judged; nullopt: not checked.
  std::optional<TimePoint> at;
};

/// Decodes an ownership voucher as issued (.vcj: a CMS SignedData holding
/// the JSON voucher, A8) and returns the voucher. Fails with
/// InventoryErrc::VoucherInvalid, the lower layer's reason in the detail.
Result<model::Voucher> decodeVoucher(ByteView cms, const VoucherCheckOptions& options = {});

}  // namespace sztp::inventory
