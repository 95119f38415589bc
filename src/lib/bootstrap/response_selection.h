#pragma once

#include <optional>
#include <string>
#include <vector>

#include "registry/inventory.h"

namespace sztp::bootstrap {

/// What a response's conditions are matched against: the device's
/// get-bootstrapping-data input, its address and its IDevID issuer.
struct RequestFacts {
  std::optional<std::string> hwModel;
  std::optional<std::string> osName;
  std::optional<std::string> osVersion;
  std::string sourceAddress;                ///< Textual IP, no port.
  std::optional<std::string> idevidIssuer;  ///< RFC 2253 DN of the IDevID's issuer.
};

struct ResponseChoice {
  std::size_t index = 0;  ///< Position in the device's list.
  const registry::Response* response = nullptr;
  /// Why: for each response tried, in order, what held or did not, e.g.
  /// "#1 'lab': source-address 192.0.2.7 not in 10.0.0.0/8; #2 'default': no conditions".
  std::string explanation;
};

/// The first response whose conditions all hold (issue 3 item 3). A condition
/// on an input the device did not send does not hold. nullopt when none
/// matches, with the explanation in `why`.
std::optional<ResponseChoice> selectResponse(const std::vector<registry::Response>& responses,
                                             const RequestFacts& facts, std::string* why);

/// One condition against one value (exposed for tests and the admin API's
/// "which response would this device get" preview).
bool conditionHolds(const registry::Condition& condition, const std::string& value);

/// Whether `address` (textual IPv4 or IPv6) lies in `cidr`. False for
/// anything unparsable. An IPv4-mapped IPv6 address matches IPv4 subnets.
bool addressInSubnet(const std::string& address, const std::string& cidr);

std::string_view conditionFieldName(registry::Condition::Field field);  ///< "hw-model", ...

}  // namespace sztp::bootstrap
