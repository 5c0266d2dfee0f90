// A node's TLS identity: an Ed25519 key and a self-signed certificate, made on
// first use and kept under the configuration directory, and the SHA-256
// fingerprint of the certificate by which peers know the node.
#pragma once

#include <filesystem>
#include <string>

namespace chatnode::security {

struct identity {
  std::filesystem::path key_file, cert_file;
  std::string key_pem, cert_pem;
  std::string fingerprint;  ///< "sha256:" and 64 lowercase hex digits
  bool created = false;     ///< made just now, not loaded
};

/// $XDG_CONFIG_HOME/chat_node, or ~/.config/chat_node.
std::filesystem::path default_config_dir();

/// Loads identity.key and identity.crt from `dir`, or creates both (and `dir`,
/// mode 0700; the key 0600). Throws std::runtime_error naming the file and the
/// reason, and refuses a key that others may read, as ssh does.
identity load_or_create_identity(const std::filesystem::path& dir, const std::string& name);

/// The fingerprint of a DER-encoded certificate.
std::string fingerprint_of_der(const unsigned char* der, std::size_t size);

/// Whether `s` is a fingerprint as printed (sha256: and 64 hex digits, either case).
bool is_fingerprint(const std::string& s);
/// `s` in the printed form: lowercase.
std::string normalize_fingerprint(std::string s);

}  // namespace chatnode::security
