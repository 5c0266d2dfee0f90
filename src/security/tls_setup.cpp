#include "chatnode/security/tls_setup.hpp"

#include "chatnode/security/tls_context.hpp"

namespace chatnode::security {

tls_setup::tls_setup(const std::filesystem::path& config_dir, const std::string& name, std::vector<std::string> pinned,
                     bool known_only)
    : id_(load_or_create_identity(config_dir, name)),
      server_(make_tls_context(id_, true)),
      client_(make_tls_context(id_, false)),
      web_(make_web_tls_context(id_)),
      known_only_(known_only),
      known_(config_dir / "known_peers") {
  for (auto& p : pinned) pinned_.insert(normalize_fingerprint(std::move(p)));
}

std::string tls_setup::describe_trust() const {
  if (!pinned_.empty())
    return "peers must present " +
           std::string(pinned_.size() == 1 ? "the pinned fingerprint" : "a pinned fingerprint") +
           " (--peer-fingerprint)";
  if (known_only_) return "only peers in " + known_.file().string() + " are admitted (--known-only)";
  return "peers are trusted on first use and held to it (" + known_.file().string() + ")";
}

tls_setup::verdict tls_setup::vet(const std::string& who, const std::string& fingerprint) {
  if (!pinned_.empty()) {
    if (pinned_.contains(fingerprint)) return {true, {}};
    return {false, "REFUSED " + who + ": it presented " + fingerprint + ", which is not a --peer-fingerprint given"};
  }
  const auto r = known_.check(who, fingerprint, !known_only_);
  switch (r.v) {
    case known_peers::verdict::known:
      return {true, {}};
    case known_peers::verdict::unknown:
      return {false, "REFUSED " + who + ": not in " + known_.file().string() +
                         " (--known-only). To admit it, once its owner has confirmed the fingerprint, add this line "
                         "to that file: " +
                         fingerprint + "<TAB>" + who};
    case known_peers::verdict::first_use:
      return {true, "first connection with " + who + ": its fingerprint " + fingerprint + " is now recorded in " +
                        known_.file().string()};
    case known_peers::verdict::changed:
      break;
  }
  return {false, "REFUSED " + who + ": ITS IDENTITY HAS CHANGED. Known as " + r.on_record + " (" +
                     known_.file().string() + " line " + std::to_string(r.line) + "), it now presents " + fingerprint +
                     ". Someone may be impersonating it. If it really has a new identity, remove that line."};
}

}  // namespace chatnode::security
