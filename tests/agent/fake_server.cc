#include "fake_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <set>
#include <thread>

// Asio and Beast are compiled once in sztp_net (BOOST_*_SEPARATE_COMPILATION
// comes with linking it); this file only uses their blocking forms, one
// thread per connection, which is all a test peer needs.

namespace sztp::agent::e2e {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::optional<std::string> FakeRequest::header(const std::string& name) const {
  const auto it = headers.find(name);
  if (it == headers.end()) {
    return std::nullopt;
  }
  return it->second;
}

FakeReply httpResponse(int status, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  FakeReply reply;
  reply.bytes = "HTTP/1.1 " + std::to_string(status) + " Fake\r\n";
  for (const auto& [name, value] : headers) {
    reply.bytes += name + ": " + value + "\r\n";
  }
  reply.bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return reply;
}

FakeReply yangJson(const std::string& body) {
  return httpResponse(200, body, {{"Content-Type", "application/yang-data+json"}});
}

class FakeServer::Impl {
 public:
  Impl(const std::filesystem::path& chain, const std::filesystem::path& key, Handler handler)
      : handler_(std::move(handler)) {
    tls_.use_certificate_chain_file(chain.string());
    tls_.use_private_key_file(key.string(), ssl::context::pem);
    const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(local.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(local);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    acceptThread_ = std::thread([this] { acceptLoop(); });
  }

  ~Impl() {
    stopping_ = true;
    {
      // A connection of our own wakes the blocking accept.
      boost::system::error_code ec;
      tcp::socket poke(io_);
      poke.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    }
    acceptThread_.join();
    {
      const std::lock_guard lock(mutex_);
      for (const int fd : open_) {
        ::shutdown(fd, SHUT_RDWR);  // Ends blocking reads; the fd stays owned by its thread.
      }
    }
    for (auto& thread : connections_) {
      thread.join();
    }
  }

  std::uint16_t port() const { return port_; }

  void setHandler(Handler handler) {
    const std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }

  std::vector<FakeRequest> requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
  }

  std::uint64_t streamed() const { return streamed_; }

 private:
  void acceptLoop() {
    while (!stopping_) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) {
        break;
      }
      const std::lock_guard lock(mutex_);
      open_.insert(socket.native_handle());
      connections_.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }

  void serve(tcp::socket socket) {
    const int fd = socket.native_handle();
    ssl::stream<tcp::socket> stream(std::move(socket), tls_);
    exchange(stream);
    const std::lock_guard lock(mutex_);
    open_.erase(fd);  // Before the stream closes it: the number may be reused.
  }

  void exchange(ssl::stream<tcp::socket>& stream) {
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) {
      return;
    }
    boost::beast::flat_buffer buffer;
    while (true) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(std::uint64_t{1} << 20);
      bhttp::read(stream, buffer, parser, ec);
      if (ec) {
        return;
      }
      const auto& message = parser.get();
      FakeRequest request;
      request.method = std::string(message.method_string());
      request.target = std::string(message.target());
      for (const auto& field : message) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        request.headers[name] = std::string(field.value());
      }
      request.body = message.body();
      FakeReply reply;
      {
        const std::lock_guard lock(mutex_);
        requests_.push_back(request);
        reply = handler_(request);
      }
      asio::write(stream, asio::buffer(reply.bytes), ec);
      if (!ec && reply.stream) {
        auto write = [&](std::string_view bytes) {
          asio::write(stream, asio::buffer(bytes.data(), bytes.size()), ec);
          if (!ec) {
            streamed_ += bytes.size();
          }
          return !ec;
        };
        while (!ec && reply.stream(write)) {
        }
      }
      if (ec) {
        return;
      }
      if (reply.end == FakeReply::End::Abort) {
        stream.next_layer().close(ec);
        return;
      }
      if (reply.end == FakeReply::End::Close || !message.keep_alive()) {
        // close_notify goes out; the read for the peer's own then ends at once.
        stream.next_layer().shutdown(tcp::socket::shutdown_receive, ec);
        stream.shutdown(ec);
        return;
      }
    }
  }

  Handler handler_;
  asio::io_context io_;
  ssl::context tls_{ssl::context::tls_server};
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> streamed_{0};
  std::thread acceptThread_;
  mutable std::mutex mutex_;  ///< requests_, open_, connections_ and the handler.
  std::vector<FakeRequest> requests_;
  std::set<int> open_;
  std::vector<std::thread> connections_;
};

FakeServer::FakeServer(const std::filesystem::path& certificateChain,
                       const std::filesystem::path& key, Handler handler)
    : impl_(std::make_unique<Impl>(certificateChain, key, std::move(handler))) {}

FakeServer::~FakeServer() = default;

void FakeServer::setHandler(Handler handler) {
  impl_->setHandler(std::move(handler));
}

std::uint16_t FakeServer::port() const {
  return impl_->port();
}

std::vector<FakeRequest> FakeServer::requests() const {
  return impl_->requests();
}

std::vector<FakeRequest> FakeServer::requestsTo(std::string_view suffix) const {
  std::vector<FakeRequest> matching;
  for (auto& request : impl_->requests()) {
    if (request.target.size() >= suffix.size() &&
        request.target.compare(request.target.size() - suffix.size(), suffix.size(), suffix) == 0) {
      matching.push_back(std::move(request));
    }
  }
  return matching;
}

std::uint64_t FakeServer::streamed() const {
  return impl_->streamed();
}

}  // namespace sztp::agent::e2e
