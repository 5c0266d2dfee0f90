#include "in_process.hpp"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "chatnode/app/node.hpp"
#include "chatnode/clock.hpp"
#include "process_usage.hpp"

namespace bench {
namespace {

using namespace std::chrono_literals;
namespace video = chatnode::video;

std::chrono::steady_clock::time_point after(std::chrono::steady_clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

chatnode::options parse(std::vector<std::string> args) {
  args.insert(args.begin(), "chat_node");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  std::ostringstream ignored;
  auto o = chatnode::parse_options(static_cast<int>(argv.size()), argv.data(), ignored);
  if (!o) throw std::runtime_error("bench: bad node options");
  return *o;
}

/// The receiving side's timestamps of one frame, all steady clock (ns).
struct arrival {
  std::int64_t first_chunk, complete, decode_begin, decode_end;
  std::size_t bytes;
};

/// Records every decoded frame, and wakes the harness when enough arrived.
class timing_sink final : public video::frame_sink {
 public:
  void consume(const video::decoded_frame& f) override {
    std::lock_guard lock(mutex_);
    arrivals_[f.header.frame_seq] = {f.first_chunk_ns, f.complete_ns, f.decode_begin_ns, f.decode_end_ns,
                                     f.jpeg->size()};
    changed_.notify_all();
  }
  void peer_closed(int) override {}
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return arrivals_.size();
  }
  bool wait_for(std::size_t n, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return arrivals_.size() >= n; });
  }
  std::map<std::uint32_t, arrival> take() {
    std::lock_guard lock(mutex_);
    return std::move(arrivals_);
  }
  void clear() {
    std::lock_guard lock(mutex_);
    arrivals_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::uint32_t, arrival> arrivals_;
};

/// The sender's stage times of every frame it captured.
class capture_log {
 public:
  void add(const video::frame_ptr& f) {
    std::lock_guard lock(mutex_);
    times_[f->seq()] = f->times();
  }
  std::map<std::uint32_t, video::stage_times> take() {
    std::lock_guard lock(mutex_);
    return std::move(times_);
  }

 private:
  std::mutex mutex_;
  std::map<std::uint32_t, video::stage_times> times_;
};

/// A node on its own thread, its console going to temporary files.
class bench_node {
 public:
  bench_node(const chatnode::options& o, chatnode::app::node_hooks hooks)
      : out_(std::tmpfile()),
        err_(std::tmpfile()),
        console_(out_, err_),
        node_(std::make_unique<chatnode::app::node>(o, console_, std::move(hooks))),
        thread_([this] { node_->run(); }) {}
  ~bench_node() {
    node_->quit();
    thread_.join();
    node_.reset();
    console_.drain(std::chrono::seconds(10));  // its writer must be done with the files before they close
    std::fclose(out_);
    std::fclose(err_);
  }
  chatnode::app::node& get() { return *node_; }

 private:
  std::FILE* out_;
  std::FILE* err_;
  chatnode::term::console console_;
  std::unique_ptr<chatnode::app::node> node_;
  std::thread thread_;
};

std::vector<std::string> sender_args(const run_spec& spec) {
  // The teaching program's path: a larger picture, resized (the test pattern: halved), then encoded.
  return {"--listen",  "127.0.0.1:0",
          "--name",    "sender",
          "--size",    std::to_string(spec.width) + "x" + std::to_string(spec.height),
          "--fps",     std::to_string(spec.fps),
          "--quality", std::to_string(spec.quality)};
}

double ms(std::int64_t a, std::int64_t b) { return static_cast<double>(b - a) / 1e6; }

}  // namespace

pipeline_run measured_run(std::string mode, const run_spec& spec, std::chrono::steady_clock::duration window) {
  pipeline_run r;
  r.mode = std::move(mode);
  r.pacing = spec.fps > 0 ? std::to_string(static_cast<int>(spec.fps)) + " fps" : "unpaced";
  r.source = source_name(spec.source);
  r.width = spec.width;
  r.height = spec.height;
  r.seconds = std::chrono::duration<double>(window).count();
  return r;
}

pipeline_run run_in_process(const run_spec& spec) {
  auto sink = std::make_shared<timing_sink>();
  auto log = std::make_shared<capture_log>();

  chatnode::app::node_hooks sender_hooks;
  sender_hooks.interactive = false;
  sender_hooks.source = bench_source(spec.source, spec.width, spec.height);
  sender_hooks.on_frame_captured = [log](const video::frame_ptr& f) { log->add(f); };
  bench_node sender(parse(sender_args(spec)), std::move(sender_hooks));

  chatnode::app::node_hooks receiver_hooks;
  receiver_hooks.interactive = false;
  receiver_hooks.sinks = {sink};
  const auto port = std::to_string(sender.get().listening_port());
  bench_node receiver(parse({"--connect", "127.0.0.1:" + port, "--name", "receiver", "--receive-only"}),
                      std::move(receiver_hooks));

  const auto start = std::chrono::steady_clock::now();
  sink->wait_for(static_cast<std::size_t>(spec.warmup_frames), after(start, spec.max_seconds));
  sink->clear();
  log->take();

  const double cpu0 = cpu_seconds(::getpid());
  const auto t0 = std::chrono::steady_clock::now();
  sink->wait_for(static_cast<std::size_t>(spec.frames), after(t0, spec.max_seconds));
  const auto t1 = std::chrono::steady_clock::now();
  const double cpu1 = cpu_seconds(::getpid());
  auto arrivals = sink->take();
  auto captured = log->take();

  auto r = measured_run("in-process", spec, t1 - t0);
  r.frames = arrivals.size();
  for (const auto& [seq, a] : arrivals) {
    const auto it = captured.find(seq);
    r.bytes += static_cast<double>(a.bytes);
    if (it == captured.end()) continue;  // captured before the window opened
    const auto& c = it->second;
    r.latency_ms.add(ms(c.grab_end, a.decode_end));
    r.stage_ms["capture"].add(ms(c.grab_begin, c.grab_end));
    r.stage_ms["resize"].add(ms(c.grab_end, c.resize_end));
    r.stage_ms["encode"].add(ms(c.resize_end, c.encode_end));
    r.stage_ms["queue"].add(ms(c.encode_end, a.first_chunk));
    r.stage_ms["network"].add(ms(a.first_chunk, a.complete));
    r.stage_ms["handoff"].add(ms(a.complete, a.decode_begin));
    r.stage_ms["decode"].add(ms(a.decode_begin, a.decode_end));
  }
  r.latency = {r.latency_ms.pct(50), r.latency_ms.pct(95), r.latency_ms.pct(99), r.latency_ms.max()};
  std::uint64_t missing = 0;
  for (const auto& [seq, c] : captured)
    if (!arrivals.count(seq)) ++missing;
  r.dropped = missing;
  r.cpu_s_per_frame["bench (both nodes)"] = r.frames ? (cpu1 - cpu0) / static_cast<double>(r.frames) : 0;
  r.peak_rss_kib["bench (both nodes)"] = peak_rss_kib(::getpid());
  return r;
}

text_run text_under_load(const run_spec& spec, int messages, int interval_ms) {
  auto sink = std::make_shared<timing_sink>();
  std::mutex mutex;
  std::condition_variable all_in;
  samples latency;
  int received = 0;

  chatnode::app::node_hooks sender_hooks;
  sender_hooks.interactive = false;
  sender_hooks.source = bench_source(spec.source, spec.width, spec.height);
  auto args = sender_args(spec);
  bench_node sender(parse(args), std::move(sender_hooks));

  chatnode::app::node_hooks receiver_hooks;
  receiver_hooks.interactive = false;
  receiver_hooks.sinks = {sink};
  receiver_hooks.on_text = [&](const chatnode::protocol::text_message& m) {
    // One process, one clock: the wall-clock stamp needs no offset correction.
    const double ms_late = static_cast<double>(chatnode::wall_us() - m.sent_us) / 1000.0;
    std::lock_guard lock(mutex);
    latency.add(ms_late);
    if (++received == messages) all_in.notify_all();
  };
  const auto port = std::to_string(sender.get().listening_port());
  bench_node receiver(parse({"--connect", "127.0.0.1:" + port, "--name", "receiver", "--receive-only"}),
                      std::move(receiver_hooks));

  sink->wait_for(static_cast<std::size_t>(spec.warmup_frames), std::chrono::steady_clock::now() + 20s);
  for (int i = 0; i < messages; ++i) {
    sender.get().say("text under load " + std::to_string(i));
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));  // the message rate itself
  }
  std::unique_lock lock(mutex);
  all_in.wait_for(lock, 10s, [&] { return received >= messages; });
  text_run t;
  t.width = spec.width;
  t.height = spec.height;
  t.sent = messages;
  t.received = received;
  t.latency_ms = latency;
  return t;
}

}  // namespace bench
