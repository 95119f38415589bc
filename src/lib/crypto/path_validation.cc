#include "crypto/path_validation.h"

#include "crypto/crypto_error.h"
#include "crypto/openssl_handles.h"

namespace sztp::crypto {

using namespace detail;

namespace {

CryptoErrc classify(int verifyError) {
  switch (verifyError) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      return CryptoErrc::ChainUntrusted;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return CryptoErrc::CertificateExpired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return CryptoErrc::CertificateNotYetValid;
    case X509_V_ERR_CERT_REVOKED:
      return CryptoErrc::CertificateRevoked;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
      return CryptoErrc::RevocationUnavailable;
    default:
      return CryptoErrc::ChainInvalid;
  }
}

bool isMissingCrl(int verifyError) {
  return verifyError == X509_V_ERR_UNABLE_TO_GET_CRL ||
         verifyError == X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER;
}

// With RevocationPolicy::IfAvailable, a certificate that no supplied CRL
// covers is accepted; every other failure stands.
int tolerateMissingCrl(int ok, X509_STORE_CTX* ctx) {
  if (ok == 0 && isMissingCrl(X509_STORE_CTX_get_error(ctx))) {
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  return ok;
}

// With RevocationPolicy::Require, every certificate below the trust anchor
// needs current status. The anchor's own status cannot be established when it
// is a pinned intermediate (its issuer is not part of the path), and pinning
// it is the statement that it is trusted, so a missing CRL is tolerated at the
// anchor's depth only. A CRL that does cover the anchor is still honoured.
int tolerateMissingCrlAtAnchor(int ok, X509_STORE_CTX* ctx) {
  if (ok == 0 && isMissingCrl(X509_STORE_CTX_get_error(ctx))) {
    const int depth = X509_STORE_CTX_get_error_depth(ctx);
    if (depth == sk_X509_num(X509_STORE_CTX_get0_chain(ctx)) - 1) {
      X509_STORE_CTX_set_error(ctx, X509_V_OK);
      return 1;
    }
  }
  return ok;
}

}  // namespace

Result<ValidatedPath> validatePath(const Certificate& leaf,
                                   const std::vector<Certificate>& untrusted,
                                   const std::vector<Certificate>& anchors,
                                   const PathValidationOptions& options) {
  if (anchors.empty()) {
    return Error(CryptoErrc::NoTrustAnchors, "validating " + leaf.subject());
  }
  X509StorePtr store(X509_STORE_new());
  for (const auto& anchor : anchors) {
    X509_STORE_add_cert(store.get(), anchor.native());
  }
  const bool checkCrls =
      options.revocation == RevocationPolicy::Require ||
      (options.revocation == RevocationPolicy::IfAvailable && !options.crls.empty());
  if (options.revocation == RevocationPolicy::IfAvailable && checkCrls) {
    X509_STORE_set_verify_cb(store.get(), tolerateMissingCrl);
  } else if (options.revocation == RevocationPolicy::Require) {
    X509_STORE_set_verify_cb(store.get(), tolerateMissingCrlAtAnchor);
  }
  CrlStackPtr crls(sk_X509_CRL_new_null());
  for (const auto& crl : options.crls) {
    X509_CRL_up_ref(crl.native());
    sk_X509_CRL_push(crls.get(), crl.native());
  }

  X509StackPtr chainCandidates = toStack(untrusted);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx ||
      X509_STORE_CTX_init(ctx.get(), store.get(), leaf.native(), chainCandidates.get()) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "X509_STORE_CTX_init");
  }
  X509_STORE_CTX_set0_crls(ctx.get(), crls.get());

  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // No X509_V_FLAG_X509_STRICT: it refuses real-world chains (e.g. a missing AKI)
  // that RFC 5280 path validation accepts, and owner chains come from many CAs.
  unsigned long flags = 0;
  if (options.allowPartialChain) {
    flags |= X509_V_FLAG_PARTIAL_CHAIN;
  }
  if (checkCrls) {
    flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
  }
  if (options.at) {
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(options.at->time_since_epoch().count()));
  } else {
    flags |= X509_V_FLAG_NO_CHECK_TIME;
  }
  X509_VERIFY_PARAM_set_flags(param, flags);
  X509_VERIFY_PARAM_set_depth(param, options.maxDepth);

  const int result = X509_verify_cert(ctx.get());
  if (result != 1) {
    const int verifyError = X509_STORE_CTX_get_error(ctx.get());
    const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    X509* culprit = X509_STORE_CTX_get_current_cert(ctx.get());
    std::string detail = X509_verify_cert_error_string(verifyError);
    detail += " at depth " + std::to_string(depth);
    if (culprit != nullptr) {
      detail += " (" + nameToString(X509_get_subject_name(culprit)) + ")";
    }
    ERR_clear_error();
    return Error(verifyError == X509_V_OK ? CryptoErrc::ChainInvalid : classify(verifyError),
                 std::move(detail));
  }
  ValidatedPath path;
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* cert = sk_X509_value(chain, i);
    X509_up_ref(cert);
    path.chain.emplace_back(std::shared_ptr<X509>(cert, X509_free));
  }
  return path;
}

}  // namespace sztp::crypto
