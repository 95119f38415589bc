// The load generator (see load_client.h). Boost.Asio C++20 coroutines over
// Beast's HTTP/1.1 and OpenSSL: one io_context per thread, C coroutines spread
// over them, each a simulated device onboarding again and again.
#include "load_client.h"  // first: it includes <utility>, which Boost 1.74's awaitable.hpp needs

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cmath>
#include <deque>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sztp::bench::load {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::awaitable;

constexpr std::string_view kGbdPath =
    "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
constexpr std::string_view kProgressPath =
    "/restconf/operations/ietf-sztp-bootstrap-server:report-progress";
constexpr std::string_view kMediaType = "application/yang-data+json";

// What a device running an older OS sends (RFC 8572 §7.1 input, RFC 7951 JSON;
// signed-data-preferred is an `empty` leaf).
constexpr std::string_view kGbdBody =
    R"({"ietf-sztp-bootstrap-server:input":{"signed-data-preferred":[null],)"
    R"("hw-model":"LoadDPU-1","os-name":"DemoOS","os-version":"1.0"}})";

// The five progress reports of an onboarding that needs no reboot.
const std::vector<std::string>& progressBodies() {
  static const std::vector<std::string> bodies = [] {
    const char* steps[][2] = {
        {"bootstrap-initiated", "starting"},
        {"parsing-complete", "onboarding information parsed"},
        {"pre-script-complete", "pre-configuration script done"},
        {"config-complete", "configuration committed"},
        {"bootstrap-complete", "done"},
    };
    std::vector<std::string> out;
    for (const auto& step : steps) {
      out.push_back(std::string(R"({"ietf-sztp-bootstrap-server:input":{"progress-type":")") +
                    step[0] + R"(","message":")" + step[1] + R"("}})");
    }
    return out;
  }();
  return bodies;
}

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};

struct Device {
  std::string serial;
  std::unique_ptr<X509, X509Free> certificate;
  std::unique_ptr<EVP_PKEY, PkeyFree> key;
};

std::string opensslError() {
  char text[256] = "unknown";
  if (const unsigned long code = ERR_get_error(); code != 0) {
    ERR_error_string_n(code, text, sizeof text);
  }
  ERR_clear_error();
  return text;
}

Device loadDevice(const std::filesystem::path& dir, const std::string& serial) {
  Device device;
  device.serial = serial;
  const auto certPath = (dir / (serial + ".crt")).string();
  const auto keyPath = (dir / (serial + ".key")).string();
  if (BIO* bio = BIO_new_file(certPath.c_str(), "r")) {
    device.certificate.reset(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
  }
  if (BIO* bio = BIO_new_file(keyPath.c_str(), "r")) {
    device.key.reset(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
  }
  if (!device.certificate || !device.key) {
    throw std::runtime_error("cannot load the IDevID of " + serial + " from " + dir.string() +
                             ": " + opensslError());
  }
  return device;
}

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

struct Outcome {
  bool ok = false;
  std::string error;
  Clock::time_point finishedAt;  ///< when the last 204 was read
  double totalMs = 0, handshakeMs = 0, gbdMs = 0, progressMs = 0;
  int requests = 0;
  std::size_t answerBytes = 0;
  std::string answer;      ///< kept when asked
  std::string tlsVersion;  ///< kept when asked
};

/// What every coroutine shares (read-only during the run, except the counter).
struct Shared {
  const LoadOptions& options;
  asio::ssl::context& tls;
  const std::vector<Device>& devices;
  tcp::endpoint endpoint;
  std::string hostHeader;
  Clock::time_point measureStart;
  Clock::time_point measureEnd;
  std::atomic<std::uint64_t> nextDevice{0};
};

bhttp::request<bhttp::string_body> makeRequest(const Shared& shared, std::string_view path,
                                               std::string_view body, bool last) {
  bhttp::request<bhttp::string_body> request{bhttp::verb::post, path, 11};
  request.set(bhttp::field::host, shared.hostHeader);
  request.set(bhttp::field::user_agent, "sztp-load/1");
  request.set(bhttp::field::content_type, kMediaType);
  request.set(bhttp::field::accept, kMediaType);
  request.body() = std::string(body);
  request.keep_alive(!last);
  request.prepare_payload();
  return request;
}

/// One onboarding of `device`: connect, handshake, get-bootstrapping-data,
/// five report-progress, then close (not timed).
awaitable<Outcome> onboard(Shared& shared, const Device& device, bool keep) {
  Outcome out;
  const auto executor = co_await asio::this_coro::executor;
  beast::ssl_stream<beast::tcp_stream> stream(executor, shared.tls);
  SSL* ssl = stream.native_handle();
  if (SSL_use_certificate(ssl, device.certificate.get()) != 1 ||
      SSL_use_PrivateKey(ssl, device.key.get()) != 1 ||
      SSL_set_tlsext_host_name(ssl, shared.options.serverName.c_str()) != 1 ||
      SSL_set1_host(ssl, shared.options.serverName.c_str()) != 1) {
    out.error = "SSL setup: " + opensslError();
    co_return out;
  }
  auto& tcpStream = beast::get_lowest_layer(stream);
  tcpStream.expires_after(shared.options.timeout);
  beast::error_code ec;
  const auto start = Clock::now();
  co_await tcpStream.async_connect(shared.endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    out.error = "connect: " + ec.message();
    co_return out;
  }
  tcpStream.socket().set_option(tcp::no_delay(true), ec);
  co_await stream.async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    out.error = "TLS handshake: " + ec.message();
    co_return out;
  }
  if (keep) {
    out.tlsVersion = SSL_get_version(ssl);
    out.tlsVersion += std::string(" ") + SSL_get_cipher_name(ssl);
  }
  const auto handshook = Clock::now();
  out.handshakeMs = seconds(handshook - start) * 1e3;

  beast::flat_buffer buffer;
  const auto& progress = progressBodies();
  Clock::time_point gbdDone;
  for (std::size_t i = 0; i <= progress.size(); ++i) {
    const bool gbd = i == 0;
    const bool last = i == progress.size();
    auto request = makeRequest(shared, gbd ? kGbdPath : kProgressPath,
                               gbd ? kGbdBody : std::string_view(progress[i - 1]), last);
    co_await bhttp::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out.error = std::string(gbd ? "get-bootstrapping-data" : "report-progress") +
                  " write: " + ec.message();
      co_return out;
    }
    bhttp::response<bhttp::string_body> response;
    co_await bhttp::async_read(stream, buffer, response,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out.error = std::string(gbd ? "get-bootstrapping-data" : "report-progress") +
                  " read: " + ec.message();
      co_return out;
    }
    ++out.requests;
    const unsigned expected = gbd ? 200 : 204;
    if (response.result_int() != expected) {
      out.error = std::string(gbd ? "get-bootstrapping-data" : "report-progress") + ": HTTP " +
                  std::to_string(response.result_int()) + " " + response.body().substr(0, 200);
      co_return out;
    }
    if (gbd) {
      out.answerBytes = response.body().size();
      const std::size_t want = shared.options.expectAnswerBytes;
      // DER ECDSA signatures vary by a few octets, so answers do too.
      const std::size_t slack = 64;
      if (out.answerBytes == 0 ||
          (want != 0 && (out.answerBytes + slack < want || out.answerBytes > want + slack))) {
        out.error = "get-bootstrapping-data: body of " + std::to_string(out.answerBytes) +
                    " octets, expected about " + std::to_string(want);
        co_return out;
      }
      if (keep) {
        out.answer = std::move(response.body());
      }
      gbdDone = Clock::now();
      out.gbdMs = seconds(gbdDone - handshook) * 1e3;
    }
  }
  out.finishedAt = Clock::now();
  out.progressMs = seconds(out.finishedAt - gbdDone) * 1e3;
  out.totalMs = seconds(out.finishedAt - start) * 1e3;
  out.ok = true;

  // We asked to close: the server sends close_notify; answer it and go.
  tcpStream.expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  tcpStream.close();
  co_return out;
}

struct ThreadStats {
  std::vector<double> total, handshake, gbd, progress;
  std::uint64_t errors = 0;
  std::uint64_t requests = 0;
  std::vector<std::string> errorSamples;
  std::size_t answerBytes = 0;
  std::string tlsVersion;
  // Open loop:
  std::vector<double> startLag;
  std::uint64_t arrivals = 0, delayed = 0;
};

/// Counts an onboarding that ended inside the window; `totalMs` is its latency
/// (closed loop: from connect; open loop: from its scheduled start).
void account(const Shared& shared, ThreadStats& stats, std::size_t index, const Outcome& out,
             Clock::time_point end, double totalMs) {
  if (end < shared.measureStart || end > shared.measureEnd) {
    return;
  }
  stats.requests += static_cast<std::uint64_t>(out.requests);
  if (!out.ok) {
    ++stats.errors;
    if (stats.errorSamples.size() < 5) {
      stats.errorSamples.push_back(shared.devices[index].serial + ": " + out.error);
    }
    return;
  }
  stats.total.push_back(totalMs);
  stats.handshake.push_back(out.handshakeMs);
  stats.gbd.push_back(out.gbdMs);
  stats.progress.push_back(out.progressMs);
  stats.answerBytes = out.answerBytes;
}

awaitable<void> worker(Shared& shared, ThreadStats& stats) {
  bool first = stats.tlsVersion.empty();
  while (Clock::now() < shared.measureEnd) {
    const auto index = shared.nextDevice.fetch_add(1) % shared.devices.size();
    Outcome out = co_await onboard(shared, shared.devices[index], first);
    const auto end = out.ok ? out.finishedAt : Clock::now();
    if (first && out.ok) {
      stats.tlsVersion = out.tlsVersion;
      first = false;
    }
    account(shared, stats, index, out, end, out.totalMs);
  }
}

/// Open loop, per client thread: the onboardings in flight and the arrivals
/// waiting for one of the `cap` slots (their scheduled starts).
struct OpenLoop {
  int cap = 1;
  int inFlight = 0;
  int maxInFlight = 0;
  std::deque<Clock::time_point> backlog;
};

/// One slot: onboards for the arrival scheduled at `scheduled`, then for the
/// arrivals that queued meanwhile, until none waits (or the window is over).
awaitable<void> openSlot(Shared& shared, ThreadStats& stats, OpenLoop& loop,
                         Clock::time_point scheduled) {
  for (;;) {
    const auto index = shared.nextDevice.fetch_add(1) % shared.devices.size();
    const auto started = Clock::now();
    const bool first = stats.tlsVersion.empty();
    Outcome out = co_await onboard(shared, shared.devices[index], first);
    if (first && out.ok) {
      stats.tlsVersion = out.tlsVersion;
    }
    if (scheduled >= shared.measureStart && scheduled < shared.measureEnd) {
      stats.startLag.push_back(seconds(started - scheduled) * 1e3);
    }
    const auto end = out.ok ? out.finishedAt : Clock::now();
    account(shared, stats, index, out, end, seconds(end - scheduled) * 1e3);
    if (loop.backlog.empty() || Clock::now() >= shared.measureEnd) {
      break;
    }
    scheduled = loop.backlog.front();
    loop.backlog.pop_front();
  }
  --loop.inFlight;
}

/// Schedules arrivals from `begin` to the end of the window at `rate` per
/// second: exponential gaps from a fixed seed (Poisson), or even ones. A late
/// timer (busy client) does not move the schedule: latency counts from it.
awaitable<void> dispatcher(Shared& shared, ThreadStats& stats, OpenLoop& loop, double rate,
                           bool poisson, std::uint64_t seed, Clock::time_point begin) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gaps(rate);
  beast::error_code ec;
  auto next = begin;
  while (next < shared.measureEnd) {
    timer.expires_at(next);
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const bool inWindow = next >= shared.measureStart;
    stats.arrivals += inWindow ? 1 : 0;
    if (loop.inFlight < loop.cap) {
      ++loop.inFlight;
      loop.maxInFlight = std::max(loop.maxInFlight, loop.inFlight);
      asio::co_spawn(executor, openSlot(shared, stats, loop, next), asio::detached);
    } else {
      loop.backlog.push_back(next);
      stats.delayed += inWindow ? 1 : 0;
    }
    next += std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(poisson ? gaps(rng) : 1.0 / rate));
  }
}

awaitable<void> probeTask(Shared& shared, const Device& device, Outcome& out) {
  out = co_await onboard(shared, device, true);
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::min(values.size(), std::max<std::size_t>(rank, 1)) - 1];
}

double clientCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

std::unique_ptr<asio::ssl::context> makeClientContext(const LoadOptions& options) {
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* ctx = tls->native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // A device onboards once: no session to resume, none to keep.
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_load_verify_locations(ctx, options.serverCa.c_str(), nullptr) != 1) {
    throw std::runtime_error("cannot load the server trust anchor " + options.serverCa.string() +
                             ": " + opensslError());
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  return tls;
}

std::vector<Device> loadDevices(const LoadOptions& options) {
  std::vector<Device> devices;
  devices.reserve(options.serials.size());
  for (const auto& serial : options.serials) {
    devices.push_back(loadDevice(options.idevidDir, serial));
  }
  if (devices.empty()) {
    throw std::runtime_error("no devices");
  }
  return devices;
}

}  // namespace

ProcSample sampleProcesses(const std::vector<pid_t>& pids) {
  ProcSample sample;
  sample.ok = !pids.empty();
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (const pid_t pid : pids) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto paren = text.rfind(')');
    if (paren == std::string::npos) {
      sample.ok = false;
      continue;
    }
    // After "pid (comm)": field 3 (state) onwards; utime and stime are 14 and 15.
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int n = 3; n <= 15 && fields >> field; ++n) {
      if (n == 14) {
        utime = std::stod(field);
      } else if (n == 15) {
        stime = std::stod(field);
      }
    }
    sample.cpuSeconds += (utime + stime) / ticks;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      const auto kb = [&line] { return std::stod(line.substr(line.find(':') + 1)) / 1024.0; };
      if (line.rfind("VmHWM:", 0) == 0) {
        sample.peakRssMb += kb();
      } else if (line.rfind("VmRSS:", 0) == 0) {
        sample.currentRssMb += kb();
      }
    }
  }
  return sample;
}

LoadResult runLoad(const LoadOptions& options) {
  const auto devices = loadDevices(options);
  auto tls = makeClientContext(options);
  const int threadCount = std::max(1, options.threads);
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < threadCount; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
  }
  Shared shared{options, *tls, devices, {}, {}, {}, {}};
  shared.endpoint = tcp::endpoint(asio::ip::make_address(options.host), options.port);
  shared.hostHeader = options.serverName + ":" + std::to_string(options.port);
  const auto begin = Clock::now();
  shared.measureStart = begin + options.warmup;
  shared.measureEnd = shared.measureStart + options.duration;

  const bool open = options.rate > 0;
  std::vector<ThreadStats> stats(
      static_cast<std::size_t>(std::max(options.concurrency, threadCount)));
  std::vector<OpenLoop> loops(static_cast<std::size_t>(threadCount));
  if (open) {
    // Each client thread takes an equal share of the rate and of the cap.
    for (int t = 0; t < threadCount; ++t) {
      auto& loop = loops[static_cast<std::size_t>(t)];
      loop.cap = std::max(1, options.concurrency / threadCount);
      asio::co_spawn(
          *contexts[static_cast<std::size_t>(t)],
          dispatcher(shared, stats[static_cast<std::size_t>(t)], loop, options.rate / threadCount,
                     options.poisson, options.seed + static_cast<std::uint64_t>(t), begin),
          asio::detached);
    }
  } else {
    for (int c = 0; c < options.concurrency; ++c) {
      auto& context = *contexts[static_cast<std::size_t>(c % threadCount)];
      asio::co_spawn(context, worker(shared, stats[static_cast<std::size_t>(c)]), asio::detached);
    }
  }
  std::vector<std::thread> threads;
  for (auto& context : contexts) {
    threads.emplace_back([&context] { context->run(); });
  }

  std::this_thread::sleep_until(shared.measureStart);
  const ProcSample serverBefore = sampleProcesses(options.serverPids);
  const double clientBefore = clientCpuSeconds();
  std::this_thread::sleep_until(shared.measureEnd);
  const ProcSample serverAfter = sampleProcesses(options.serverPids);
  const double clientAfter = clientCpuSeconds();
  double load[1] = {0};
  getloadavg(load, 1);
  for (auto& thread : threads) {
    thread.join();
  }

  LoadResult result;
  result.windowSeconds = seconds(shared.measureEnd - shared.measureStart);
  std::vector<double> total, handshake, gbd, progress, startLag;
  for (auto& loop : loops) {
    for (const auto scheduled : loop.backlog) {
      result.dropped += scheduled >= shared.measureStart && scheduled < shared.measureEnd ? 1 : 0;
    }
    result.maxInFlight += loop.maxInFlight;
  }
  for (auto& s : stats) {
    startLag.insert(startLag.end(), s.startLag.begin(), s.startLag.end());
    result.arrivals += s.arrivals;
    result.delayed += s.delayed;
    total.insert(total.end(), s.total.begin(), s.total.end());
    handshake.insert(handshake.end(), s.handshake.begin(), s.handshake.end());
    gbd.insert(gbd.end(), s.gbd.begin(), s.gbd.end());
    progress.insert(progress.end(), s.progress.begin(), s.progress.end());
    result.errors += s.errors;
    result.requests += s.requests;
    for (auto& sample : s.errorSamples) {
      if (result.errorSamples.size() < 10) {
        result.errorSamples.push_back(std::move(sample));
      }
    }
    if (s.answerBytes != 0) {
      result.answerBytes = s.answerBytes;
    }
    if (result.tlsVersion.empty()) {
      result.tlsVersion = s.tlsVersion;
    }
  }
  result.onboardings = total.size();
  double sum = 0;
  for (const double v : total) {
    sum += v;
  }
  result.meanMs = total.empty() ? 0 : sum / static_cast<double>(total.size());
  result.p50Ms = percentile(total, 0.50);
  result.p90Ms = percentile(total, 0.90);
  result.p99Ms = percentile(total, 0.99);
  result.maxMs = total.empty() ? 0 : total.back();
  result.handshakeP50Ms = percentile(handshake, 0.50);
  result.gbdP50Ms = percentile(gbd, 0.50);
  result.progressP50Ms = percentile(progress, 0.50);
  result.startLagP50Ms = percentile(startLag, 0.50);
  result.startLagP99Ms = percentile(startLag, 0.99);
  if (serverBefore.ok && serverAfter.ok) {
    result.serverCpuSeconds = serverAfter.cpuSeconds - serverBefore.cpuSeconds;
  }
  result.serverPeakRssMb = serverAfter.peakRssMb;
  result.serverRssMb = serverAfter.currentRssMb;
  result.clientCpuSeconds = clientAfter - clientBefore;
  result.loadAverage1m = load[0];
  return result;
}

std::string probeOnce(const LoadOptions& options, const std::string& serial,
                      std::string& tlsVersion) {
  LoadOptions one = options;
  one.serials = {serial};
  const auto devices = loadDevices(one);
  auto tls = makeClientContext(one);
  asio::io_context context(1);
  Shared shared{one, *tls, devices, {}, {}, {}, {}};
  shared.endpoint = tcp::endpoint(asio::ip::make_address(one.host), one.port);
  shared.hostHeader = one.serverName + ":" + std::to_string(one.port);
  Outcome out;
  asio::co_spawn(context, probeTask(shared, devices.front(), out), asio::detached);
  context.run();
  if (!out.ok) {
    throw std::runtime_error(serial + ": " + out.error);
  }
  tlsVersion = out.tlsVersion;
  return out.answer;
}

}  // namespace sztp::bench::load
