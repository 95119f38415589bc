#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace sztp::cli {

/// Exit codes of every sztp command (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  ///< The operation ran and failed (e.g. verify rejected).
inline constexpr int kExitUsage = 2;   ///< Bad invocation: options, unreadable inputs.

/// A subcommand: its CLI11 node and what runs when it was chosen.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

/// What commands share: the clock (so `--now` and tests can fix time).
struct Context {
  const Clock& clock;
};

using Commands = std::vector<Command>;

void addPkiCommands(CLI::App& root, Commands& commands, const Context& context);
void addVoucherCommands(CLI::App& root, Commands& commands, const Context& context);
void addOwnerCertCommands(CLI::App& root, Commands& commands, const Context& context);
void addConveyedInfoCommands(CLI::App& root, Commands& commands, const Context& context);
void addVerifyCommand(CLI::App& root, Commands& commands, const Context& context);
void addShowCommand(CLI::App& root, Commands& commands, const Context& context);
void addDhcpCommands(CLI::App& root, Commands& commands, const Context& context);
/// `sztp dhcp config`, added to the `dhcp` group by addDhcpCommands.
void addDhcpConfigCommand(CLI::App& dhcp, Commands& commands);
/// `sztp dns txt|srv`: zone-file records for DNS as a source (cmd_dns.cc).
void addDnsCommands(CLI::App& root, Commands& commands, const Context& context);
void addReasonCodesCommand(CLI::App& root, Commands& commands, const Context& context);

/// Prints "sztp: error: <reason>: <message>" to stderr; returns `exitCode`.
int reportError(const Error& error, int exitCode = kExitFailed);
/// A usage problem found after parsing (exit 2).
int usageError(const std::string& message);

/// Parses "30d", "12h", "90m", "45s", "2w" into seconds.
Result<std::chrono::seconds> parseDuration(const std::string& text);

}  // namespace sztp::cli
