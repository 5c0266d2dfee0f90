#include "chatnode/app/node_setup.hpp"

#include "chatnode/interfaces.hpp"

namespace chatnode::app {

peer::admission_policy admission_for(const options& o, std::uint64_t node_id, security::tls_setup* tls,
                                     bool receives_video, video::rendition_demand* demand,
                                     std::function<void(const std::string&)> log) {
  peer::admission_policy p;
  auto& cfg = p.session;
  cfg.greeting.node_id = node_id;
  cfg.greeting.name = o.name;
  cfg.greeting.capabilities = protocol::cap_text;
  if (receives_video) cfg.greeting.capabilities |= protocol::cap_video_recv;
  if (demand) cfg.greeting.capabilities |= protocol::cap_video_send;
  cfg.adapt = {o.degrade, o.capture.quality, o.max_bitrate};
  cfg.demand = demand;
  p.teaching = {cfg.flush_timeout, cfg.linger_timeout, cfg.text_budget,
                cfg.write_timeout, cfg.demand,         {o.capture.quality, 1}};
  p.tls = tls;
  p.secret = o.secret;
  p.log = std::move(log);
  return p;
}

std::vector<std::string> startup_lines(const options& o, const security::tls_setup* tls) {
  std::vector<std::string> lines;
  std::string addresses;
  for (const auto& a : own_addresses()) addresses += (addresses.empty() ? "" : ", ") + a.describe();
  lines.push_back("this is " + o.name + (addresses.empty() ? "" : " at " + addresses));
  // With TLS the secret is proved inside it, and everything is encrypted.
  if (!o.secret.empty() && !tls)
    lines.emplace_back(
        "only peers that know the secret may join, but nothing is encrypted: anyone on the network path "
        "can still read what is said (use --tls as well; docs/SECURITY.md)");
  if (tls) {
    lines.push_back("TLS 1.3: this node is " + tls->id().fingerprint +
                    (tls->id().created ? " (a new identity, in " : " (from ") +
                    tls->id().cert_file.parent_path().string() + ")");
    lines.push_back(tls->describe_trust());
  }
  return lines;
}

}  // namespace chatnode::app
