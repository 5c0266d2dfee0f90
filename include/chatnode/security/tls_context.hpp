// TLS 1.3 contexts for the chat link: both sides present their certificate,
// any certificate is accepted during the handshake, and the peer is then held
// to its pinned or known fingerprint (security/known_peers), since self-signed
// certificates have no chain to verify.
#pragma once

#include <string>

#include <boost/asio/ssl/context.hpp>

#include "chatnode/security/identity.hpp"

namespace chatnode::security {

/// A context presenting `id`, for the accepting (`server`) or the connecting
/// side of the chat link, where both sides present a certificate.
boost::asio::ssl::context make_tls_context(const identity& id, bool server);
/// A context for the web page over HTTPS: it presents `id` and asks browsers for nothing.
boost::asio::ssl::context make_web_tls_context(const identity& id);

/// The fingerprint of the certificate the peer presented on `ssl`; empty when none.
std::string peer_fingerprint(SSL* ssl);

}  // namespace chatnode::security
