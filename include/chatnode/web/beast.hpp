// Beast aliases for the web layer, beside chatnode/net.hpp's Asio ones.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "chatnode/net.hpp"
#include "chatnode/web/page_stream.hpp"

namespace chatnode::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

using request = http::request<http::string_body>;

}  // namespace chatnode::web
