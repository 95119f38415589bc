#pragma once

// Internal to the crypto library: the only header that includes OpenSSL.
// Every OpenSSL object we own lives in one of these unique_ptr aliases.

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/error.h"

namespace sztp::crypto::detail {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};

inline void freeX509Stack(STACK_OF(X509) * s) {
  sk_X509_pop_free(s, X509_free);
}
inline void freeCrlStack(STACK_OF(X509_CRL) * s) {
  sk_X509_CRL_pop_free(s, X509_CRL_free);
}
inline void freeBio(BIO* b) {
  BIO_free_all(b);
}
inline void freeAsn1Time(ASN1_TIME* t) {
  ASN1_TIME_free(t);
}
inline void freeAsn1Integer(ASN1_INTEGER* i) {
  ASN1_INTEGER_free(i);
}
inline void freeObject(ASN1_OBJECT* o) {
  ASN1_OBJECT_free(o);
}
inline void freeBasicConstraints(BASIC_CONSTRAINTS* b) {
  BASIC_CONSTRAINTS_free(b);
}
inline void freeAki(AUTHORITY_KEYID* a) {
  AUTHORITY_KEYID_free(a);
}
inline void freeOctetString(ASN1_OCTET_STRING* s) {
  ASN1_OCTET_STRING_free(s);
}
inline void freeBitString(ASN1_BIT_STRING* s) {
  ASN1_BIT_STRING_free(s);
}
inline void freeGeneralNames(GENERAL_NAMES* n) {
  GENERAL_NAMES_free(n);
}

using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), freeX509Stack>>;
using CrlStackPtr = std::unique_ptr<STACK_OF(X509_CRL), Deleter<STACK_OF(X509_CRL), freeCrlStack>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr =
    std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, freeBio>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo, CMS_ContentInfo_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, freeAsn1Time>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER, freeAsn1Integer>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT, freeObject>>;
using BasicConstraintsPtr =
    std::unique_ptr<BASIC_CONSTRAINTS, Deleter<BASIC_CONSTRAINTS, freeBasicConstraints>>;
using AkiPtr = std::unique_ptr<AUTHORITY_KEYID, Deleter<AUTHORITY_KEYID, freeAki>>;
using OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING, freeOctetString>>;
using BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, Deleter<ASN1_BIT_STRING, freeBitString>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, freeGeneralNames>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using X509ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, Deleter<X509_REVOKED, X509_REVOKED_free>>;

/// An Error of `code` whose detail is `what` plus the drained OpenSSL queue.
Error opensslError(std::error_code code, std::string_view what);

/// A read-only memory BIO over `data` (no copy; `data` must outlive it).
BioPtr memoryBio(ByteView data);
/// Everything written to a memory BIO.
Bytes bioContents(BIO* bio);

TimePoint toTimePoint(const ASN1_TIME* time);
Asn1TimePtr toAsn1Time(TimePoint time);

/// Copies of the elements with their reference counts raised.
X509StackPtr toStack(const auto& certificates) {
  X509StackPtr stack(sk_X509_new_null());
  for (const auto& c : certificates) {
    X509_up_ref(c.native());
    sk_X509_push(stack.get(), c.native());
  }
  return stack;
}

std::string nameToString(const X509_NAME* name);

/// An ASN.1 INTEGER (certificate or CRL serial) as lower-case hex.
std::string integerToHex(const ASN1_INTEGER* value);

/// The DER encoding of `object` through one of OpenSSL's i2d functions
/// (`int i2d(const T*, unsigned char**)`); empty, with OpenSSL's error
/// queue cleared, when encoding fails.
template <class T, class I2d>
Bytes encodeDer(T* object, I2d i2d) {
  unsigned char* der = nullptr;
  const int length = i2d(object, &der);
  if (length <= 0) {
    ERR_clear_error();
    return {};
  }
  Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

}  // namespace sztp::crypto::detail
