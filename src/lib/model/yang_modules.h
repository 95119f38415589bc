#pragma once

#include <optional>
#include <string_view>

// Internal: the YANG modules whose instances this library reads and writes,
// with their XML namespaces and the prefixes the modules declare.

namespace sztp::model {

struct YangModule {
  std::string_view name;    ///< Module name, the JSON qualifier (RFC 7951 §4).
  std::string_view ns;      ///< XML namespace URI (RFC 7950 §7.1.3).
  std::string_view prefix;  ///< The module's own prefix, used for identityref QNames in XML.
};

inline constexpr YangModule kConveyedInfoModule{
    "ietf-sztp-conveyed-info", "urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info", "sztp-info"};
inline constexpr YangModule kVoucherModule{"ietf-voucher",
                                           "urn:ietf:params:xml:ns:yang:ietf-voucher", "vch"};
inline constexpr YangModule kBootstrapServerModule{
    "ietf-sztp-bootstrap-server", "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server",
    "sztp-svr"};
inline constexpr YangModule kRestconfModule{"ietf-restconf",
                                            "urn:ietf:params:xml:ns:yang:ietf-restconf", "rc"};
inline constexpr YangModule kSztpCsrModule{"ietf-sztp-csr",
                                           "urn:ietf:params:xml:ns:yang:ietf-sztp-csr", "sztp-csr"};
inline constexpr YangModule kZtpTypesModule{"ietf-ztp-types",
                                            "urn:ietf:params:xml:ns:yang:ietf-ztp-types", "zt"};

// Written only (the LDevID keystore fragment, RFC 9646 S21), never read, so
// not among the known modules that readers resolve names and namespaces with.
inline constexpr YangModule kKeystoreModule{"ietf-keystore",
                                            "urn:ietf:params:xml:ns:yang:ietf-keystore", "ks"};
inline constexpr YangModule kCryptoTypesModule{
    "ietf-crypto-types", "urn:ietf:params:xml:ns:yang:ietf-crypto-types", "ct"};

inline constexpr YangModule kKnownModules[] = {kConveyedInfoModule,    kVoucherModule,
                                               kBootstrapServerModule, kRestconfModule,
                                               kSztpCsrModule,         kZtpTypesModule};

/// The module an XML namespace URI belongs to, if it is one of ours.
inline std::optional<YangModule> moduleByNamespace(std::string_view ns) {
  for (const auto& module : kKnownModules) {
    if (module.ns == ns) {
      return module;
    }
  }
  return std::nullopt;
}

inline std::optional<YangModule> moduleByName(std::string_view name) {
  for (const auto& module : kKnownModules) {
    if (module.name == name) {
      return module;
    }
  }
  return std::nullopt;
}

}  // namespace sztp::model
