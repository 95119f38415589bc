// sztp admin: operate a running sztp-server through its admin API
// (docs/cli.md "sztp admin", docs/admin-api.md). Thin: every decision is the
// server's; this builds requests and prints answers.
#include "cmd_admin.h"

namespace sztp::cli {

void addAdminCommands(CLI::App& root, Commands& commands, const Context& context) {
  (void)context;
  auto global = std::make_shared<admin::GlobalOptions>();
  auto* adminApp = root.add_subcommand(
      "admin",
      "Operate a running sztp-server through its admin API: devices, device types, owners,\n"
      "images, scripts, configurations, profiles, the YAML inventory, bulk imports, the\n"
      "audit log and statistics");
  adminApp->require_subcommand(1);
  // Options of `admin` may also be given after the subcommand
  // (`sztp admin device list --server ...`).
  adminApp->fallthrough();
  adminApp->add_option("--server", global->server,
                       "Admin API base URL (default $SZTP_ADMIN_URL, else " +
                           std::string(admin::kDefaultServer) + ")");
  adminApp->add_option("--token-file", global->tokenFile,
                       "File holding the admin bearer token (default: the token in "
                       "$SZTP_ADMIN_TOKEN)");
  adminApp->add_option("--cacert", global->caCert,
                       "PEM trust anchors for an https server (default: the system's)");
  adminApp->add_option("--cert", global->cert, "Admin client certificate (PEM) for mutual TLS");
  adminApp->add_option("--key", global->key, "Private key (PEM) of --cert");
  adminApp->add_flag("--json", global->json, "Print the API's JSON instead of text");
  adminApp
      ->add_option("--timeout", global->timeoutSeconds,
                   "Seconds to wait for each answer (default 120)")
      ->check(CLI::Range(1, 3600));
  adminApp->footer(
      "Exit status: 0 success, 1 the server refused or failed (its reason code and message\n"
      "are printed) or cannot be reached, 2 usage error. Documentation: docs/cli.md,\n"
      "docs/admin-api.md.");
  admin::addDeviceCommands(*adminApp, commands, global);
  admin::addObjectCommands(*adminApp, commands, global);
  admin::addInventoryCommands(*adminApp, commands, global);
  admin::addLogCommands(*adminApp, commands, global);
}

}  // namespace sztp::cli
