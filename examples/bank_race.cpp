// A deposit thread and a withdraw thread share a balance with no protection.
// Each update reads the balance, then writes back what it read plus or minus
// one; whatever the other thread stored in between is overwritten. These lost
// updates leave the final balance wrong, differently on every run.
#include <atomic>
#include <thread>

#include "args.hpp"
#include "bank.hpp"

namespace {

constexpr auto usage =
    "usage: bank_race [--iterations N]\n"
    "  N deposits and N withdrawals (1 to 100000000, default 100000)";

class account {
 public:
  void deposit(long amount) { update(amount); }
  void withdraw(long amount) { update(-amount); }
  long balance() const { return balance_.load(); }

 private:
  // A load, then a separate store: exactly what `balance += delta` does on a
  // plain long (read, add, write), minus the undefined behaviour. A real data
  // race would let the compiler assume it never happens, and the sanitizers
  // would stop the program before it showed anything; the atomic keeps each
  // step well defined while the read-modify-write as a whole is not atomic.
  void update(long delta) {
    const long seen = balance_.load();
    // The other thread may run here, and its update is then lost by our
    // store. yield() invites it, so the loss shows even on a quiet machine.
    std::this_thread::yield();
    balance_.store(seen + delta);
  }

  std::atomic<long> balance_{examples::opening_balance};
};

long run(long iterations) {
  account a;
  {
    std::jthread depositor([&] { for (long i = 0; i < iterations; ++i) a.deposit(1); });
    std::jthread withdrawer([&] { for (long i = 0; i < iterations; ++i) a.withdraw(1); });
  }  // both joined here
  return a.balance();
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = examples::default_iterations;
  if (auto exit_code = examples::parse_options(argc, argv, usage, {{"--iterations", &iterations, 1, 1e8}}))
    return *exit_code;
  examples::report_balance(iterations, run(iterations));
}
