#pragma once

#include <string>

#include "http/http_error.h"
#include "http/message.h"
#include "net/asio_config.h"

namespace sztp::net::detail {

/// Between Beast messages and the http:: values handlers see.

using BeastRequest = bhttp::request<bhttp::string_body>;

/// The request as handlers see it: header names lowercased, order kept, body moved.
http::Request toRequest(BeastRequest&& message);

/// What was read of a refused request (no body), for its audit record.
http::Request partialRequest(const BeastRequest& message);

/// Copies the handler's headers into `fields`, leaving out those the
/// transport owns (Content-Length, Transfer-Encoding, Connection) and any
/// whose name is not an HTTP token or whose value holds CR, LF or NUL, so a
/// handler echoing input cannot split the response.
void copyResponseHeaders(const http::Response& response, bhttp::fields& fields);

/// Whether the handler asked to close the connection (Connection: close).
bool asksToClose(const http::Response& response);

/// The default body of a refusal: text/plain "<reason-code>: <sentence>\n".
http::Response plainErrorResponse(int status, const std::error_code& code);

/// A status a response may carry on the wire (100-599); others become 500.
bool isValidStatus(int status);

/// 1xx, 204 and 304 answers have no body and no Content-Length (RFC 9110 §8.6).
bool statusHasBody(int status);

}  // namespace sztp::net::detail
