#pragma once
// Subcommands register themselves (one cmd_<name>.cc each), so main.cc stays thin and
// adding a command touches no shared file. Setup adds the subcommand's options to its
// CLI11 app and returns the action that runs once the command line is parsed; the action
// returns the process exit code (0 ok, 1 findings/errors, 2 usage or I/O error).
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace pipec::driver {

using CommandAction = std::function<int()>;
using CommandSetup = std::function<CommandAction(CLI::App& sub)>;

struct CommandSpec {
  std::string name;
  std::string summary;
  int order;  // position in `pipec help`
  CommandSetup setup;
};

std::vector<CommandSpec>& CommandRegistry();

struct CommandRegistrar {
  CommandRegistrar(std::string name, std::string summary, int order, CommandSetup setup) {
    CommandRegistry().push_back({std::move(name), std::move(summary), order, std::move(setup)});
  }
};

}  // namespace pipec::driver
