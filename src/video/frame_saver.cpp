#include "chatnode/video/frame_saver.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

namespace chatnode::video {
namespace {

std::string file_name(int peer, std::uint32_t seq) {
  char name[64];
  std::snprintf(name, sizeof name, "peer%d-%08u.jpg", peer, static_cast<unsigned>(seq));
  return name;
}

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

frame_saver::frame_saver(std::filesystem::path dir, error_handler on_error)
    : dir_(std::move(dir)), on_error_(std::move(on_error)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) fail("cannot create the directory: " + ec.message());
}

void frame_saver::consume(const decoded_frame& f) {
  if (failed_ || !f.jpeg) return;
  const std::filesystem::path path = dir_ / file_name(f.peer, f.header.frame_seq);
  std::unique_ptr<std::FILE, file_closer> out(std::fopen(path.c_str(), "wb"));
  if (!out) {
    fail("cannot create " + path.string() + ": " + std::generic_category().message(errno));
    return;
  }
  const auto& jpeg = *f.jpeg;
  const bool written = std::fwrite(jpeg.data(), 1, jpeg.size(), out.get()) == jpeg.size();
  // fclose flushes, so a full disk may only show here.
  if (!written || std::fclose(out.release()) != 0) {
    fail("cannot write " + path.string() + ": " + std::generic_category().message(errno));
    return;
  }
  saved_.fetch_add(1, std::memory_order_relaxed);
}

void frame_saver::fail(const std::string& why) {
  failed_ = true;
  if (on_error_) on_error_("saving frames to " + dir_.string() + " stopped: " + why);
}

}  // namespace chatnode::video
