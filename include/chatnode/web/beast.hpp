// Beast aliases for the web layer, beside chatnode/net.hpp's Asio ones.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "chatnode/net.hpp"

namespace chatnode::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

using request = http::request<http::string_body>;

/// What a page's connection runs on: plain HTTP, or HTTPS with --tls. The
/// session classes are templates over these two, instantiated in their .cpp.
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace chatnode::web
