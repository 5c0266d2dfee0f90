// Host, Origin and token rules of the web server, without sockets.
#include <catch2/catch.hpp>

#include "chatnode/web/request_guard.hpp"

namespace {

using namespace chatnode::web;
namespace ip = boost::asio::ip;

guard_config loopback(std::string token = "") {
  return make_guard_config(ip::make_address("127.0.0.1"), 8080, {}, {}, std::move(token));
}

}  // namespace

TEST_CASE("a server bound to loopback answers to the loopback names with its port", "[guard]") {
  const auto cfg = loopback();
  for (const char* h : {"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "LocalHost:8080", " localhost:8080 "})
    CHECK(host_allowed(cfg, h));
  for (const char* h : {"127.0.0.1", "localhost", "127.0.0.1:8081", "127.0.0.1:80800", "localhost:", "[::1]",
                        "127.0.0.2:8080", "", ":8080", "localhost:8080:8080", "localhost.:8080"})
    CHECK_FALSE(host_allowed(cfg, h));
}

TEST_CASE("a DNS-rebinding Host (another name pointed at us) is refused", "[guard]") {
  const auto cfg = loopback();
  CHECK_FALSE(host_allowed(cfg, "evil.example:8080"));
  CHECK_FALSE(host_allowed(cfg, "localhost.evil.example:8080"));
  CHECK_FALSE(host_allowed(cfg, "127.0.0.1.nip.io:8080"));
  CHECK(check_request(cfg, {"evil.example:8080", std::string_view("http://evil.example:8080"), "/ws", ""}) ==
        verdict::bad_host);
}

TEST_CASE("a server bound to every interface answers to loopback and the machine's own addresses", "[guard]") {
  for (const char* any : {"0.0.0.0", "::"}) {
    const auto cfg = make_guard_config(ip::make_address(any), 9999, {}, {"192.168.1.5", "fe80::1"}, "");
    CHECK(host_allowed(cfg, "192.168.1.5:9999"));
    CHECK(host_allowed(cfg, "[fe80::1]:9999"));
    CHECK(host_allowed(cfg, "127.0.0.1:9999"));
    CHECK(host_allowed(cfg, "localhost:9999"));
    CHECK_FALSE(host_allowed(cfg, "10.0.0.9:9999"));
    CHECK_FALSE(host_allowed(cfg, "0.0.0.0:9999"));
    CHECK_FALSE(host_allowed(cfg, "[::]:9999"));
  }
}

TEST_CASE("a server bound to one LAN address answers to that literal only", "[guard]") {
  const auto cfg = make_guard_config(ip::make_address("192.168.1.5"), 9999, {}, {"10.0.0.1"}, "");
  CHECK(host_allowed(cfg, "192.168.1.5:9999"));
  CHECK_FALSE(host_allowed(cfg, "127.0.0.1:9999"));
  CHECK_FALSE(host_allowed(cfg, "localhost:9999"));
  CHECK_FALSE(host_allowed(cfg, "10.0.0.1:9999"));
  const auto v6 = make_guard_config(ip::make_address("2001:db8::7"), 9999, {}, {}, "");
  CHECK(host_allowed(v6, "[2001:db8::7]:9999"));
  CHECK(host_allowed(v6, "[2001:DB8::7]:9999"));
  CHECK_FALSE(host_allowed(v6, "2001:db8::7:9999"));
}

TEST_CASE("an IPv4-mapped loopback bind counts as loopback", "[guard]") {
  const auto cfg = make_guard_config(ip::make_address("::ffff:127.0.0.1"), 9999, {}, {}, "");
  CHECK(host_allowed(cfg, "127.0.0.1:9999"));
  CHECK(host_allowed(cfg, "localhost:9999"));
}

TEST_CASE("configured host names are allowed with the port, case-insensitively", "[guard]") {
  const auto cfg = make_guard_config(ip::make_address("0.0.0.0"), 9999, {"Chat.LAN", "::5"}, {}, "");
  CHECK(host_allowed(cfg, "chat.lan:9999"));
  CHECK(host_allowed(cfg, "CHAT.lan:9999"));
  CHECK(host_allowed(cfg, "[::5]:9999"));
  CHECK_FALSE(host_allowed(cfg, "chat.lan"));
  CHECK_FALSE(host_allowed(cfg, "chat.lan.evil.example:9999"));
  CHECK_FALSE(host_allowed(cfg, "evil.chat.lan:9999"));
}

TEST_CASE("on port 80 the Host may leave out the port, as browsers do", "[guard]") {
  const auto cfg = make_guard_config(ip::make_address("127.0.0.1"), 80, {}, {}, "");
  CHECK(host_allowed(cfg, "localhost"));
  CHECK(host_allowed(cfg, "localhost:80"));
  CHECK_FALSE(host_allowed(cfg, "localhost:8080"));
}

TEST_CASE("Origin must be http:// and an allowed Host, nothing more", "[guard]") {
  const auto cfg = loopback();
  CHECK(origin_allowed(cfg, "http://127.0.0.1:8080"));
  CHECK(origin_allowed(cfg, "http://localhost:8080"));
  CHECK(origin_allowed(cfg, "HTTP://LOCALHOST:8080"));
  for (const char* o : {"https://127.0.0.1:8080", "http://evil.example:8080", "null", "", "http://",
                        "http://127.0.0.1:8080/", "http://127.0.0.1:8080/ws", "http://x@127.0.0.1:8080",
                        "http://127.0.0.1", "ws://127.0.0.1:8080", "file://", "http://127.0.0.1:9090"})
    CHECK_FALSE(origin_allowed(cfg, o));
}

TEST_CASE("over TLS the Origin must be https://, port 443 may be left out, and the cookie is Secure", "[guard]") {
  auto cfg = loopback("t");
  cfg.https = true;
  CHECK(origin_allowed(cfg, "https://127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed(cfg, "http://127.0.0.1:8080"));
  CHECK(token_cookie_header(cfg).ends_with("; Secure"));
  CHECK(token_cookie_header(loopback("t")).find("Secure") == std::string::npos);
  auto on_443 = make_guard_config(ip::make_address("127.0.0.1"), 443, {}, {}, "");
  on_443.https = true;
  CHECK(host_allowed(on_443, "localhost"));
  CHECK_FALSE(host_allowed(cfg, "localhost"));
}

TEST_CASE("a request passes with our Host and no Origin or our Origin, not with a foreign Origin", "[guard]") {
  const auto cfg = loopback();
  CHECK(check_request(cfg, {"127.0.0.1:8080", std::nullopt, "/", ""}) == verdict::allowed);
  CHECK(check_request(cfg, {"localhost:8080", std::string_view("http://localhost:8080"), "/ws", ""}) ==
        verdict::allowed);
  CHECK(check_request(cfg, {"127.0.0.1:8080", std::string_view("http://evil.example"), "/ws", ""}) ==
        verdict::bad_origin);
  CHECK(check_request(cfg, {"", std::nullopt, "/", ""}) == verdict::bad_host);
}

TEST_CASE("with a token, the URL or the cookie must carry exactly it", "[guard][token]") {
  const auto cfg = loopback("s3cret");
  const auto check = [&](std::string_view target, std::string_view cookie = "") {
    return check_request(cfg, {"127.0.0.1:8080", std::nullopt, target, cookie});
  };
  CHECK(check("/?token=s3cret") == verdict::allowed);
  CHECK(check("/ws?x=1&token=s3cret") == verdict::allowed);
  CHECK(check("/?token=s3%63ret") == verdict::allowed);  // percent-encoded 'c'
  CHECK(check("/", "chat_node_token=s3cret") == verdict::allowed);
  CHECK(check("/", "a=b; chat_node_token=s3cret; c=d") == verdict::allowed);
  CHECK(check("/") == verdict::bad_token);
  CHECK(check("/?token=") == verdict::bad_token);
  CHECK(check("/?token=s3cre") == verdict::bad_token);
  CHECK(check("/?token=s3cret2") == verdict::bad_token);
  CHECK(check("/?token=S3CRET") == verdict::bad_token);
  CHECK(check("/?tokens=s3cret") == verdict::bad_token);
  CHECK(check("/#token=s3cret") == verdict::bad_token);
  CHECK(check("/", "chat_node_token=wrong") == verdict::bad_token);
  CHECK(check("/", "other_token=s3cret") == verdict::bad_token);
  // Host is checked first: the token does not make a foreign Host acceptable.
  CHECK(check_request(cfg, {"evil.example:8080", std::nullopt, "/?token=s3cret", ""}) == verdict::bad_host);
  // Without a token configured, none is needed.
  CHECK(check_request(loopback(), {"127.0.0.1:8080", std::nullopt, "/", ""}) == verdict::allowed);
}

TEST_CASE("the token cookie round-trips any token, and only a token in the URL sets it", "[guard][token]") {
  const auto cfg = loopback("a b;c=d\"é");
  const auto header = token_cookie_header(cfg);
  CHECK(header.find("HttpOnly") != std::string::npos);
  CHECK(header.find("SameSite=Strict") != std::string::npos);
  CHECK(header.find("Path=/") != std::string::npos);
  const auto cookie = header.substr(0, header.find(';'));
  CHECK(check_request(cfg, {"127.0.0.1:8080", std::nullopt, "/app.js", cookie}) == verdict::allowed);
  CHECK(token_in_url(cfg, "/?token=a%20b%3Bc%3Dd%22%C3%A9"));
  CHECK_FALSE(token_in_url(cfg, "/"));
  CHECK_FALSE(token_in_url(loopback(), "/?token="));
}

TEST_CASE("query parameters, cookies and paths are split as HTTP defines them", "[guard]") {
  CHECK(query_param("/a?x=1&y=2", "y") == std::optional<std::string>("2"));
  CHECK(query_param("/a?x=1&y", "y") == std::optional<std::string>(""));
  CHECK(query_param("/a?x=%41+b", "x") == std::optional<std::string>("A b"));
  CHECK_FALSE(query_param("/a", "x").has_value());
  CHECK_FALSE(query_param("/a?xx=1", "x").has_value());
  CHECK(cookie_value("a=1; b=2", "b") == std::optional<std::string_view>("2"));
  CHECK(cookie_value("b=\"2\"", "b") == std::optional<std::string_view>("2"));
  CHECK_FALSE(cookie_value("ab=1", "b").has_value());
  CHECK(target_path("/video/1.mjpg?token=x") == "/video/1.mjpg");
  CHECK(target_path("/#frag") == "/");
  CHECK(same_secret("abc", "abc"));
  CHECK_FALSE(same_secret("abc", "abd"));
  CHECK_FALSE(same_secret("abc", "abcd"));
  CHECK(same_secret("", ""));
}

TEST_CASE("a request a browser marks as another site's is refused; the page's own and a typed URL pass", "[guard]") {
  const auto cfg = loopback();
  const auto facts = [](std::string_view site) {
    return request_facts{"127.0.0.1:8080", std::nullopt, "/video/1.mjpg", "", site};
  };
  CHECK(check_request(cfg, facts("cross-site")) == verdict::cross_site);
  CHECK(check_request(cfg, facts("same-site")) == verdict::cross_site);
  CHECK(check_request(cfg, facts("same-origin")) == verdict::allowed);
  CHECK(check_request(cfg, facts("none")) == verdict::allowed);
  CHECK(check_request(cfg, facts("")) == verdict::allowed);  // not a browser, or an older one
}
