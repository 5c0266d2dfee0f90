// bench/slow_link: chat_node across a rate-limited link, as a home connection is:
// for each rate, the round trip idle and under load, text and frame latency
// while both sides send video, what gets through and how the sender adapts;
// then how fast it recovers when the rate drops from 10 to 2 Mbit/s and comes
// back. Two network namespaces joined by tests/support/emulated_link; needs
// root, /dev/net/tun and iproute2 (exit 77 without them).
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "machine.hpp"
#include "slow_link_results.hpp"
#include "slow_link_runs.hpp"
#include "support/emulated_link.hpp"

namespace po = boost::program_options;

namespace {

/// What ctest takes for "skipped" (SKIP_RETURN_CODE in bench/CMakeLists.txt).
constexpr int exit_skipped = 77;

std::vector<double> parse_rates(const std::string& text) {
  std::vector<double> rates;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || !(v >= 0.1 && v <= 1000))
      throw po::error("--rates: '" + item + "' is not a rate in Mbit/s from 0.1 to 1000");
    rates.push_back(v);
  }
  if (rates.empty()) throw po::error("--rates: no rate given");
  return rates;
}

}  // namespace

int main(int argc, char** argv) {
  bench::slow_link::setup s;
  std::string rates_text = "1,2,5,10,20", json;
  po::options_description desc("Usage: slow_link [options]\n\nOptions");
  desc.add_options()("rates", po::value(&rates_text), "link rates in Mbit/s, each direction (default 1,2,5,10,20)")(
      "delay", po::value(&s.delay_ms)->default_value(50), "ms of delay one way, each direction")(
      "queue-ms", po::value(&s.queue_ms)->default_value(500), "the router's drop-tail buffer, in ms at the rate")(
      "warmup", po::value(&s.warmup_s)->default_value(5), "seconds of video before measuring")(
      "seconds", po::value(&s.seconds)->default_value(20), "seconds measured at each rate")(
      "seed", po::value(&s.seed)->default_value(1), "seed of the gaps between typed lines")(
      "step", "run the step change 10 -> 2 -> 10 Mbit/s (the default)")("no-step", "skip the step change")(
      "json", po::value(&json)->value_name("FILE"), "write every figure as JSON to FILE")("help,h", "show this help");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc;
      return 0;
    }
    if (vm.count("step") && vm.count("no-step")) throw po::error("--step and --no-step together");
    s.step = vm.count("no-step") == 0;
    s.rates_mbps = parse_rates(rates_text);
    if (s.delay_ms < 0 || s.queue_ms < 1 || s.warmup_s < 0 || s.seconds < 1)
      throw po::error("--delay, --warmup must be >= 0; --queue-ms, --seconds >= 1");
  } catch (const po::error& e) {
    std::cerr << "slow_link: " << e.what() << "\n";
    return 2;
  }
  if (const auto why = test_support::emulated_link::unavailable()) {
    std::cerr << "slow_link: skipped: needs root, /dev/net/tun, iproute2 (" << *why << ")\n";
    return exit_skipped;
  }

  bench::slow_link::report r;
  r.machine = bench::machine();
  r.config = s;
  const auto start = std::chrono::steady_clock::now();
  // Errors end the run through the destructors, so no chat_node or namespace is left behind.
  try {
    for (const double rate : s.rates_mbps) r.rates.push_back(bench::slow_link::measure_rate(s, rate));
    if (s.step) r.step = bench::slow_link::measure_step(s);
  } catch (const std::exception& e) {
    std::cerr << "slow_link: " << e.what() << "\n";
    return 1;
  }
  r.run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  bench::slow_link::print_report(std::cout, r);
  if (!json.empty()) bench::slow_link::write_json(json, r);
  return 0;
}
