// Fuzz target: PKCS#10 certification requests as a device sends them in the
// RFC 9646 p10-csr leaf (S21, S22): parse with the size limit, check the
// proof of possession, read the key. What parses re-encodes to a request that
// parses again with the same public key and subject.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/certification_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using sztp::crypto::CertificationRequest;
  auto csr = CertificationRequest::fromDer(sztp::ByteView(data, size));
  if (!csr) {
    return 0;
  }
  (void)csr->verifySignature();
  (void)csr->signatureAlgorithm();
  (void)csr->publicKey().description();
  (void)csr->publicKey().algorithmName();
  for (const auto name : sztp::crypto::keyGenerationAlgorithms()) {
    (void)sztp::crypto::keyIsOfAlgorithm(csr->publicKey(), name);
  }
  auto again = CertificationRequest::fromDer(csr->toDer());
  if (!again || !(again->publicKey() == csr->publicKey()) || again->subject() != csr->subject()) {
    std::abort();
  }
  return 0;
}
