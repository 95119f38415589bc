#include "client/blocking_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include "client/client_error.h"

namespace sztp::client::detail {
namespace {

namespace asio = net::detail::asio;
namespace beast = net::detail::beast;
namespace bhttp = net::detail::bhttp;

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
// Holds a whole header plus whatever body arrives with it.
constexpr std::size_t kInputBytes = kMaxHeaderBytes + 16 * 1024;

/// The socket under the SSL object. OpenSSL's own socket BIO writes with
/// write(2), which raises SIGPIPE when the peer has gone; this one uses
/// send(MSG_NOSIGNAL), so a library never kills its process.
struct SocketBio {
  int fd = -1;
  bool eof = false;
};

int bioWrite(BIO* bio, const char* data, int size) {
  auto* socket = static_cast<SocketBio*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t sent = ::send(socket->fd, data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_write(bio);
  }
  return static_cast<int>(sent);
}

int bioRead(BIO* bio, char* data, int size) {
  auto* socket = static_cast<SocketBio*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t got = ::recv(socket->fd, data, static_cast<std::size_t>(size), 0);
  if (got == 0) {
    socket->eof = true;
  } else if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_read(bio);
  }
  return static_cast<int>(got);
}

long bioCtrl(BIO* bio, int command, long /*number*/, void* /*pointer*/) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return static_cast<SocketBio*>(BIO_get_data(bio))->eof ? 1 : 0;
    default:
      return 0;
  }
}

/// Made once and never changed (OpenSSL keeps a pointer to it in every BIO).
const BIO_METHOD* socketBioMethod() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sztp-socket");
    if (made != nullptr) {
      BIO_meth_set_write(made, bioWrite);
      BIO_meth_set_read(made, bioRead);
      BIO_meth_set_ctrl(made, bioCtrl);
    }
    return made;
  }();
  return method;
}

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

/// Waits until `fd` is ready for `events`; false when the deadline passed.
bool waitFor(int fd, short events, SteadyTime deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd entry{fd, events, 0};
    const int ready =
        ::poll(&entry, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
    if (ready > 0) {
      return true;  // Also on POLLERR/POLLHUP: the next call reports why.
    }
    if (ready < 0 && errno != EINTR) {
      return true;
    }
  }
}

std::string errnoText() {
  return std::strerror(errno);
}

}  // namespace

class BlockingConnection::Impl {
 public:
  ~Impl() {
    ssl.reset();
    if (socket.fd >= 0) {
      ::close(socket.fd);
    }
  }

  /// Up to `size` octets from the connection: 0 at the end of the stream
  /// (`cleanEnd` tells whether TLS closed properly).
  Result<std::size_t> receive(char* data, std::size_t size, SteadyTime deadline) {
    while (true) {
      if (!ssl) {
        const ssize_t got = ::recv(socket.fd, data, size, 0);
        if (got >= 0) {
          cleanEnd = true;
          return static_cast<std::size_t>(got);
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return Error(ClientErrc::AnswerTruncated, "receiving: " + errnoText());
        }
        if (!waitFor(socket.fd, POLLIN, deadline)) {
          return Error(ClientErrc::Timeout, "no data in time");
        }
        continue;
      }
      ERR_clear_error();
      std::size_t got = 0;
      if (SSL_read_ex(ssl.get(), data, size, &got) == 1) {
        return got;
      }
      const int reason = SSL_get_error(ssl.get(), 0);
      if (reason == SSL_ERROR_ZERO_RETURN) {
        cleanEnd = true;
        return std::size_t{0};
      }
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
        if (!waitFor(socket.fd, reason == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
          return Error(ClientErrc::Timeout, "no data in time");
        }
        continue;
      }
      if (socket.eof) {
        // The TCP stream ended without TLS's close_notify.
        cleanEnd = false;
        return std::size_t{0};
      }
      return Error(ClientErrc::AnswerTruncated,
                   "receiving: " + (reason == SSL_ERROR_SYSCALL ? errnoText() : opensslErrors()));
    }
  }

  /// Moves up to `size` unread octets of `input` to `data`.
  std::size_t takeInput(char* data, std::size_t size) {
    const std::size_t n = std::min(size, inputEnd - inputBegin);
    std::memcpy(data, input.data() + inputBegin, n);
    inputBegin += n;
    return n;
  }

  /// Reads more into `input` (kept from its start); 0 at the end of the stream.
  Result<std::size_t> fillInput(SteadyTime deadline) {
    if (inputBegin == inputEnd) {
      inputBegin = inputEnd = 0;
    } else if (inputEnd == input.size() && inputBegin > 0) {
      std::memmove(input.data(), input.data() + inputBegin, inputEnd - inputBegin);
      inputEnd -= inputBegin;
      inputBegin = 0;
    }
    if (inputEnd == input.size()) {
      return Error(ClientErrc::AnswerTooLarge,
                   "the answer's header is over " + std::to_string(kMaxHeaderBytes) + " octets");
    }
    auto got = receive(input.data() + inputEnd, input.size() - inputEnd, deadline);
    if (got) {
      inputEnd += *got;
    }
    return got;
  }

  /// Hands the unread input to the parser; what it took is consumed.
  beast::error_code parse() {
    beast::error_code ec;
    const std::size_t used =
        parser.put(asio::buffer(input.data() + inputBegin, inputEnd - inputBegin), ec);
    inputBegin += used;
    return ec;
  }

  Status readChunked(char* data, std::size_t size, SteadyTime deadline, std::size_t& got,
                     bool& done) {
    auto& body = parser.get().body();
    body.data = data;
    body.size = size;
    while (!parser.is_done() && body.size > 0) {
      beast::error_code ec = inputBegin < inputEnd ? parse() : bhttp::error::need_more;
      got = size - body.size;
      if (ec == bhttp::error::need_buffer) {
        break;
      }
      if (ec == bhttp::error::need_more) {
        auto more = fillInput(deadline);
        if (!more) {
          return std::move(more).error();
        }
        if (*more == 0) {
          return Error(ClientErrc::AnswerTruncated, "the chunked body stopped short");
        }
        continue;
      }
      if (ec) {
        return Error(ClientErrc::AnswerMalformed, "the chunked body: " + ec.message());
      }
    }
    got = size - body.size;
    done = parser.is_done();
    return {};
  }

  Status readRaw(char* data, std::size_t size, SteadyTime deadline, std::size_t& got, bool& done) {
    const auto capped = [&](std::size_t want) {
      return remaining ? static_cast<std::size_t>(std::min<std::uint64_t>(want, *remaining)) : want;
    };
    while (got < size && !(remaining && *remaining == 0)) {
      std::size_t n = 0;
      if (inputBegin < inputEnd) {
        n = takeInput(data + got, capped(size - got));
      } else {
        auto received = receive(data + got, capped(size - got), deadline);
        if (!received) {
          return std::move(received).error();
        }
        n = *received;
        if (n == 0) {
          if (remaining) {
            return Error(ClientErrc::AnswerTruncated, "the connection closed " +
                                                          std::to_string(*remaining) +
                                                          " octets before the end of the body");
          }
          if (!cleanEnd) {
            return Error(ClientErrc::AnswerTruncated,
                         "the TLS connection closed without close_notify: the end of a body "
                         "without Content-Length cannot be trusted");
          }
          bodyEnded = true;
          break;
        }
      }
      got += n;
      if (remaining) {
        *remaining -= n;
      }
    }
    done = bodyEnded || (remaining && *remaining == 0);
    return {};
  }

  SocketBio socket;
  std::unique_ptr<SSL, SslFree> ssl;
  std::vector<char> input = std::vector<char>(kInputBytes);
  std::size_t inputBegin = 0;
  std::size_t inputEnd = 0;
  bhttp::response_parser<bhttp::buffer_body> parser;
  std::optional<std::uint64_t> remaining;  ///< Of a Content-Length body.
  bool cleanEnd = false;
  bool bodyEnded = false;
};

namespace {

/// A non-blocking TCP connection to `ip`:`port` within the deadline.
Status connectSocket(BlockingConnection::Impl& impl, const std::string& ip, std::uint16_t port,
                     SteadyTime deadline) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(ip.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return Error(ClientErrc::ResolveFailed, "not an IP address: " + ip);
  }
  const std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(found, ::freeaddrinfo);
  impl.socket.fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (impl.socket.fd < 0) {
    return Error(ClientErrc::ConnectFailed, "socket: " + errnoText());
  }
  const int one = 1;
  (void)::setsockopt(impl.socket.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(impl.socket.fd, found->ai_addr, found->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      return Error(ClientErrc::ConnectFailed, "connect: " + errnoText());
    }
    if (!waitFor(impl.socket.fd, POLLOUT, deadline)) {
      return Error(ClientErrc::Timeout, "connect: no answer in time");
    }
    int failure = 0;
    socklen_t length = sizeof failure;
    if (::getsockopt(impl.socket.fd, SOL_SOCKET, SO_ERROR, &failure, &length) != 0) {
      failure = errno;
    }
    if (failure != 0) {
      return Error(ClientErrc::ConnectFailed, std::string("connect: ") + std::strerror(failure));
    }
  }
  return {};
}

Status handshake(BlockingConnection::Impl& impl, SSL_CTX* context, const std::string& host,
                 const TlsSetup& setup, SteadyTime deadline) {
  ERR_clear_error();
  impl.ssl.reset(SSL_new(context));
  const BIO_METHOD* method = socketBioMethod();
  BIO* bio = (impl.ssl && method != nullptr) ? BIO_new(method) : nullptr;
  if (bio == nullptr) {
    return Error(ClientErrc::InvalidRequest, "TLS setup: " + opensslErrors());
  }
  BIO_set_data(bio, &impl.socket);
  BIO_set_init(bio, 1);
  SSL_set_bio(impl.ssl.get(), bio, bio);  // The SSL owns the BIO.
  if (auto prepared = prepareClientSsl(impl.ssl.get(), host, setup); !prepared) {
    return prepared;
  }
  // Read whole socket buffers, not a record header and then its body.
  SSL_set_read_ahead(impl.ssl.get(), 1);
  while (true) {
    ERR_clear_error();
    const int done = SSL_connect(impl.ssl.get());
    if (done == 1) {
      return {};
    }
    const int reason = SSL_get_error(impl.ssl.get(), done);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
      if (!waitFor(impl.socket.fd, reason == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        return handshakeError(impl.ssl.get(), host, setup, true, "");
      }
      continue;
    }
    const std::string why =
        reason == SSL_ERROR_SYSCALL
            ? (impl.socket.eof ? "the server closed the connection" : errnoText())
            : opensslErrors();
    return handshakeError(impl.ssl.get(), host, setup, false, why);
  }
}

}  // namespace

Result<std::unique_ptr<BlockingConnection>> BlockingConnection::open(
    const std::string& host, std::uint16_t port, const TlsSetup& setup,
    const TransportSettings& settings) {
  SslCtxPtr context;
  if (setup.tls) {
    auto made = makeClientContext(setup);
    if (!made) {
      return std::move(made).error();
    }
    context = std::move(*made);
  }
  return tryEveryAddress<std::unique_ptr<BlockingConnection>>(
      host, port, settings,
      [&](const std::string& ip,
          SteadyTime deadline) -> Result<std::unique_ptr<BlockingConnection>> {
        auto impl = std::make_unique<Impl>();
        if (auto connected = connectSocket(*impl, ip, port, deadline); !connected) {
          return std::move(connected).error();
        }
        if (setup.tls) {
          if (auto secured = handshake(*impl, context.get(), host, setup, deadline); !secured) {
            return std::move(secured).error();
          }
        }
        return std::unique_ptr<BlockingConnection>(
            new BlockingConnection(std::move(impl), formatHostPort(ip, port)));
      });
}

BlockingConnection::BlockingConnection(std::unique_ptr<Impl> impl, std::string address)
    : impl_(std::move(impl)), address_(std::move(address)) {}

BlockingConnection::~BlockingConnection() = default;

Status BlockingConnection::write(const std::string& request, SteadyTime deadline) {
  std::size_t sent = 0;
  while (sent < request.size()) {
    std::size_t n = 0;
    int reason = SSL_ERROR_NONE;
    if (impl_->ssl) {
      ERR_clear_error();
      if (SSL_write_ex(impl_->ssl.get(), request.data() + sent, request.size() - sent, &n) != 1) {
        reason = SSL_get_error(impl_->ssl.get(), 0);
      }
    } else {
      const ssize_t written =
          ::send(impl_->socket.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (written >= 0) {
        n = static_cast<std::size_t>(written);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        reason = SSL_ERROR_WANT_WRITE;
      } else {
        reason = SSL_ERROR_SYSCALL;
      }
    }
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
      if (!waitFor(impl_->socket.fd, reason == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        return Error(ClientErrc::Timeout, "sending the request took too long");
      }
      continue;
    }
    if (reason != SSL_ERROR_NONE) {
      return Error(
          ClientErrc::AnswerTruncated,
          "sending the request: " + (reason == SSL_ERROR_SYSCALL ? errnoText() : opensslErrors()));
    }
    sent += n;
  }
  return {};
}

Status BlockingConnection::readHeader(SteadyTime deadline) {
  auto& parser = impl_->parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.eager(false);
  const std::string what = "reading the answer from " + address_;
  while (!parser.is_header_done()) {
    beast::error_code ec =
        impl_->inputBegin < impl_->inputEnd ? impl_->parse() : bhttp::error::need_more;
    if (ec == bhttp::error::need_more) {
      auto more = impl_->fillInput(deadline);
      if (!more) {
        return std::move(more).error().addContext(what);
      }
      if (*more == 0) {
        return Error(ClientErrc::AnswerTruncated, what + ": the connection closed");
      }
      continue;
    }
    if (ec == bhttp::error::header_limit) {
      return Error(ClientErrc::AnswerTooLarge, what + ": " + ec.message());
    }
    if (ec) {
      return Error(ClientErrc::AnswerMalformed, what + ": " + ec.message());
    }
  }
  impl_->remaining = contentLength();
  return {};
}

const BlockingConnection::Header& BlockingConnection::header() const {
  return impl_->parser.get().base();
}

std::optional<std::uint64_t> BlockingConnection::contentLength() const {
  const auto length = impl_->parser.content_length();  // boost::optional
  if (impl_->parser.chunked() || !length) {
    return std::nullopt;
  }
  return *length;
}

Status BlockingConnection::readBody(char* data, std::size_t size, SteadyTime deadline,
                                    std::size_t& got, bool& done) {
  got = 0;
  done = false;
  Status read;
  if (impl_->parser.is_done()) {
    done = true;  // No body at all (e.g. 204, 304).
  } else if (impl_->parser.chunked()) {
    read = impl_->readChunked(data, size, deadline, got, done);
  } else {
    read = impl_->readRaw(data, size, deadline, got, done);
  }
  if (!read) {
    return std::move(read).error().addContext("reading the body from " + address_);
  }
  return {};
}

}  // namespace sztp::client::detail
