#include "runtime/console.h"

#include <fmt/format.h>

namespace pipec::runtime {

Console::Console(std::FILE* out, bool live) : out_(out), live_(live) {}

void Console::Clear() {
  if (!live_ || drawn_ == 0) return;
  // Up to the first live line, then erase to the end of the screen.
  std::fprintf(out_, "\x1b[%dF\x1b[J", drawn_);
  drawn_ = 0;
}

void Console::Draw() {
  if (!live_) return;
  static const char kSpin[] = "|/-\\";
  auto now = std::chrono::steady_clock::now();
  for (auto& [job, start] : running_) {
    double secs = std::chrono::duration<double>(now - start).count();
    std::fprintf(out_, "  %c %s  %.1fs\n", kSpin[frame_ % 4], job.c_str(), secs);
    ++drawn_;
  }
  std::fflush(out_);
}

void Console::Print(const std::string& text) {
  Clear();
  std::fwrite(text.data(), 1, text.size(), out_);
  if (text.empty() || text.back() != '\n') std::fputc('\n', out_);
  Draw();
  if (!live_) std::fflush(out_);
}

void Console::JobLine(const std::string& job, const std::string& line) { Print(fmt::format("[{}] {}", job, line)); }

void Console::Note(const std::string& text) { Print(text); }

void Console::Started(const std::string& job, int attempt) {
  running_[job] = std::chrono::steady_clock::now();
  Print(attempt > 1 ? fmt::format("[{}] started (attempt {})", job, attempt) : fmt::format("[{}] started", job));
}

void Console::Finished(const std::string& job) {
  running_.erase(job);
  if (live_) {
    Clear();
    Draw();
  }
}

void Console::Tick() {
  if (!live_) return;
  ++frame_;
  Clear();
  Draw();
}

void Console::Suspend() {
  Clear();
  std::fflush(out_);
}

}  // namespace pipec::runtime
