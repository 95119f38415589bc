#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/yang_modules.h"

// Internal: the prefixes of an instance-identifier value (RFC 7950 §9.13),
// i.e. the "prefix:" in front of node and key names, outside quoted
// predicate values.

namespace sztp::model {

/// Rewrites every prefix for which `resolve` returns a module name to that
/// name; other prefixes are kept.
std::string rewriteInstanceIdentifierPrefixes(
    std::string_view path,
    const std::function<std::optional<std::string>(std::string_view)>& resolve);

/// RFC 7951 §6.11 form (a name is prefixed only when its module differs from
/// its parent's) to RFC 7950 §9.13.2 form (every name prefixed), prefixes
/// being module names. Names in predicates belong to their step's module.
std::string qualifyEveryInstanceIdentifierName(std::string_view jsonForm);

/// The reverse: drops each prefix that repeats the enclosing step's module.
std::string qualifyInstanceIdentifierLikeJson(std::string_view fullyQualified);

/// The known modules whose names are used as prefixes in `path`, in order of
/// first use (what an XML encoder must declare for the value to resolve).
std::vector<YangModule> instanceIdentifierModules(std::string_view path);

}  // namespace sztp::model
