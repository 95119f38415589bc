// Content types, loading, and unsigned content (A2).
#include <array>

#include "common/codec_error.h"
#include "crypto/cms_internal.h"
#include "crypto/crypto_error.h"

namespace sztp::crypto {

using namespace detail;

namespace {

struct TypeInfo {
  ContentType type;
  std::string_view oid;
  std::string_view name;
};

constexpr std::array kTypes{
    TypeInfo{ContentType::Data, "1.2.840.113549.1.7.1", "id-data"},
    TypeInfo{ContentType::SignedData, "1.2.840.113549.1.7.2", "id-signedData"},
    TypeInfo{ContentType::EnvelopedData, "1.2.840.113549.1.7.3", "id-envelopedData"},
    TypeInfo{ContentType::AnimaJsonVoucher, "1.2.840.113549.1.9.16.1.40", "id-ct-animaJSONVoucher"},
    TypeInfo{ContentType::ConveyedInfoXml, "1.2.840.113549.1.9.16.1.42",
             "id-ct-sztpConveyedInfoXML"},
    TypeInfo{ContentType::ConveyedInfoJson, "1.2.840.113549.1.9.16.1.43",
             "id-ct-sztpConveyedInfoJSON"},
};

// DER length octets for `length`.
void appendLength(Bytes& out, std::size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  Bytes digits;
  for (std::size_t v = length; v > 0; v >>= 8) {
    digits.insert(digits.begin(), static_cast<std::uint8_t>(v & 0xff));
  }
  out.push_back(static_cast<std::uint8_t>(0x80 | digits.size()));
  out.insert(out.end(), digits.begin(), digits.end());
}

Bytes tlv(std::uint8_t tag, ByteView value) {
  Bytes out{tag};
  appendLength(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

}  // namespace

std::string_view contentTypeOid(ContentType type) {
  for (const auto& info : kTypes) {
    if (info.type == type) {
      return info.oid;
    }
  }
  return "";
}

std::string_view contentTypeName(ContentType type) {
  for (const auto& info : kTypes) {
    if (info.type == type) {
      return info.name;
    }
  }
  return "other";
}

ContentType contentTypeFromOid(std::string_view dottedOid) {
  for (const auto& info : kTypes) {
    if (info.oid == dottedOid) {
      return info.type;
    }
  }
  return ContentType::Other;
}

namespace detail {

Result<CmsPtr> loadCms(ByteView der, const CmsLimits& limits) {
  if (der.size() > limits.maxBytes) {
    return Error(CodecErrc::InputTooLarge, "CMS of " + std::to_string(der.size()) +
                                               " octets exceeds the limit of " +
                                               std::to_string(limits.maxBytes));
  }
  if (der.empty()) {
    return Error(CryptoErrc::MalformedCms, "empty input");
  }
  const unsigned char* p = der.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (!cms) {
    return opensslError(CryptoErrc::MalformedCms, "");
  }
  if (p != der.data() + der.size()) {
    return Error(CryptoErrc::MalformedCms,
                 std::to_string(der.data() + der.size() - p) + " trailing octets after the CMS");
  }
  return cms;
}

std::string objectToOid(const ASN1_OBJECT* object) {
  if (object == nullptr) {
    return "";
  }
  char buffer[128];
  const int length = OBJ_obj2txt(buffer, sizeof buffer, object, 1);
  return length > 0 ? std::string(buffer, std::min<std::size_t>(length, sizeof buffer - 1)) : "";
}

ContentInfoType describeType(const ASN1_OBJECT* object) {
  std::string oid = objectToOid(object);
  return ContentInfoType{contentTypeFromOid(oid), std::move(oid)};
}

Bytes toDer(CMS_ContentInfo* cms) {
  return detail::encodeDer(cms, i2d_CMS_ContentInfo);
}

IdentifierText identifierText(const ASN1_OCTET_STRING* keyId, const X509_NAME* issuer,
                              const ASN1_INTEGER* serial) {
  IdentifierText text;
  if (keyId != nullptr) {
    const auto* d = ASN1_STRING_get0_data(keyId);
    text.subjectKeyId = Bytes(d, d + ASN1_STRING_length(keyId));
  }
  if (issuer != nullptr) {
    text.issuer = nameToString(issuer);
  }
  if (serial != nullptr) {
    text.serialHex = integerToHex(serial);
  }
  return text;
}

}  // namespace detail

Result<ContentInfoType> peekContentType(ByteView der, const CmsLimits& limits) {
  // Reads only ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, ... }:
  // a full decode would parse every embedded certificate just to learn the
  // type (the bench showed it costing a third of an encrypted create). The
  // full structure is still checked by whichever parser the caller uses next.
  if (der.size() > limits.maxBytes) {
    return Error(CodecErrc::InputTooLarge, "CMS of " + std::to_string(der.size()) +
                                               " octets exceeds the limit of " +
                                               std::to_string(limits.maxBytes));
  }
  if (der.size() < 2 || der[0] != 0x30) {
    return Error(CryptoErrc::MalformedCms, "not a DER SEQUENCE");
  }
  std::size_t pos = 2;
  if (der[1] == 0x80) {
    // BER indefinite length, as some CMS producers stream it.
  } else if ((der[1] & 0x80) != 0) {
    const std::size_t octets = der[1] & 0x7f;
    if (octets == 0 || octets > 4 || der.size() < 2 + octets) {
      return Error(CryptoErrc::MalformedCms, "bad SEQUENCE length");
    }
    std::size_t length = 0;
    for (std::size_t i = 0; i < octets; ++i) {
      length = length << 8 | der[2 + i];
    }
    pos += octets;
    if (length != der.size() - pos) {
      return Error(CryptoErrc::MalformedCms,
                   "the ContentInfo length does not match the input (truncated or trailing "
                   "octets)");
    }
  } else if (der[1] != der.size() - 2) {
    return Error(CryptoErrc::MalformedCms,
                 "the ContentInfo length does not match the input (truncated or trailing octets)");
  }
  if (der.size() < pos + 2 || der[pos] != 0x06 || (der[pos + 1] & 0x80) != 0 ||
      der.size() < pos + 2 + der[pos + 1]) {
    return Error(CryptoErrc::MalformedCms, "the ContentInfo does not start with a content type");
  }
  const unsigned char* p = der.data() + pos;
  Asn1ObjectPtr oid(d2i_ASN1_OBJECT(nullptr, &p, 2 + der[pos + 1]));
  if (!oid) {
    return opensslError(CryptoErrc::MalformedCms, "content type");
  }
  return describeType(oid.get());
}

Result<Bytes> wrapContent(ByteView content, ContentType type) {
  if (type != ContentType::Data && type != ContentType::ConveyedInfoJson &&
      type != ContentType::ConveyedInfoXml) {
    return Error(CryptoErrc::UnexpectedContentType,
                 "only id-data and the conveyed-information types can be sent unsigned");
  }
  Asn1ObjectPtr oid(OBJ_txt2obj(std::string(contentTypeOid(type)).c_str(), 1));
  unsigned char* oidDer = nullptr;
  const int oidLength = i2d_ASN1_OBJECT(oid.get(), &oidDer);
  if (oidLength <= 0) {
    return opensslError(CryptoErrc::OperationFailed, "encoding the content type");
  }
  Bytes body(oidDer, oidDer + oidLength);
  OPENSSL_free(oidDer);
  // ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT OCTET STRING }
  const Bytes explicitContent = tlv(0xa0, tlv(0x04, content));
  body.insert(body.end(), explicitContent.begin(), explicitContent.end());
  return tlv(0x30, body);
}

Result<UnwrappedContent> unwrapContent(ByteView der, const CmsLimits& limits) {
  auto cms = loadCms(der, limits);
  if (!cms) {
    return std::move(cms).error();
  }
  auto type = describeType(CMS_get0_type(cms->get()));
  if (type.type != ContentType::Data && type.type != ContentType::ConveyedInfoJson &&
      type.type != ContentType::ConveyedInfoXml) {
    return Error(CryptoErrc::UnexpectedContentType,
                 "expected unsigned conveyed information, got " + type.oid);
  }
  ASN1_OCTET_STRING** content = CMS_get0_content(cms->get());
  if (content == nullptr || *content == nullptr) {
    ERR_clear_error();
    return Error(CryptoErrc::ContentMissing, "the ContentInfo has no OCTET STRING content");
  }
  const auto* data = ASN1_STRING_get0_data(*content);
  return UnwrappedContent{type.type, type.oid, Bytes(data, data + ASN1_STRING_length(*content))};
}

}  // namespace sztp::crypto
