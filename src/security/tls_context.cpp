#include "chatnode/security/tls_context.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace chatnode::security {

namespace ssl = boost::asio::ssl;

ssl::context make_tls_context(const identity& id, bool server) {
  ssl::context ctx(server ? ssl::context::tls_server : ssl::context::tls_client);
  if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_3_VERSION) != 1)
    throw std::runtime_error("this OpenSSL cannot require TLS 1.3");
  ctx.use_certificate(boost::asio::buffer(id.cert_pem), ssl::context::pem);
  ctx.use_private_key(boost::asio::buffer(id.key_pem), ssl::context::pem);
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    throw std::runtime_error(id.key_file.string() + " does not belong to " + id.cert_file.string());
  // Both sides must show a certificate; which one is acceptable is decided after
  // the handshake, against the pinned or known fingerprint.
  ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  ctx.set_verify_callback([](bool, ssl::verify_context&) { return true; });
  return ctx;
}

ssl::context make_web_tls_context(const identity& id) {
  ssl::context ctx(ssl::context::tls_server);
  if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1)
    throw std::runtime_error("this OpenSSL cannot require TLS 1.2");
  ctx.use_certificate(boost::asio::buffer(id.cert_pem), ssl::context::pem);
  ctx.use_private_key(boost::asio::buffer(id.key_pem), ssl::context::pem);
  ctx.set_verify_mode(ssl::verify_none);
  return ctx;
}

std::string peer_fingerprint(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return {};
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  X509_free(cert);
  if (n <= 0) return {};
  auto fp = fingerprint_of_der(der, static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return fp;
}

}  // namespace chatnode::security
