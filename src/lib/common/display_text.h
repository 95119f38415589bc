#pragma once

#include <string>
#include <string_view>

namespace sztp {

/// Makes text derived from untrusted input safe to show: valid UTF-8 is kept,
/// while control characters (including line breaks and ESC) and octets that
/// are not part of valid UTF-8 become "\xNN". Error details pass through this,
/// so a hostile artifact cannot forge log lines, drive a terminal, or produce
/// text a JSON encoder refuses.
std::string displayText(std::string_view text);

}  // namespace sztp
