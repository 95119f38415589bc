// sztp_fetch: one boot-image download exactly as the agent makes it
// (client::HttpsDownloader: streamed to disk through one buffer, SHA-256
// computed while the octets arrive, fsync and rename when the hash matches),
// for bench/agent/run.sh. Prints one JSON line: wall seconds, octets, whether
// the hash matched, and this process's peak RSS.

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "client/downloader.h"
#include "common/hex.h"

int main(int argc, char** argv) {
  CLI::App app{"sztp_fetch: download a boot image as sztp-agent does and report time and RSS"};
  std::string uri;
  std::string output;
  std::string sha256;
  app.add_option("uri", uri, "https:// URI")->required();
  app.add_option("-o,--output", output, "Destination file")->required();
  app.add_option("--sha256", sha256, "Expected SHA-256, hex")->required();
  CLI11_PARSE(app, argc, argv);

  auto expected = sztp::hexDecodeLenient(sha256);
  if (!expected) {
    std::cerr << "sztp_fetch: --sha256 is not hex\n";
    return 2;
  }
  sztp::client::DownloaderSettings settings;  // no anchors: D45, the hash is what is trusted
  sztp::client::HttpsDownloader downloader(settings);
  sztp::agent::DownloadRequest request;
  request.uri = uri;
  request.destinationPath = output;
  request.sha256 = {*expected};
  request.timeout = std::chrono::seconds(600);
  const auto t0 = std::chrono::steady_clock::now();
  auto result = downloader.download(request);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  if (!result) {
    std::cerr << "sztp_fetch: " << result.error().describe() << "\n";
    return 1;
  }
  std::printf("{\"seconds\": %.3f, \"bytes\": %llu, \"verified\": true, \"peak_rss_kb\": %ld}\n",
              seconds, static_cast<unsigned long long>(result->bytes), usage.ru_maxrss);
  return 0;
}
