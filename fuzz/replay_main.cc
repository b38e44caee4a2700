// The driver of the fuzz targets without libFuzzer (a GCC build, `make test`; docs/fuzzing.md).
//
//   fuzz_<target> FILE|DIR...
//     replay: runs every file named, and every file under a directory named, through
//     LLVMFuzzerTestOneInput once, in sorted order (ctest fuzz_replay_<target>).
//   fuzz_<target> --mutate SECONDS (0: no limit) [--seed N] [--runs N] [--dict FILE]... [--crash-dir DIR]
//                 [--max-len BYTES] [--timeout SECONDS] FILE|DIR...
//     a mutation fuzzer without coverage feedback (ctest fuzz_mutate_<target>): the files are
//     the corpus; each run takes one of them (or a recent mutant), applies 1 to 8 mutations
//     (bit flips, byte insert/delete/overwrite, copied and repeated chunks, line operations,
//     splices with another input, dictionary tokens, interesting numbers) and runs the result.
//     The inputs made depend only on the corpus, the dictionaries and the seed, so
//     `--seed N --runs R` makes exactly the R inputs of a run again.
//
// A crash, a failed invariant (fuzz::Require aborts), an exception escaping, a sanitizer
// report or an input running over --timeout saves the mutated input to the crash directory
// and prints how to replay it; the process then dies of the signal (non-zero for ctest).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"

#if defined(__SANITIZE_ADDRESS__)
#define PIPEC_FUZZ_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PIPEC_FUZZ_SANITIZED 1
#endif
#endif
#ifdef PIPEC_FUZZ_SANITIZED
extern "C" void __sanitizer_set_death_callback(void (*callback)(void));
#endif

namespace {

// ---------------------------------------------------------------- inputs

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The files named and the files under the directories named, sorted; false if one is missing.
bool CollectFiles(const std::vector<std::string>& args, std::vector<std::filesystem::path>& files) {
  for (const std::string& a : args) {
    std::filesystem::path p(a);
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (std::filesystem::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      std::cerr << "fuzz: " << a << ": no such file or directory\n";
      return false;
    }
  }
  std::sort(files.begin(), files.end());
  return true;
}

// A libFuzzer dictionary: one token a line, `"..."` or `name="..."`, escapes \\ \" \xNN;
// `#` lines are comments.
bool ReadDictionary(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "fuzz: " << path << ": cannot read the dictionary\n";
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    size_t open = line.find('"');
    if (line.empty() || line[0] == '#' || open == std::string::npos) continue;
    size_t close = line.rfind('"');
    if (close == open) {
      std::cerr << "fuzz: " << path << ":" << number << ": unterminated token\n";
      return false;
    }
    std::string token;
    for (size_t i = open + 1; i < close; ++i) {
      if (line[i] != '\\' || i + 1 >= close) {
        token += line[i];
      } else if (line[i + 1] == 'x' && i + 3 < close) {
        token += static_cast<char>(std::stoi(line.substr(i + 2, 2), nullptr, 16));
        i += 3;
      } else {
        token += line[++i];
      }
    }
    if (!token.empty()) out.push_back(token);
  }
  return true;
}

// ---------------------------------------------------------------- crash reports
// Written for signal handlers: only async-signal-safe calls, no allocation.

const uint8_t* g_data = nullptr;  // the input running now
size_t g_size = 0;
uint64_t g_seed = 0, g_run = 0;
bool g_mutating = false;
char g_crash_prefix[4096] = "";  // crash directory + "/" + target + "-"
char g_program[4096] = "";
volatile sig_atomic_t g_reported = 0;

void Put(const char* s) {
  size_t n = std::strlen(s);
  while (n > 0) {
    ssize_t w = write(2, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

void Append(char* buf, size_t cap, const char* s) {
  size_t n = std::strlen(buf);
  while (*s && n + 1 < cap) buf[n++] = *s++;
  buf[n] = '\0';
}

void AppendNumber(char* buf, size_t cap, uint64_t v) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  char s[24];
  for (int i = 0; i < n; ++i) s[i] = digits[n - 1 - i];
  s[n] = '\0';
  Append(buf, cap, s);
}

// Saves the running mutant (mutate mode) and says how to replay it; once per process.
void ReportCurrentInput(const char* what) {
  if (g_reported) return;
  g_reported = 1;
  char msg[12000] = "\nfuzz: ";
  Append(msg, sizeof msg, what);
  if (!g_mutating) {
    Append(msg, sizeof msg, " (replay: the input is the last file named above)\n");
    Put(msg);
    return;
  }
  char path[4200] = "";
  Append(path, sizeof path, g_crash_prefix);
  Append(path, sizeof path, "seed");
  AppendNumber(path, sizeof path, g_seed);
  Append(path, sizeof path, "-run");
  AppendNumber(path, sizeof path, g_run);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  bool saved = fd >= 0;
  for (size_t off = 0; saved && off < g_size;) {
    ssize_t w = write(fd, g_data + off, g_size - off);
    if (w <= 0) saved = false;
    else off += static_cast<size_t>(w);
  }
  if (fd >= 0) close(fd);
  Append(msg, sizeof msg, " on mutated input ");
  AppendNumber(msg, sizeof msg, g_run);
  Append(msg, sizeof msg, " (seed ");
  AppendNumber(msg, sizeof msg, g_seed);
  Append(msg, sizeof msg, ", ");
  AppendNumber(msg, sizeof msg, g_size);
  Append(msg, sizeof msg, " bytes)\n");
  if (saved) {
    Append(msg, sizeof msg, "fuzz: input saved to ");
    Append(msg, sizeof msg, path);
    Append(msg, sizeof msg, "\nfuzz: replay it:  ");
    Append(msg, sizeof msg, g_program);
    Append(msg, sizeof msg, " ");
    Append(msg, sizeof msg, path);
    Append(msg, sizeof msg,
           "\nfuzz: keep it (minimised) in fuzz/corpus/<target>/ with the fix (docs/fuzzing.md)\n");
  } else {
    Append(msg, sizeof msg, "fuzz: could not save the input to ");
    Append(msg, sizeof msg, path);
    Append(msg, sizeof msg, "; the same run again: --seed and --runs as above\n");
  }
  Put(msg);
}

void OnSignal(int sig) {
  const char* what = sig == SIGSEGV   ? "crash (SIGSEGV)"
                     : sig == SIGABRT ? "abort (SIGABRT: a failed invariant, an uncaught exception)"
                     : sig == SIGBUS  ? "crash (SIGBUS)"
                     : sig == SIGFPE  ? "crash (SIGFPE)"
                     : sig == SIGILL  ? "crash (SIGILL)"
                     : sig == SIGALRM ? "timeout (an input ran over --timeout)"
                                      : "signal";
  ReportCurrentInput(what);
  signal(sig, SIG_DFL);
  raise(sig);
}

#ifdef PIPEC_FUZZ_SANITIZED
void OnSanitizerDeath() { ReportCurrentInput("sanitizer error (report above)"); }
#endif

void InstallHandlers() {
  static char alt_stack[1 << 16];  // a stack overflow still gets its report
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  std::vector<int> sigs = {SIGABRT, SIGALRM};
#ifdef PIPEC_FUZZ_SANITIZED
  __sanitizer_set_death_callback(OnSanitizerDeath);  // ASan reports SEGV itself, then dies
#else
  sigs.insert(sigs.end(), {SIGSEGV, SIGBUS, SIGFPE, SIGILL});
#endif
  for (int s : sigs) sigaction(s, &sa, nullptr);
}

// ---------------------------------------------------------------- the mutator

class Mutator {
 public:
  Mutator(uint64_t seed, const std::vector<std::string>& corpus,
          const std::vector<std::string>& dict, size_t max_len)
      : state_(seed), corpus_(corpus), dict_(dict), max_len_(max_len) {}

  // The next input: a corpus entry or a recent mutant, mutated 1 to 8 times.
  std::string Next() {
    std::string s = Pick();
    size_t n = 1 + Below(8);
    for (size_t i = 0; i < n; ++i) MutateOnce(s);
    if (s.size() > max_len_) s.resize(max_len_);
    if (Below(4) == 0) {  // a few mutants are mutated further later
      if (recent_.size() < kRecent) recent_.push_back(s);
      else recent_[Below(kRecent)] = s;
    }
    return s;
  }

 private:
  static constexpr size_t kRecent = 256;

  uint64_t Rand() {  // splitmix64: the same numbers on every platform and compiler
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Rand() % n); }

  const std::string& Any() {
    if (!recent_.empty() && Below(4) == 0) return recent_[Below(recent_.size())];
    return corpus_[Below(corpus_.size())];
  }
  std::string Pick() {
    const std::string& s = Any();
    return s.size() > max_len_ ? s.substr(0, max_len_) : s;
  }

  // A chunk length: mostly short, sometimes long.
  size_t Len(size_t limit) {
    if (limit == 0) return 0;
    size_t cap = Below(8) == 0 ? limit : std::min<size_t>(limit, 16);
    return 1 + Below(cap);
  }

  std::string Token() {
    static const char* const kNumbers[] = {
        "0", "-1", "1", "255", "256", "65535", "2147483647", "2147483648", "-2147483649",
        "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        "1e308", "1e309", "-0", "0.5", "NaN", "99999999999999999999999999"};
    if (dict_.empty() || Below(5) == 0) return kNumbers[Below(std::size(kNumbers))];
    return dict_[Below(dict_.size())];
  }

  // Line operations for the text formats.
  void LineOp(std::string& s) {
    std::vector<size_t> starts = {0};
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i] == '\n' && i + 1 < s.size()) starts.push_back(i + 1);
    auto line = [&](size_t k) {
      size_t b = starts[k], e = k + 1 < starts.size() ? starts[k + 1] : s.size();
      return std::pair<size_t, size_t>(b, e - b);
    };
    auto [b1, n1] = line(Below(starts.size()));
    auto [b2, n2] = line(Below(starts.size()));
    std::string l1 = s.substr(b1, n1), l2 = s.substr(b2, n2);
    switch (Below(4)) {
      case 0: s.insert(b2, l1); break;                           // copy a line
      case 1: s.erase(b1, n1); break;                            // delete a line
      case 2: s.insert(b1, std::string(1 + Below(8), ' ')); break;  // indent a line
      default:                                                   // swap two lines
        if (b1 == b2) break;
        if (b1 > b2) {
          std::swap(b1, b2);
          std::swap(n1, n2);
          std::swap(l1, l2);
        }
        s.replace(b2, n2, l1);
        s.replace(b1, n1, l2);
    }
  }

  void MutateOnce(std::string& s) {
    size_t size = s.size();
    switch (Below(size == 0 ? 1 : 14)) {
      case 0: s.insert(Below(size + 1), Token()); break;  // insert a token
      case 1: {                                           // insert random bytes
        std::string bytes(Len(4), '\0');
        for (char& c : bytes) c = static_cast<char>(Rand());
        s.insert(Below(size + 1), bytes);
        break;
      }
      case 2: s[Below(size)] ^= static_cast<char>(1u << Below(8)); break;  // flip a bit
      case 3: s[Below(size)] = static_cast<char>(Rand()); break;         // set a byte
      case 4: {                                                         // interesting byte
        static const char kBytes[] = {'\0', '\n', '\r', '\t', ' ', '"', '\'', '\\', '{', '}', '[',
                                      ']', ':', ',', '-', '#', '$', '&', '*', '!', '|', '>',
                                      '\x7f', '\x80', '\xc3', '\xef', '\xff'};
        s[Below(size)] = kBytes[Below(sizeof kBytes)];
        break;
      }
      case 5: {  // delete a chunk
        size_t at = Below(size);
        s.erase(at, Len(size - at));
        break;
      }
      case 6: {  // copy a chunk elsewhere
        size_t from = Below(size);
        std::string chunk = s.substr(from, Len(size - from));
        s.insert(Below(size + 1), chunk);
        break;
      }
      case 7: {  // overwrite with a chunk of the input
        size_t from = Below(size);
        std::string chunk = s.substr(from, Len(size - from));
        size_t to = Below(size);
        chunk.resize(std::min(chunk.size(), size - to));
        s.replace(to, chunk.size(), chunk);
        break;
      }
      case 8: {  // repeat a chunk (deep nesting, long lines, many items)
        size_t from = Below(size);
        std::string chunk = s.substr(from, Len(std::min<size_t>(size - from, 64)));
        size_t times = 2 + Below(Below(4) == 0 ? 2000 : 16);
        std::string rep;
        for (size_t i = 0; i < times && rep.size() < max_len_; ++i) rep += chunk;
        s.insert(from, rep);
        break;
      }
      case 9: {  // splice: this input's head, another's tail
        const std::string& other = Any();
        s = s.substr(0, Below(size + 1)) + other.substr(Below(other.size() + 1));
        break;
      }
      case 10: {  // insert a chunk of another input
        const std::string& other = Any();
        if (other.empty()) break;
        size_t from = Below(other.size());
        s.insert(Below(size + 1), other.substr(from, Len(other.size() - from)));
        break;
      }
      case 11: {  // overwrite with a token
        std::string t = Token();
        size_t at = Below(size);
        s.replace(at, std::min(t.size(), size - at), t);
        break;
      }
      case 12: {  // replace a number with an interesting one
        size_t at = s.find_first_of("0123456789", Below(size));
        if (at == std::string::npos) break;
        size_t end = s.find_first_not_of("0123456789", at);
        static const char* const kNumbers[] = {"0", "-1", "2147483648", "18446744073709551616",
                                               "1e309", "99999999999999999999"};
        s.replace(at, (end == std::string::npos ? size : end) - at, kNumbers[Below(6)]);
        break;
      }
      default: LineOp(s); break;
    }
  }

  uint64_t state_;
  const std::vector<std::string>& corpus_;
  const std::vector<std::string>& dict_;
  size_t max_len_;
  std::vector<std::string> recent_;
};

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

int Usage() {
  std::cerr << "usage: fuzz_TARGET FILE|DIR...                      (replay each input once)\n"
               "       fuzz_TARGET --mutate SECONDS [--seed N] [--runs N] [--dict FILE]...\n"
               "                   [--crash-dir DIR] [--max-len BYTES] [--timeout SECONDS] FILE|DIR...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = -1;
  uint64_t seed = 1, runs = 0;
  size_t max_len = 65536;
  unsigned timeout = 10;
  std::vector<std::string> dicts, args;
  std::string crash_dir = ".";
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
        return argv[++i];
      };
      if (a == "--help" || a == "-h") {
        Usage();
        return 0;
      }
      if (a == "--mutate") seconds = std::stod(value());
      else if (a == "--seed") seed = std::stoull(value());
      else if (a == "--runs") runs = std::stoull(value());
      else if (a == "--dict") dicts.push_back(value());
      else if (a == "--crash-dir") crash_dir = value();
      else if (a == "--max-len") max_len = std::stoul(value());
      else if (a == "--timeout") timeout = static_cast<unsigned>(std::stoul(value()));
      else if (a.rfind("--", 0) == 0) throw std::invalid_argument("unknown option " + a);
      else args.push_back(a);
    }
  } catch (const std::exception& e) {
    std::cerr << "fuzz: " << e.what() << "\n";
    return Usage();
  }
  if (args.empty()) return Usage();
  std::vector<std::filesystem::path> files;
  if (!CollectFiles(args, files)) return 2;
  std::snprintf(g_program, sizeof g_program, "%s", argv[0]);
  InstallHandlers();

  if (seconds < 0 && runs == 0) {  // replay
    for (const auto& f : files) {
      std::string bytes = ReadFile(f);
      std::fprintf(stderr, "replay: %s\n", f.string().c_str());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    std::cout << "replayed " << files.size() << " inputs\n";
    return 0;
  }

  std::vector<std::string> corpus, dict;
  for (const auto& f : files) corpus.push_back(ReadFile(f));
  for (const std::string& d : dicts)
    if (!ReadDictionary(d, dict)) return 2;
  std::error_code ec;
  std::filesystem::create_directories(crash_dir, ec);
  std::string target = std::filesystem::path(argv[0]).filename().string();
  std::snprintf(g_crash_prefix, sizeof g_crash_prefix, "%s/%s-", crash_dir.c_str(), target.c_str());
#ifndef PIPEC_FUZZ_SANITIZED
  // pipec bounds its memory: a runaway allocation fails (std::bad_alloc, an abort above)
  // instead of taking the machine. (ASan reserves terabytes of address space: not there.)
  rlimit as{2ull << 30, 2ull << 30};
  setrlimit(RLIMIT_AS, &as);
#endif
  std::cerr << "fuzz: " << target << ": mutating " << corpus.size() << " inputs with "
            << dict.size() << " dictionary tokens, seed " << seed << ", for "
            << (seconds > 0 ? Seconds(seconds) + " s" : std::string("ever"))
            << (runs ? " or " + std::to_string(runs) + " runs" : std::string()) << "; crashes go to "
            << crash_dir << "\n"
            << "fuzz: the same inputs again:";
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seed" || a == "--runs") {
      ++i;
      continue;
    }
    std::cerr << " " << (i > 0 && std::string(argv[i - 1]) == "--mutate" ? "0" : a);
  }
  std::cerr << " --seed " << seed << " --runs R   (R: the run a failure names)\n";
  if (corpus.empty()) corpus.push_back("");
  Mutator m(seed, corpus, dict, max_len);
  g_seed = seed;
  g_mutating = true;
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  uint64_t done = 0;
  while ((runs == 0 || done < runs) && (seconds <= 0 || elapsed() < seconds)) {
    std::string input = m.Next();
    g_run = ++done;
    g_data = reinterpret_cast<const uint8_t*>(input.data());
    g_size = input.size();
    alarm(timeout);
    LLVMFuzzerTestOneInput(g_data, g_size);
    alarm(0);
  }
  g_mutating = false;
  double took = elapsed();
  std::printf("fuzz: %s: %llu mutated inputs in %.1f s (%.0f/s), seed %llu: no crash\n", target.c_str(),
              static_cast<unsigned long long>(done), took, took > 0 ? done / took : 0.0,
              static_cast<unsigned long long>(seed));
  return 0;
}
