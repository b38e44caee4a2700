#pragma once
// What a run shows. On a terminal: a live area at the bottom with one line per running job
// (spinner, elapsed time) and everything else scrolling above it. Otherwise (pipes, CI,
// tests): plain lines prefixed with `[job]`. Job output arrives already masked.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

namespace pipec::runtime {

class Console {
 public:
  Console(std::FILE* out, bool live);

  void JobLine(const std::string& job, const std::string& line);  // one line of job output
  void Note(const std::string& text);                             // a runtime message
  void Started(const std::string& job, int attempt);
  void Finished(const std::string& job);  // leaves the live area
  void Tick();                            // redraw the live area (terminal only)
  // Erases the live area so something else can own the terminal (debug shell, prompts).
  void Suspend();
  bool live() const { return live_; }

 private:
  void Print(const std::string& text);  // above the live area
  void Clear();
  void Draw();

  std::FILE* out_;
  bool live_;
  int drawn_ = 0;  // lines of live area currently on screen
  unsigned frame_ = 0;
  std::map<std::string, std::chrono::steady_clock::time_point> running_;
};

}  // namespace pipec::runtime
