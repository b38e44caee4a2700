// `pipec graph FILE`: the job graph of a pipeline as Graphviz DOT, Mermaid or (through
// Graphviz `dot`) SVG, optionally for one trigger and with the critical path of a run.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "compiler/diag/text_format.h"
#include "compiler/driver/command.h"
#include "compiler/driver/compile.h"
#include "compiler/graph/job_graph.h"
#include "compiler/graph/render.h"
#include "compiler/graph/run_data.h"

namespace pipec::driver {
namespace {

struct GraphArgs {
  std::string file;
  std::string format;  // dot | mermaid | svg ("" = from -o's extension, else dot)
  std::string trigger;
  std::string run_dir;
  std::string output;
  bool critical_path = false;
};

// The `dot` executable on PATH, or "".
std::string FindDot() {
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "";
  while (true) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/dot";
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate;
    if (colon == std::string_view::npos) return "";
    rest.remove_prefix(colon + 1);
  }
}

// Runs `dot -Tsvg` with `input` on its stdin and its stdout on `out_fd`. "" on success.
std::string RunDot(const std::string& dot, const std::string& input, int out_fd) {
  int in[2];
  if (::pipe(in) != 0) return std::string("cannot create a pipe: ") + std::strerror(errno);
  pid_t pid = ::fork();
  if (pid < 0) return std::string("cannot start dot: ") + std::strerror(errno);
  if (pid == 0) {
    ::dup2(in[0], 0);
    if (out_fd != 1) ::dup2(out_fd, 1);
    ::close(in[0]);
    ::close(in[1]);
    char* argv[] = {const_cast<char*>(dot.c_str()), const_cast<char*>("-Tsvg"), nullptr};
    ::execv(dot.c_str(), argv);
    _exit(127);
  }
  ::close(in[0]);
  // dot may exit before reading everything: a closed pipe must not kill pipec.
  void (*old)(int) = std::signal(SIGPIPE, SIG_IGN);
  size_t done = 0;
  while (done < input.size()) {
    ssize_t n = ::write(in[1], input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(in[1]);
  std::signal(SIGPIPE, old);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fmt::format("`{} -Tsvg` failed (exit status {})", dot, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return "";
}

std::string FormatFromExtension(const std::string& out) {
  std::string ext = std::filesystem::path(out).extension().string();
  if (ext == ".svg") return "svg";
  if (ext == ".mmd" || ext == ".mermaid") return "mermaid";
  return "dot";
}

CommandAction SetupGraphCommand(CLI::App& app) {
  auto args = std::make_shared<GraphArgs>();
  app.add_option("file", args->file, "The .pipe file")->required();
  app.add_option("--format", args->format, "dot, mermaid or svg (svg needs Graphviz `dot`); "
                                           "default: from -o's extension, else dot")
      ->check(CLI::IsMember({"dot", "mermaid", "svg"}));
  app.add_option("--trigger", args->trigger,
                 "Only the jobs that exist under this trigger (push, schedule:NAME, ...)");
  app.add_option("--run", args->run_dir,
                 "Highlight the critical path using the job durations of a run "
                 "(.pipec/runs/<id>, .pipec/runs for the last run, or a project directory)");
  app.add_flag("--critical-path", args->critical_path,
               "Highlight the critical path counted in jobs (no run data needed)");
  app.add_option("-o,--output", args->output, "Write to FILE instead of stdout");
  return [args]() -> int {
    Compilation c;
    CompileOptions opts;
    std::optional<ir::Pipeline> p = CompilePipeFile(args->file, opts, c);
    if (!p) {
      std::cerr << FormatDiagnosticsText(c.diags.diagnostics(), c.sources, TextFormatOptions{});
      return 1;
    }
    // The graph needs a valid program, not the checker's advice; but a dependency cycle is
    // drawn (it shows where it is) and then fails the command, as in check and build.
    std::vector<Diagnostic> cycles;
    for (const Diagnostic& d : c.diags.diagnostics())
      if (d.kind == DiagKind::DependencyCycle && d.severity == Severity::Error) cycles.push_back(d);
    int done = cycles.empty() ? 0 : 1;
    if (!cycles.empty())
      std::cerr << FormatDiagnosticsText(cycles, c.sources, TextFormatOptions{});
    graph::GraphOptions gopts;
    if (!args->trigger.empty()) {
      std::optional<std::string> id = graph::ResolveTrigger(*p, args->trigger);
      if (!id) {
        std::string known;
        for (const ir::Trigger& t : p->triggers) known += (known.empty() ? "" : ", ") + t.Id();
        std::cerr << "pipec graph: the pipeline has no trigger `" << args->trigger << "`; it has: "
                  << (known.empty() ? "none" : known) << "\n";
        return 2;
      }
      gopts.trigger = *id;
    }
    // A run's durations belong to the jobs of the trigger it ran under: draw that trigger's
    // jobs, and refuse another one rather than mix the two.
    graph::RunData run;
    if (!args->run_dir.empty()) {
      run = graph::ReadRunData(args->run_dir);
      if (!run.trigger.empty()) {
        std::optional<std::string> ran = graph::ResolveTrigger(*p, run.trigger);
        if (!ran) {
          std::cerr << "pipec graph: the run in " << run.summary_path << " was under trigger `"
                    << run.trigger << "`, which this pipeline does not declare; its durations do "
                    << "not describe these jobs\n";
          return 2;
        }
        if (!gopts.trigger.empty() && gopts.trigger != *ran) {
          std::cerr << "pipec graph: --trigger " << args->trigger << " but the run in "
                    << run.summary_path << " was under trigger `" << *ran
                    << "`; pass --trigger " << *ran << " or leave --trigger out\n";
          return 2;
        }
        if (gopts.trigger.empty())
          std::cerr << "pipec graph: drawing the jobs of trigger `" << *ran << "`, the run's\n";
        gopts.trigger = *ran;
      }
    }
    graph::JobGraph g = graph::BuildJobGraph(*p, gopts);
    if (!args->run_dir.empty() || args->critical_path) {
      if (!args->run_dir.empty()) {
        if (!run.problem.empty())
          std::cerr << "pipec graph: " << run.problem
                    << "; the critical path counts jobs instead of durations\n";
        for (graph::GraphNode& n : g.nodes) {
          auto it = run.seconds.find(n.name);
          if (it != run.seconds.end()) n.seconds = it->second;
        }
      }
      bool by_time = !run.seconds.empty();
      if (!graph::MarkCriticalPath(g, by_time ? &run.seconds : nullptr))
        std::cerr << "pipec graph: the jobs form a cycle; no critical path\n";
    }

    std::string format = args->format.empty()
                             ? (args->output.empty() ? "dot" : FormatFromExtension(args->output))
                             : args->format;
    std::string text = format == "mermaid" ? graph::RenderMermaid(g) : graph::RenderDot(g);
    if (format == "svg") {
      std::string dot = FindDot();
      if (dot.empty()) {
        std::cerr << "pipec graph: SVG output needs Graphviz `dot`, which is not on PATH; install "
                     "Graphviz (Debian: apt-get install graphviz) or use --format dot or mermaid\n";
        return 2;
      }
      int fd = 1;
      if (!args->output.empty()) {
        fd = ::open(args->output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
          std::cerr << "pipec graph: cannot write " << args->output << ": " << std::strerror(errno) << "\n";
          return 2;
        }
      }
      std::cout.flush();
      std::string err = RunDot(dot, text, fd);
      if (fd != 1) ::close(fd);
      if (!err.empty()) {
        std::cerr << "pipec graph: " << err << "\n";
        return 2;
      }
      return done;
    }
    if (args->output.empty()) {
      std::cout << text;
      return done;
    }
    std::ofstream out(args->output, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::cerr << "pipec graph: cannot write " << args->output << "\n";
      return 2;
    }
    return done;
  };
}

const CommandRegistrar kGraph("graph", "Draw the job graph (DOT, Mermaid or SVG), optionally with a run's critical path",
                              40, SetupGraphCommand);

}  // namespace
}  // namespace pipec::driver
