// One HTTP/1.1 connection, plain or TLS: handshake, read a request under the
// listener's limits and timeouts, run the handler on the handler pool, write
// the answer (a string, or a file streamed in chunks), keep alive or close.
// Every step runs on the connection's strand; only the handler and the audit
// sink run elsewhere.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <type_traits>

#include "common/io_error.h"
#include "http/http_date.h"
#include "net/message_convert.h"
#include "net/server_core.h"
#include "net/tls_context.h"

namespace sztp::net::detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kFirstReadBytes = 4096;
constexpr std::size_t kFileChunkBytes = std::size_t{64} * 1024;
/// How long a TLS close_notify exchange may take when closing.
constexpr std::chrono::seconds kTlsShutdownTimeout{1};
/// Lingering close: after answering and shutting down our side, read and
/// discard what the client still sends for this long (or this much) before
/// closing, so the client reads a 413/431 instead of a connection reset.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerBytes = std::size_t{1024} * 1024;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

/// A file descriptor closed on destruction.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle() { reset(); }
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  FileHandle& operator=(FileHandle&& other) noexcept {
    reset();
    fd_ = other.fd_;
    other.fd_ = -1;
    return *this;
  }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

 private:
  int fd_ = -1;
};

bool isBeastHttpError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

  Session(tcp::socket socket, ListenerState& listener, ServerContext& context,
          std::shared_ptr<asio::ssl::context> tls)
      : listener_(listener),
        context_(context),
        tls_(std::move(tls)),
        stream_(makeStream(std::move(socket), tls_.get())),
        handlerTimer_(stream_.get_executor()) {
    ++listener_.active;
    auto peer = std::make_shared<http::Peer>();
    beast::error_code ec;
    const auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) {
      auto address = remote.address();
      if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
      }
      peer->address = address.to_string();
      peer->port = remote.port();
    }
    peer_ = std::move(peer);
  }

  ~Session() override {
    context_.registry.remove(this);
    --listener_.active;
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    context_.registry.add(this->shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->run(); });
  }

  void requestStop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->onStop(); });
  }

  void forceClose() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->closeNow(); });
  }

 private:
  enum class Phase { Starting, Handshake, Idle, Reading, Handling, Writing, Closing, Closed };

  static Stream makeStream(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (kIsTls) {
      return Stream(std::move(socket), *tls);
    } else {
      (void)tls;
      return Stream(std::move(socket));
    }
  }

  const ListenerSettings& settings() const { return listener_.settings(); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void run() {
    if (stopRequested_ || phase_ == Phase::Closed) {
      closeNow();
      return;
    }
    if constexpr (kIsTls) {
      phase_ = Phase::Handshake;
      lowest().expires_after(settings().handshakeTimeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) { self->onHandshake(ec); });
    } else {
      readNext(true);
    }
  }

  void onHandshake(beast::error_code ec) {
    if (ec) {
      ++listener_.handshakeFailures;
      if (ec == beast::error::timeout) {
        ++listener_.timeouts;
      }
      closeNow();
      return;
    }
    if constexpr (kIsTls) {
      auto peer = std::make_shared<http::Peer>(*peer_);
      describeTlsPeer(stream_, *peer);
      peer_ = std::move(peer);
    }
    readNext(true);
  }

  // ---- reading a request ----

  void readNext(bool first) {
    if (stopRequested_) {
      gracefulClose();
      return;
    }
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(settings().maxHeaderBytes, UINT32_MAX)));
    parser_->body_limit(static_cast<std::uint64_t>(settings().maxBodyBytes));
    request_.reset();
    forceClose_ = false;
    if (buffer_.size() > 0) {  // A pipelined request is already here.
      beginRequest();
      return;
    }
    phase_ = Phase::Idle;
    lowest().expires_after(first ? settings().headerTimeout : settings().idleTimeout);
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        [self = this->shared_from_this(), first](beast::error_code ec, std::size_t n) {
          self->onFirstBytes(ec, n, first);
        });
  }

  void onFirstBytes(beast::error_code ec, std::size_t n, bool first) {
    if (ec) {
      // A connection that never sent a request timed out; an idle kept-alive
      // one simply ended.
      if (ec == beast::error::timeout && first) {
        ++listener_.timeouts;
      }
      closeNow();
      return;
    }
    buffer_.commit(n);
    beginRequest();
  }

  void beginRequest() {
    phase_ = Phase::Reading;
    requestStart_ = Clock::now();
    lowest().expires_after(settings().headerTimeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               self->onHeader(ec);
                             });
  }

  void onHeader(beast::error_code ec) {
    if (ec) {
      onReadError(ec);
      return;
    }
    const auto expect = parser_->get()[bhttp::field::expect];
    if (!parser_->is_done() && beast::iequals(expect, "100-continue")) {
      lowest().expires_after(settings().sendTimeout);
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = this->shared_from_this()](beast::error_code writeEc, std::size_t) {
                          if (writeEc) {
                            self->closeNow();
                            return;
                          }
                          self->readBody();
                        });
      return;
    }
    readBody();
  }

  void readBody() {
    if (parser_->is_done()) {
      dispatch();
      return;
    }
    lowest().expires_after(settings().bodyTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) {
                          self->onReadError(ec);
                          return;
                        }
                        self->dispatch();
                      });
  }

  void onReadError(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      refuse(http::HttpErrc::HeaderTooLarge);
    } else if (ec == bhttp::error::body_limit) {
      refuse(http::HttpErrc::BodyTooLarge);
    } else if (ec == beast::error::timeout) {
      ++listener_.timeouts;
      auditTimeout();
      closeNow();
    } else if (isBeastHttpError(ec) && ec != bhttp::error::end_of_stream &&
               ec != bhttp::error::partial_message) {
      refuse(http::HttpErrc::MalformedRequest);
    } else {
      closeNow();  // The client closed or reset, or stop() closed us.
    }
  }

  // ---- handling ----

  void dispatch() {
    auto message = parser_->release();
    keepAliveRequested_ = message.keep_alive();
    version_ = message.version();
    head_ = message.method() == bhttp::verb::head;
    request_ = std::make_shared<const http::Request>(toRequest(std::move(message)));
    ++listener_.requests;
    ++requestsServed_;
    phase_ = Phase::Handling;
    lowest().expires_never();
    const std::uint64_t sequence = ++sequence_;
    if (settings().handlerTimeout.count() > 0) {
      handlerTimer_.expires_after(settings().handlerTimeout);
      handlerTimer_.async_wait([self = this->shared_from_this(), sequence](beast::error_code ec) {
        if (!ec) {
          self->onHandlerTimeout(sequence);
        }
      });
    }
    asio::post(*context_.handlerPool,
               [self = this->shared_from_this(), sequence, request = request_, peer = peer_] {
                 http::Response response;
                 try {
                   response = self->listener_.handler()(*request, *peer);
                 } catch (...) {
                   response = self->errorResponse(http::HttpErrc::HandlerFailed);
                 }
                 asio::post(self->stream_.get_executor(),
                            [self, sequence, response = std::move(response)]() mutable {
                              self->onHandlerDone(sequence, std::move(response));
                            });
               });
  }

  void onHandlerDone(std::uint64_t sequence, http::Response response) {
    if (sequence != sequence_ || phase_ != Phase::Handling) {
      return;  // Timed out (already answered 503) or closed meanwhile.
    }
    handlerTimer_.cancel();
    sendResponse(std::move(response));
  }

  void onHandlerTimeout(std::uint64_t sequence) {
    if (sequence != sequence_ || phase_ != Phase::Handling) {
      return;
    }
    forceClose_ = true;
    sendResponse(errorResponse(http::HttpErrc::HandlerTimeout));
  }

  http::Response errorResponse(http::HttpErrc errc) const {
    http::Response response;
    bool built = false;
    if (settings().errorResponse) {
      try {
        response = settings().errorResponse(errc);
        built = true;
      } catch (...) {
        built = false;
      }
    }
    if (!built) {
      response = plainErrorResponse(http::statusFor(errc), make_error_code(errc));
    }
    response.reason = std::string(http::httpCategory().reasonCode(static_cast<int>(errc)));
    return response;
  }

  /// Answers a request the transport refuses while reading it, then closes.
  void refuse(http::HttpErrc errc) {
    request_ = std::make_shared<const http::Request>(partialRequest(parser_->get()));
    keepAliveRequested_ = false;
    version_ = parser_->get().version() == 10 ? 10 : 11;
    head_ = parser_->get().method() == bhttp::verb::head;
    forceClose_ = true;
    sendResponse(errorResponse(errc));
  }

  void auditTimeout() {
    if (!context_.audit) {
      return;
    }
    request_ = std::make_shared<const http::Request>(partialRequest(parser_->get()));
    response_ = http::Response{};
    response_.status = http::statusFor(http::HttpErrc::RequestTimeout);
    response_.reason = std::string(
        http::httpCategory().reasonCode(static_cast<int>(http::HttpErrc::RequestTimeout)));
    audit(false);
  }

  // ---- writing the answer ----

  void sendResponse(http::Response response) {
    phase_ = Phase::Writing;
    response_ = std::move(response);
    if (!isValidStatus(response_.status)) {
      response_ = plainErrorResponse(500, make_error_code(http::HttpErrc::HandlerFailed));
    }
    const std::size_t maxRequests = settings().maxRequestsPerConnection;
    keepAlive_ = keepAliveRequested_ && !forceClose_ && !stopRequested_ &&
                 !context_.stopping.load() && (maxRequests == 0 || requestsServed_ < maxRequests) &&
                 !asksToClose(response_);
    if (response_.file) {
      sendFile();
    } else {
      sendString();
    }
  }

  void fillHeader(bhttp::fields& fields, std::uint64_t contentLength) {
    copyResponseHeaders(response_, fields);
    if (!context_.serverHeader.empty()) {
      fields.set(bhttp::field::server, context_.serverHeader);
    }
    if (context_.clock != nullptr) {
      fields.set(bhttp::field::date, http::formatHttpDate(context_.clock->now()));
    }
    if (statusHasBody(response_.status)) {
      fields.set(bhttp::field::content_length, std::to_string(contentLength));
    }
  }

  template <class Body>
  void fillStatusLine(bhttp::response<Body>& message) {
    message.version(version_);
    message.result(static_cast<unsigned>(response_.status));
    message.keep_alive(keepAlive_);
  }

  void sendString() {
    auto message = std::make_unique<bhttp::response<bhttp::string_body>>();
    fillStatusLine(*message);
    fillHeader(message->base(), response_.body.size());
    bodyBytes_ = 0;
    if (!head_ && statusHasBody(response_.status)) {
      bodyBytes_ = response_.body.size();
      message->body() = std::move(response_.body);
    }
    response_.body.clear();
    stringMessage_ = std::move(message);
    lowest().expires_after(settings().sendTimeout);
    bhttp::async_write(stream_, *stringMessage_,
                       [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                         self->onWritten(ec);
                       });
  }

  /// Opens the file the handler named, without following a final symlink,
  /// and checks it is still a regular file holding the range.
  bool openFile() {
    const http::FileBody& body = *response_.file;
    int fd = -1;
    do {
      fd = ::open(body.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    } while (fd < 0 && errno == EINTR);
    file_ = FileHandle(fd);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) ||
        static_cast<std::uint64_t>(info.st_size) < body.offset ||
        static_cast<std::uint64_t>(info.st_size) - body.offset < body.length) {
      file_.reset();
      return false;
    }
    fileOffset_ = body.offset;
    fileRemaining_ = body.length;
    return true;
  }

  void sendFile() {
    if (!openFile()) {
      // Removed or replaced between the handler's check and now.
      const std::string identity = response_.identity;
      response_ = plainErrorResponse(500, make_error_code(IoErrc::FileUnreadable));
      response_.identity = identity;
      sendString();
      return;
    }
    fileMessage_ = std::make_unique<bhttp::response<bhttp::empty_body>>();
    fillStatusLine(*fileMessage_);
    fillHeader(fileMessage_->base(), fileRemaining_);
    fileSerializer_ =
        std::make_unique<bhttp::response_serializer<bhttp::empty_body>>(*fileMessage_);
    bodyBytes_ = 0;
    lowest().expires_after(settings().sendTimeout);
    bhttp::async_write_header(stream_, *fileSerializer_,
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec || self->head_ || !statusHasBody(self->response_.status) ||
                                    self->fileRemaining_ == 0) {
                                  self->onWritten(ec);
                                  return;
                                }
                                self->sendChunk();
                              });
  }

  void sendChunk() {
    if (chunk_.empty()) {
      chunk_.resize(kFileChunkBytes);
    }
    const std::size_t wanted =
        static_cast<std::size_t>(std::min<std::uint64_t>(fileRemaining_, chunk_.size()));
    ssize_t got = -1;
    do {
      got = ::pread(file_.get(), chunk_.data(), wanted, static_cast<off_t>(fileOffset_));
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
      // The file shrank under us: the promised Content-Length cannot be kept.
      onWritten(make_error_code(beast::errc::io_error));
      return;
    }
    lowest().expires_after(settings().sendTimeout);
    asio::async_write(stream_, asio::buffer(chunk_.data(), static_cast<std::size_t>(got)),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t written) {
                        if (ec) {
                          self->onWritten(ec);
                          return;
                        }
                        self->fileOffset_ += written;
                        self->fileRemaining_ -= written;
                        self->bodyBytes_ += written;
                        if (self->fileRemaining_ == 0) {
                          self->onWritten(ec);
                          return;
                        }
                        self->sendChunk();
                      });
  }

  void onWritten(beast::error_code ec) {
    file_.reset();
    stringMessage_.reset();
    fileSerializer_.reset();
    fileMessage_.reset();
    audit(!ec);
    if (ec) {
      if (ec == beast::error::timeout) {
        ++listener_.timeouts;
      }
      closeNow();
      return;
    }
    if (!keepAlive_) {
      gracefulClose();
      return;
    }
    readNext(false);
  }

  void audit(bool sent) {
    if (!context_.audit) {
      return;
    }
    AuditEvent event;
    event.listener = settings().name;
    event.request = request_ ? request_ : std::make_shared<const http::Request>();
    event.response = std::move(response_);
    event.response.body.clear();
    event.response.file.reset();
    event.peer = peer_;
    event.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - requestStart_);
    event.sent = sent;
    event.bodyBytes = sent ? bodyBytes_ : 0;
    response_ = http::Response{};
    asio::post(*context_.handlerPool, [sink = &context_.audit, event = std::move(event)] {
      try {
        (*sink)(event);
      } catch (...) {
        // The audit sink must not take the server down; it reports its own failures.
      }
    });
  }

  // ---- closing ----

  void onStop() {
    stopRequested_ = true;
    switch (phase_) {
      case Phase::Starting:
      case Phase::Handshake:
      case Phase::Idle:
      case Phase::Closing:
        closeNow();
        break;
      case Phase::Reading:
      case Phase::Handling:
      case Phase::Writing:
      case Phase::Closed:
        break;  // Answered with Connection: close, then readNext() closes.
    }
  }

  /// Sends TLS close_notify, shuts our sending side, then lingers.
  void gracefulClose() {
    phase_ = Phase::Closing;
    if constexpr (kIsTls) {
      lowest().expires_after(kTlsShutdownTimeout);
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->linger(); });
    } else {
      linger();
    }
  }

  void linger() {
    if (phase_ == Phase::Closed) {
      return;
    }
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(kLingerTimeout);
    lingered_ = 0;
    drain();
  }

  void drain() {
    if (chunk_.empty()) {
      chunk_.resize(std::size_t{16} * 1024);
    }
    lowest().async_read_some(asio::buffer(chunk_), [self = this->shared_from_this()](
                                                       beast::error_code ec, std::size_t n) {
      self->lingered_ += n;
      if (ec || self->lingered_ > kLingerBytes) {
        self->closeNow();
        return;
      }
      self->drain();
    });
  }

  void closeNow() {
    if (phase_ == Phase::Closed) {
      return;
    }
    phase_ = Phase::Closed;
    handlerTimer_.cancel();
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  ListenerState& listener_;
  ServerContext& context_;
  std::shared_ptr<asio::ssl::context> tls_;  // Before stream_: the stream uses it.
  Stream stream_;
  asio::steady_timer handlerTimer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<const http::Peer> peer_;

  Phase phase_ = Phase::Starting;
  bool stopRequested_ = false;
  bool forceClose_ = false;
  bool keepAliveRequested_ = false;
  bool keepAlive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
  std::size_t requestsServed_ = 0;
  std::uint64_t sequence_ = 0;
  Clock::time_point requestStart_ = Clock::now();

  std::shared_ptr<const http::Request> request_;
  http::Response response_;
  std::uint64_t bodyBytes_ = 0;
  std::unique_ptr<bhttp::response<bhttp::string_body>> stringMessage_;
  std::unique_ptr<bhttp::response<bhttp::empty_body>> fileMessage_;
  std::unique_ptr<bhttp::response_serializer<bhttp::empty_body>> fileSerializer_;
  FileHandle file_;
  std::uint64_t fileOffset_ = 0;
  std::uint64_t fileRemaining_ = 0;
  std::vector<char> chunk_;
  std::size_t lingered_ = 0;
};

}  // namespace

void startPlainSession(tcp::socket socket, ListenerState& listener, ServerContext& context) {
  std::make_shared<Session<PlainStream>>(std::move(socket), listener, context, nullptr)->start();
}

void startTlsSession(tcp::socket socket, ListenerState& listener, ServerContext& context,
                     std::shared_ptr<asio::ssl::context> tls) {
  std::make_shared<Session<TlsStream>>(std::move(socket), listener, context, std::move(tls))
      ->start();
}

}  // namespace sztp::net::detail
