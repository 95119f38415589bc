// sztp: the SZTP toolkit for owners and manufacturers (docs/cli.md).
// Thin wiring: every operation lives in the libraries under src/lib.
#include <iostream>

#include "cmd_admin.h"
#include "command.h"
#include "common/codec_error.h"

namespace sztp::cli {

int reportError(const Error& error, int exitCode) {
  std::cerr << "sztp: error: " << error.describe() << "\n";
  return exitCode;
}

int usageError(const std::string& message) {
  std::cerr << "sztp: usage error: " << message << "\n"
            << "Run with --help for more information.\n";
  return kExitUsage;
}

Result<std::chrono::seconds> parseDuration(const std::string& text) {
  using namespace std::chrono;
  if (text.size() < 2) {
    return Error(CodecErrc::InvalidValue, "duration '" + text + "': use e.g. 30d, 12h, 90m");
  }
  const char unit = text.back();
  const std::string number = text.substr(0, text.size() - 1);
  if (number.find_first_not_of("0123456789") != std::string::npos || number.size() > 9) {
    return Error(CodecErrc::InvalidValue, "duration '" + text + "': use e.g. 30d, 12h, 90m");
  }
  const long value = std::stol(number);
  switch (unit) {
    case 's':
      return seconds(value);
    case 'm':
      return seconds(minutes(value));
    case 'h':
      return seconds(hours(value));
    case 'd':
      return seconds(days(value));
    case 'w':
      return seconds(weeks(value));
    default:
      return Error(CodecErrc::InvalidValue,
                   "duration '" + text + "': the unit must be s, m, h, d or w");
  }
}

}  // namespace sztp::cli

namespace {

int run(int argc, char** argv) {
  using namespace sztp::cli;
  CLI::App app{
      "sztp - Secure Zero Touch Provisioning (RFC 8572) toolkit for owners and manufacturers.\n"
      "Creates, signs, inspects and verifies every SZTP artifact: demo PKIs, ownership\n"
      "vouchers, owner certificates, conveyed information and DHCP options."};
  app.name("sztp");
  app.set_version_flag("--version", std::string("sztp ") + SZTP_VERSION);
  app.require_subcommand(1);
  app.get_formatter()->column_width(34);
  app.footer(
      "Exit status: 0 success, 1 the operation failed (e.g. verification rejected the\n"
      "artifacts; the reason code is printed), 2 usage error.\n"
      "Every failure carries a stable reason code: `sztp reason-codes` lists them.\n"
      "Documentation: docs/cli.md.");

  const sztp::SystemClock clock;
  const Context context{clock};
  Commands commands;
  addPkiCommands(app, commands, context);
  addVoucherCommands(app, commands, context);
  addOwnerCertCommands(app, commands, context);
  addConveyedInfoCommands(app, commands, context);
  addVerifyCommand(app, commands, context);
  addShowCommand(app, commands, context);
  addDhcpCommands(app, commands, context);
  addDnsCommands(app, commands, context);
  addReasonCodesCommand(app, commands, context);
  addAdminCommands(app, commands, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  for (const auto& command : commands) {
    if (command.app->parsed()) {
      return command.run();
    }
  }
  return usageError("no command given");
}

}  // namespace

int main(int argc, char** argv) {
  // The libraries report failures as Result values; an exception here is a bug
  // (or memory exhaustion). Say so and fail rather than abort with a trace.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "sztp: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "sztp: internal error\n";
  }
  return sztp::cli::kExitFailed;
}
