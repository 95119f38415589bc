#pragma once

#include "common/result.h"
#include "registry/inventory.h"

namespace sztp::registry {

// Field checks every backend runs before storing (registry.h contract). They
// fail with RegistryErrc::InvalidObject and a detail naming the field.
// Cross-object references are not checked here (the backend does that
// against its stored state).

Status validateName(std::string_view name);      ///< 1..128 of [A-Za-z0-9._:@-].
Status validateSerial(std::string_view serial);  ///< 1..256 printable ASCII, no '/'.
/// Certificates parse as X.509 DER; images have a 32-octet sha256 and either
/// a file or a download URI; conditions' regexes compile and subnets parse;
/// Subnet only with SourceAddress; response names unique; redirect profiles
/// have at least one server; an owner has at least one certificate and a key
/// reference; a serial rule pattern compiles and has a capture group.
Status validateObject(const InventoryObject& object);
Status validateDevice(const Device& device);

}  // namespace sztp::registry
