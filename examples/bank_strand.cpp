// The bank account made right with a Boost.Asio strand instead of a mutex.
// Several threads run one io_context; the deposit and withdraw threads only
// post their updates to the account's strand, which runs them one at a time
// (in the order posted) on whichever of those threads is free. State touched
// only from the strand needs no lock.
//
// chat_node protects each session's state the same way: every connection gets
// a strand of its own at accept, its coroutines run there, and other threads
// (the capture thread, the console) reach it only by posting to that strand.
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "args.hpp"
#include "bank.hpp"

namespace net = boost::asio;

namespace {

constexpr auto usage =
    "usage: bank_strand [--iterations N] [--threads T]\n"
    "  N deposits and N withdrawals (1 to 100000000, default 100000)\n"
    "  T threads run the io_context (1 to 64, default 4)";

class account {
 public:
  explicit account(net::io_context& ioc) : strand_(net::make_strand(ioc)) {}

  /// Callable from any thread: the update itself runs later, on the strand.
  void deposit(long amount) {
    net::post(strand_, [this, amount] { update(amount); });
  }
  void withdraw(long amount) {
    net::post(strand_, [this, amount] { update(-amount); });
  }

  /// Only once the io_context has run out of work and its threads are joined.
  long balance() const { return balance_; }

 private:
  void update(long delta) {
    const long seen = balance_;
    std::this_thread::yield();  // the same gap as in bank_race; the strand runs nothing else meanwhile
    balance_ = seen + delta;
  }

  net::strand<net::io_context::executor_type> strand_;
  long balance_ = examples::opening_balance;  // touched only on strand_
};

long run(long iterations, long threads) {
  net::io_context ioc;
  // Keeps run() from returning before the first update is posted.
  auto work = net::make_work_guard(ioc);
  account a(ioc);

  std::vector<std::jthread> pool;
  for (long i = 0; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  {
    std::jthread depositor([&] { for (long i = 0; i < iterations; ++i) a.deposit(1); });
    std::jthread withdrawer([&] { for (long i = 0; i < iterations; ++i) a.withdraw(1); });
  }
  work.reset();  // all posted: run() returns once the strand has drained
  pool.clear();  // joins
  return a.balance();
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = examples::default_iterations;
  long threads = 4;
  if (auto exit_code = examples::parse_options(argc, argv, usage,
                                               {{"--iterations", &iterations, 1, 1e8}, {"--threads", &threads, 1, 64}}))
    return *exit_code;
  examples::report_balance(iterations, run(iterations, threads));
}
