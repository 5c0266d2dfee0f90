// security/identity and security/known_peers: made once, kept safe, pinned.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "chatnode/security/identity.hpp"
#include "chatnode/security/known_peers.hpp"
#include "support/temp_dir.hpp"

namespace sec = chatnode::security;
using test_support::temp_dir;

TEST_CASE("an identity is made on first use and the same one is loaded after", "[tls]") {
  temp_dir dir;
  const auto made = sec::load_or_create_identity(dir.path / "node", "alice");
  CHECK(made.created);
  CHECK(sec::is_fingerprint(made.fingerprint));
  CHECK(made.key_pem.find("BEGIN PRIVATE KEY") != std::string::npos);
  CHECK(made.cert_pem.find("BEGIN CERTIFICATE") != std::string::npos);
  const auto loaded = sec::load_or_create_identity(dir.path / "node", "alice");
  CHECK_FALSE(loaded.created);
  CHECK(loaded.fingerprint == made.fingerprint);
  // Another node, another key.
  CHECK(sec::load_or_create_identity(dir.path / "other", "alice").fingerprint != made.fingerprint);
}

TEST_CASE("a key others may read is refused, as ssh refuses it", "[tls]") {
  temp_dir dir;
  const auto id = sec::load_or_create_identity(dir.path, "alice");
  REQUIRE(::chmod(id.key_file.c_str(), 0644) == 0);
  CHECK_THROWS_WITH(sec::load_or_create_identity(dir.path, "alice"),
                    Catch::Contains("may be read by others (mode 644)") && Catch::Contains("chmod 600"));
}

TEST_CASE("fingerprints are sha256: and 64 hex digits, compared in lower case", "[tls]") {
  CHECK(sec::is_fingerprint("sha256:" + std::string(64, 'a')));
  CHECK(sec::is_fingerprint("sha256:" + std::string(64, 'F')));
  CHECK_FALSE(sec::is_fingerprint("sha256:" + std::string(63, 'a')));
  CHECK_FALSE(sec::is_fingerprint("sha1:" + std::string(64, 'a')));
  CHECK_FALSE(sec::is_fingerprint("sha256:" + std::string(63, 'a') + "g"));
  CHECK(sec::normalize_fingerprint("sha256:ABcd") == "sha256:abcd");
}

TEST_CASE("known peers: first use is recorded, the same fingerprint is known, another is a change", "[tls]") {
  temp_dir dir;
  const auto file = dir.path / "known_peers";
  const std::string a = "sha256:" + std::string(64, 'a'), b = "sha256:" + std::string(64, 'b');
  {
    sec::known_peers known(file);
    CHECK(known.check("the peer named bob", a).v == sec::known_peers::verdict::first_use);
    CHECK(known.check("the peer named bob", a).v == sec::known_peers::verdict::known);
    CHECK(known.check("the node at host:1", b).v == sec::known_peers::verdict::first_use);
  }
  // A new process reads the record and holds peers to it.
  sec::known_peers again(file);
  CHECK(again.check("the peer named bob", a).v == sec::known_peers::verdict::known);
  const auto changed = again.check("the peer named bob", b);
  CHECK(changed.v == sec::known_peers::verdict::changed);
  CHECK(changed.on_record == a);
  CHECK(changed.line == 1);
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a known-peers file with a malformed line is an error naming the line", "[tls]") {
  temp_dir dir;
  const auto file = dir.path / "known_peers";
  std::ofstream(file) << "# comment\nsha256:" << std::string(64, 'a') << "\tok\nnot a fingerprint\tbob\n";
  CHECK_THROWS_WITH(sec::known_peers(file), Catch::Contains("known_peers:3: not 'sha256:FINGERPRINT<tab>WHO'"));
}
