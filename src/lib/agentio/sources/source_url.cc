#include "agentio/sources/source_url.h"

#include "dhcp/sztp_redirect_option.h"

namespace sztp::agentio {

UrlSource::UrlSource(std::vector<std::string> urls) : urls_(std::move(urls)) {}

Status UrlSource::validate(const std::string& url) {
  auto parsed = dhcp::parseBootstrapServerUri(url);
  if (!parsed) {
    return std::move(parsed).error();
  }
  return {};
}

Result<std::vector<agent::SourceYield>> UrlSource::discover() {
  std::vector<agent::SourceYield> out;
  for (const auto& url : urls_) {
    auto parsed = dhcp::parseBootstrapServerUri(url);
    if (!parsed) {
      return std::move(parsed).error();
    }
    agent::SourceYield yield;
    yield.kind = agent::SourceKind::Url;
    yield.origin = "bootstrap-url " + url;
    yield.servers.push_back({parsed->host, parsed->port, std::nullopt});
    out.push_back(std::move(yield));
  }
  return out;
}

}  // namespace sztp::agentio
