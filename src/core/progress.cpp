// Progress bar on stderr.
#include "scrutineer/core/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "scrutineer/core/interrupt.hpp"

namespace scrutineer {

namespace {
std::atomic<bool> g_enabled{true};
// The front end's observer (interrupt.hpp); g_observed says whether one is set, read per step.
ProgressObserver g_observer;
std::atomic<bool> g_observed{false};

bool stderr_wants_progress() {
  if (const char* force = std::getenv("SCRUTINEER_PROGRESS")) return std::string(force) != "0";
  return isatty(STDERR_FILENO) != 0;
}

std::string format_duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}
}  // namespace

void Progress::set_enabled(bool enabled) { g_enabled = enabled; }

void set_progress_observer(ProgressObserver observer) {
  g_observer = std::move(observer);
  g_observed.store(static_cast<bool>(g_observer));
}

Progress::Progress(std::string label, std::int64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && g_enabled && stderr_wants_progress()),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(std::int64_t n) {
  const std::int64_t done = done_.fetch_add(n) + n;
  if (g_observed.load(std::memory_order_relaxed)) g_observer(label_, done, total_);
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // Nothing is drawn during the first second, so short work stays silent.
  if (now - start_ < std::chrono::seconds(1)) return;
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock() || now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw(done, false);
}

void Progress::finish() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (drawn_) draw(done_.load(), true);
}

void Progress::draw(std::int64_t done, bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double share = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 0.0;
  const int width = 30;
  const int filled = static_cast<int>(share * width);
  std::string bar(static_cast<std::size_t>(std::max(0, std::min(width, filled))), '#');
  bar.resize(width, '.');
  const std::string eta =
      final ? fmt::format("done in {}", format_duration(elapsed))
            : (share > 0 ? fmt::format("{} left", format_duration(elapsed * (1 - share) / share))
                         : std::string("..."));
  fmt::print(stderr, "\r{} [{}] {}/{} {:3.0f}% {}   {}", label_, bar, done, total_, share * 100,
             eta, final ? "\n" : "");
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace scrutineer
