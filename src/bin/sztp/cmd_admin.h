#pragma once

// Internal to `sztp admin` (docs/cli.md, "sztp admin"; docs/admin-api.md):
// the HTTP client for the admin API and what the admin subcommands share.

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "command.h"

namespace sztp::cli::admin {

/// The options of `sztp admin` itself, shared by every admin subcommand.
struct GlobalOptions {
  std::string server;     ///< --server, else $SZTP_ADMIN_URL, else kDefaultServer.
  std::string tokenFile;  ///< --token-file; else $SZTP_ADMIN_TOKEN holds the token.
  std::string caCert;     ///< --cacert: trust anchors for an https server.
  std::string cert;       ///< --cert/--key: admin client certificate.
  std::string key;
  bool json = false;  ///< --json: print the API's JSON instead of text.
  int timeoutSeconds = 120;
};

inline constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

/// One answer of the API.
struct Reply {
  long status = 0;
  std::string contentType;
  std::string body;
};

/// Why a call failed, as printed: the server's reason code and message, or
/// the client's own (admin-server-unreachable, admin-reply-malformed).
struct Failure {
  std::string reason;
  std::string message;
};

/// A call's value or its failure.
template <class T>
struct Outcome {
  std::optional<T> value;
  Failure failure;
  bool ok() const { return value.has_value(); }
  T& operator*() { return *value; }
  T* operator->() { return &*value; }
};

/// The admin API over libcurl. One connection per request (admin traffic is
/// light); no redirects followed; http and https only.
class Client {
 public:
  explicit Client(const GlobalOptions& options);

  /// Any status; fails only when no HTTP answer came back.
  Outcome<Reply> send(const std::string& method, const std::string& pathAndQuery,
                      const std::string& body = {}, const std::string& contentType = {},
                      const std::string& accept = "application/json");
  /// A 2xx answer's body as JSON (null for 204); anything else is a Failure
  /// carrying the server's error.
  Outcome<nlohmann::json> call(const std::string& method, const std::string& pathAndQuery,
                               const std::string& body = {},
                               const std::string& contentType = "application/json");
  /// A 2xx answer's body as text.
  Outcome<std::string> text(const std::string& method, const std::string& pathAndQuery,
                            const std::string& accept, const std::string& body = {},
                            const std::string& contentType = {});

  /// The credential problem found when the client was set up (unreadable
  /// token file), if any; commands report it as a usage error.
  const std::optional<Error>& setupError() const { return setupError_; }

 private:
  static Failure failureOf(const Reply& reply);

  GlobalOptions options_;
  std::string token_;
  std::optional<Error> setupError_;
};

/// Prints "sztp: error: <reason>: <message>"; returns kExitFailed.
int reportFailure(const Failure& failure);

/// Prints JSON indented by two spaces.
void printJson(const nlohmann::json& value);

/// "/api/v1/<collection>/<percent-encoded name>".
std::string itemPath(const std::string& collection, const std::string& name);

/// Adds `name=value` (percent-encoded) to `query` when `value` is not empty.
void addParam(std::string& query, const std::string& name, const std::string& value);

/// Unix milliseconds as RFC 3339 UTC with milliseconds; "never" for 0.
std::string timeText(std::int64_t ms);

/// Left-aligned columns separated by two spaces.
std::string formatTable(const std::vector<std::vector<std::string>>& rows);

using Shared = std::shared_ptr<GlobalOptions>;

/// A command body run with a client; a bad token file is a usage error.
template <class Body>
std::function<int()> withClient(const Shared& global, Body body) {
  return [global, body]() {
    Client client(*global);
    if (client.setupError()) {
      return reportError(*client.setupError(), kExitUsage);
    }
    return body(client, *global);
  };
}

/// Applies inventory YAML through PUT /api/v1/inventory, sending along every
/// file it names (read relative to `baseDir`; boot images as digests only)
/// and printing the plan. `lineOffset` is subtracted from line numbers in
/// error messages (for YAML wrapped by `put`).
int applyInventory(Client& client, const GlobalOptions& global, const std::string& yaml,
                   const std::string& baseDir, bool prune, bool dryRun, int lineOffset = 0);

void addDeviceCommands(CLI::App& admin, Commands& commands, const Shared& global);
void addObjectCommands(CLI::App& admin, Commands& commands, const Shared& global);
void addInventoryCommands(CLI::App& admin, Commands& commands, const Shared& global);
void addLogCommands(CLI::App& admin, Commands& commands, const Shared& global);

}  // namespace sztp::cli::admin

namespace sztp::cli {

/// `sztp admin ...`: every admin subcommand, talking to the admin API.
void addAdminCommands(CLI::App& root, Commands& commands, const Context& context);

}  // namespace sztp::cli
