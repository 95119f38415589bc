// The libcurl client of `sztp admin` and the helpers its commands share.
#include <curl/curl.h>

#include <cstdlib>
#include <iostream>

#include "admin/admin_error.h"
#include "admin/query.h"
#include "admin/timeline.h"
#include "cmd_admin.h"
#include "files.h"

namespace sztp::cli::admin {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

/// Owns the curl handle and header list of one request.
struct Easy {
  CURL* handle = curl_easy_init();
  curl_slist* headers = nullptr;
  ~Easy() {
    curl_slist_free_all(headers);
    if (handle != nullptr) {
      curl_easy_cleanup(handle);
    }
  }
  void header(const std::string& line) { headers = curl_slist_append(headers, line.c_str()); }
};

}  // namespace

Client::Client(const GlobalOptions& options) : options_(options) {
  if (options_.server.empty()) {
    const char* env = std::getenv("SZTP_ADMIN_URL");
    options_.server = env != nullptr && *env != '\0' ? env : kDefaultServer;
  }
  while (!options_.server.empty() && options_.server.back() == '/') {
    options_.server.pop_back();
  }
  if (!options_.tokenFile.empty()) {
    auto bytes = readFile(options_.tokenFile, std::size_t{64} * 1024);
    if (!bytes) {
      setupError_ = bytes.error();
    } else {
      token_ = trimmed(toString(*bytes));
    }
  } else if (const char* env = std::getenv("SZTP_ADMIN_TOKEN"); env != nullptr) {
    token_ = trimmed(env);
  }
}

Outcome<Reply> Client::send(const std::string& method, const std::string& pathAndQuery,
                            const std::string& body, const std::string& contentType,
                            const std::string& accept) {
  Outcome<Reply> outcome;
  Easy easy;
  if (easy.handle == nullptr) {
    const Error error(sztp::admin::AdminErrc::ServerUnreachable, "libcurl could not start");
    outcome.failure = {std::string(error.reason()), error.message()};
    return outcome;
  }
  const std::string url = options_.server + pathAndQuery;
  char errorText[CURL_ERROR_SIZE] = {};
  Reply reply;
  CURL* h = easy.handle;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(options_.timeoutSeconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorText);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "sztp-admin");
  if (method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  if (!options_.caCert.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, options_.caCert.c_str());
  }
  if (!options_.cert.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, options_.cert.c_str());
    curl_easy_setopt(h, CURLOPT_SSLKEY,
                     (options_.key.empty() ? options_.cert : options_.key).c_str());
  }
  if (!token_.empty()) {
    easy.header("Authorization: Bearer " + token_);
  }
  easy.header("Accept: " + accept);
  // Without a Content-Type curl would send application/x-www-form-urlencoded.
  easy.header("Content-Type: " +
              (contentType.empty() ? std::string("application/json") : contentType));
  easy.header("Expect:");  // no 100-continue round trip for large bodies
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, easy.headers);

  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    const Error error(sztp::admin::AdminErrc::ServerUnreachable,
                      url + ": " + (errorText[0] != '\0' ? errorText : curl_easy_strerror(rc)));
    outcome.failure = {std::string(error.reason()), error.message()};
    return outcome;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
  char* type = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
  reply.contentType = type != nullptr ? type : "";
  outcome.value = std::move(reply);
  return outcome;
}

Failure Client::failureOf(const Reply& reply) {
  const auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (!body.is_discarded() && body.is_object() && body.contains("error") &&
      body["error"].is_object()) {
    return {body["error"].value("reason", "unknown"), body["error"].value("message", "")};
  }
  const Error error(sztp::admin::AdminErrc::ReplyMalformed,
                    "HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 200));
  return {std::string(error.reason()), error.message()};
}

Outcome<nlohmann::json> Client::call(const std::string& method, const std::string& pathAndQuery,
                                     const std::string& body, const std::string& contentType) {
  Outcome<nlohmann::json> outcome;
  auto reply = send(method, pathAndQuery, body, contentType);
  if (!reply.ok()) {
    outcome.failure = reply.failure;
    return outcome;
  }
  if (reply->status < 200 || reply->status > 299) {
    outcome.failure = failureOf(*reply);
    return outcome;
  }
  if (reply->status == 204 || reply->body.empty()) {
    outcome.value = nlohmann::json();
    return outcome;
  }
  auto parsed = nlohmann::json::parse(reply->body, nullptr, false);
  if (parsed.is_discarded()) {
    outcome.failure = failureOf(*reply);
    return outcome;
  }
  outcome.value = std::move(parsed);
  return outcome;
}

Outcome<std::string> Client::text(const std::string& method, const std::string& pathAndQuery,
                                  const std::string& accept, const std::string& body,
                                  const std::string& contentType) {
  Outcome<std::string> outcome;
  auto reply = send(method, pathAndQuery, body, contentType, accept);
  if (!reply.ok()) {
    outcome.failure = reply.failure;
    return outcome;
  }
  if (reply->status < 200 || reply->status > 299) {
    outcome.failure = failureOf(*reply);
    return outcome;
  }
  outcome.value = std::move(reply->body);
  return outcome;
}

int reportFailure(const Failure& failure) {
  std::cerr << "sztp: error: " << failure.reason << ": " << failure.message << "\n";
  return kExitFailed;
}

void printJson(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

std::string itemPath(const std::string& collection, const std::string& name) {
  return "/api/v1/" + collection + "/" + sztp::admin::percentEncode(name);
}

void addParam(std::string& query, const std::string& name, const std::string& value) {
  if (value.empty()) {
    return;
  }
  query += query.empty() ? "?" : "&";
  query += name + "=" + sztp::admin::percentEncode(value);
}

std::string timeText(std::int64_t ms) {
  return ms == 0 ? "never" : sztp::admin::formatTimeMs(ms);
}

std::string formatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(widths[i] - row[i].size() + 2, ' ');
      }
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace sztp::cli::admin
