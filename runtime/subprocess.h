#pragma once
// Runs a short helper command (git) to completion and captures its stdout.
#include <string>
#include <vector>

namespace pipec::runtime {

// Returns the exit status (127 when it cannot start, 128+N when killed by signal N).
int RunCapture(const std::vector<std::string>& argv, const std::string& cwd, std::string* out);

// Captured output without the line end (and spaces) it ends with: `git rev-parse HEAD`'s sha.
std::string TrimOutputEnd(std::string s);

}  // namespace pipec::runtime
