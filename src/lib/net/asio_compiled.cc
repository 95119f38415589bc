// The compiled parts of Boost.Asio, Asio SSL and Beast, built once for
// sztp_net (separate compilation; see asio_config.h).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
