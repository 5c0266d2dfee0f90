// The bank account of bank_race, made right with a mutex: each update holds
// the lock from its read to its write, so no other update can come between.
#include <mutex>
#include <thread>

#include "args.hpp"
#include "bank.hpp"

namespace {

constexpr auto usage =
    "usage: bank_mutex [--iterations N]\n"
    "  N deposits and N withdrawals (1 to 100000000, default 100000)";

class account {
 public:
  void deposit(long amount) { update(amount); }
  void withdraw(long amount) { update(-amount); }

  long balance() const {
    std::scoped_lock lock(mutex_);
    return balance_;
  }

 private:
  void update(long delta) {
    std::scoped_lock lock(mutex_);
    const long seen = balance_;
    std::this_thread::yield();  // the same gap as in bank_race, harmless under the lock
    balance_ = seen + delta;
  }

  mutable std::mutex mutex_;
  long balance_ = examples::opening_balance;  // guarded by mutex_
};

long run(long iterations) {
  account a;
  {
    std::jthread depositor([&] { for (long i = 0; i < iterations; ++i) a.deposit(1); });
    std::jthread withdrawer([&] { for (long i = 0; i < iterations; ++i) a.withdraw(1); });
  }
  return a.balance();
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = examples::default_iterations;
  if (auto exit_code = examples::parse_options(argc, argv, usage, {{"--iterations", &iterations, 1, 1e8}}))
    return *exit_code;
  examples::report_balance(iterations, run(iterations));
}
