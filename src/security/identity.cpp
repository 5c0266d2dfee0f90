#include "chatnode/security/identity.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

namespace chatnode::security {
namespace {

namespace fs = std::filesystem;

template <auto F>
struct deleter {
  template <class T>
  void operator()(T* p) const {
    F(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free>>;

[[noreturn]] void fail(const std::string& what) {
  const auto code = ERR_get_error();
  char detail[256] = "";
  if (code) ERR_error_string_n(code, detail, sizeof detail);
  throw std::runtime_error(what + (code ? std::string(": ") + detail : std::string()));
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Written whole with `mode` from the start, never readable by others in between.
void write_new_file(const fs::path& p, const std::string& content, mode_t mode) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot create " + p.string() + ": " + std::strerror(errno));
  const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + p.string());
}

std::string pem_of(EVP_PKEY* key) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) fail("cannot encode the key");
  char* data = nullptr;
  const auto n = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(n)};
}

std::string pem_of(X509* cert) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) fail("cannot encode the certificate");
  char* data = nullptr;
  const auto n = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(n)};
}

x509_ptr self_signed(EVP_PKEY* key, const std::string& name) {
  x509_ptr cert(X509_new());
  if (!cert) fail("cannot make a certificate");
  X509_set_version(cert.get(), X509_VERSION_3);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("no randomness for the serial number");
  serial[0] &= 0x7F;  // positive
  std::unique_ptr<BIGNUM, deleter<BN_free>> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  // Validity is not what peers check (they pin the fingerprint); it only has to be wide.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24L * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 20L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const auto cn = "chat_node " + name.substr(0, 50);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), subject);
  if (!X509_sign(cert.get(), key, nullptr)) fail("cannot sign the certificate");  // Ed25519 takes no digest
  return cert;
}

std::string fingerprint_of(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  if (n <= 0) fail("cannot encode the certificate");
  auto fp = fingerprint_of_der(der, static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return fp;
}

}  // namespace

fs::path default_config_dir() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return fs::path(x) / "chat_node";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".config" / "chat_node";
}

std::string fingerprint_of_der(const unsigned char* der, std::size_t size) {
  unsigned char digest[32];
  unsigned int len = sizeof digest;
  if (!EVP_Digest(der, size, digest, &len, EVP_sha256(), nullptr)) fail("cannot hash the certificate");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

bool is_fingerprint(const std::string& s) {
  const std::string prefix = "sha256:";
  if (s.size() != prefix.size() + 64 || !s.starts_with(prefix)) return false;
  return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(prefix.size()), s.end(),
                     [](unsigned char c) { return std::isxdigit(c); });
}

std::string normalize_fingerprint(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

identity load_or_create_identity(const fs::path& dir, const std::string& name) {
  identity id;
  id.key_file = dir / "identity.key";
  id.cert_file = dir / "identity.crt";
  std::error_code ec;
  if (!fs::exists(id.key_file, ec)) {
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key) fail("cannot make an Ed25519 key");
    const auto cert = self_signed(key.get(), name);
    write_new_file(id.key_file, pem_of(key.get()), 0600);
    write_new_file(id.cert_file, pem_of(cert.get()), 0644);
    id.created = true;
  }
  struct stat st {};
  if (::stat(id.key_file.c_str(), &st) != 0) throw std::runtime_error("cannot read " + id.key_file.string());
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    throw std::runtime_error(id.key_file.string() + " may be read by others (mode " +
                             std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
                             std::to_string(st.st_mode & 7) + "): chmod 600 it, or remove it to make a new identity");
  id.key_pem = read_file(id.key_file);
  id.cert_pem = read_file(id.cert_file);
  bio_ptr bio(BIO_new_mem_buf(id.cert_pem.data(), static_cast<int>(id.cert_pem.size())));
  x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) fail("cannot read the certificate in " + id.cert_file.string());
  id.fingerprint = fingerprint_of(cert.get());
  return id;
}

}  // namespace chatnode::security
