// What the three bank programs share: the account's story and its report.
// One thread deposits 1 unit `iterations` times while another withdraws 1
// unit as often, so the balance should end where it started.
#pragma once

#include <iostream>

namespace examples {

inline constexpr long opening_balance = 1000;
inline constexpr long default_iterations = 100'000;

/// Prints what the balance should be and what it is, in a form the tests read.
inline void report_balance(long iterations, long final_balance) {
  std::cout << iterations << " deposits and " << iterations << " withdrawals of 1\n"
            << "expected balance: " << opening_balance << '\n'
            << "final balance: " << final_balance << '\n';
}

}  // namespace examples
