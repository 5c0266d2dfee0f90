// Command-line parsing for the exercises: `--name value` pairs, each value a
// number within a range, plus --help. Anything else is a usage error (a
// message on stderr, exit code 2), so a typo never runs with a default.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

namespace examples {

/// One `--name value` option, where its value goes and the range it must lie in.
struct option {
  std::string_view name;
  std::variant<double*, long*> value;
  double min;
  double max;
};

/// Parses all of `text` as a number in [min, max] into `out`; false otherwise.
template <class Number>
bool parse_number(std::string_view text, double min, double max, Number& out) {
  Number n{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size()) return false;
  if (!std::isfinite(static_cast<double>(n)) || n < min || n > max) return false;
  out = n;
  return true;
}

/// Fills the options' targets from the command line. Returns the exit code
/// if the program should stop now (0 after --help, 2 on a usage error).
inline std::optional<int> parse_options(int argc, char** argv, std::string_view usage,
                                        std::initializer_list<option> options) {
  auto usage_error = [&](std::string_view what) {
    std::cerr << "error: " << what << '\n' << usage << '\n';
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage << '\n';
      return 0;
    }
    const auto o = std::find_if(options.begin(), options.end(), [&](const option& o) { return o.name == arg; });
    if (o == options.end()) return usage_error("unknown argument '" + std::string(arg) + "'");
    if (i + 1 == argc) return usage_error("missing value after " + std::string(arg));
    const std::string_view text = argv[++i];
    const bool ok = std::visit([&](auto* target) { return parse_number(text, o->min, o->max, *target); }, o->value);
    if (!ok) return usage_error("bad value for " + std::string(arg) + ": '" + std::string(text) + "'");
  }
  return std::nullopt;
}

}  // namespace examples
