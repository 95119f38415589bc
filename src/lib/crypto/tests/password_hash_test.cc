#include "crypto/password_hash.h"

#include <gtest/gtest.h>

#include "crypto/crypto_error.h"

namespace sztp::crypto {
namespace {

TEST(PasswordHash, VerifiesTheSecretItWasMadeFromAndNothingElse) {
  const std::string stored = hashSecret("open sesame", 1000);
  EXPECT_TRUE(isSecretHash(stored));
  EXPECT_EQ(stored.rfind("pbkdf2-sha256$1000$", 0), 0U) << stored;
  auto good = verifySecret("open sesame", stored);
  ASSERT_TRUE(good.ok()) << good.error().describe();
  EXPECT_TRUE(*good);
  auto bad = verifySecret("open sesame!", stored);
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(*bad);
}

TEST(PasswordHash, SaltsEveryHash) {
  EXPECT_NE(hashSecret("same", 1000), hashSecret("same", 1000));
}

// RFC 7914 §11, PBKDF2-HMAC-SHA256 with P="Password", S="NaCl", c=80000:
// the first 32 octets of its 64-octet output (4d dc d8 f6 ... 6b 34 ab 56).
TEST(PasswordHash, MatchesThePublishedPbkdf2Vector) {
  const std::string stored =
      "pbkdf2-sha256$80000$TmFDbA==$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y=";
  auto ok = verifySecret("Password", stored);
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_TRUE(*ok);
}

TEST(PasswordHash, RefusesMalformedStoredHashes) {
  for (const char* stored :
       {"", "pbkdf2-sha256", "md5$1000$AAAAAAAAAAA=$AAAA",
        "pbkdf2-sha256$10$c2FsdHNhbHQ=$"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "pbkdf2-sha256$99999999999$c2FsdHNhbHQ=$AAAA", "pbkdf2-sha256$1000$c2FsdHNhbHQ=$AAAA",
        "pbkdf2-sha256$1000$!!$AAAA", "pbkdf2-sha256$1000$a$b$c"}) {
    auto result = verifySecret("x", stored);
    ASSERT_FALSE(result.ok()) << stored;
    EXPECT_EQ(result.error().reason(), "secret-hash-malformed") << stored;
    EXPECT_FALSE(isSecretHash(stored)) << stored;
  }
}

}  // namespace
}  // namespace sztp::crypto
