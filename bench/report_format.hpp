// How the benchmarks print their figures and save them as JSON, shared by all of them.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include <boost/json.hpp>

#include "samples.hpp"

namespace bench {

/// printf into a string.
inline std::string f(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

/// A figure with `decimals`, a dash where none was measured, "never" for infinity.
inline std::string num(double v, const char* unit = "", int decimals = 0) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return "never";
  return f("%.*f%s", decimals, v, unit);
}

/// A figure for JSON: null where none was measured.
inline boost::json::value json_number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

/// The order statistics of a set of samples, for JSON.
inline boost::json::object pcts(const samples& s) {
  return {{"p50", json_number(s.pct(50))},
          {"p95", json_number(s.pct(95))},
          {"p99", json_number(s.pct(99))},
          {"max", json_number(s.max())},
          {"n", s.size()}};
}

}  // namespace bench
