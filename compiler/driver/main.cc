// pipec: thin entry point; every subcommand lives in its own cmd_<name>.cc.
#include <algorithm>
#include <iostream>
#include <map>

#include "compiler/driver/command.h"
#include "compiler/support/version.h"

namespace pipec::driver {

std::vector<CommandSpec>& CommandRegistry() {
  static std::vector<CommandSpec> registry;
  return registry;
}

namespace {

int Main(int argc, char** argv) {
  CLI::App app{"pipec: write, check, build and run CI/CD pipelines"};
  app.set_version_flag("--version", std::string("pipec ") + kVersion);
  app.require_subcommand(0, 1);
  auto& registry = CommandRegistry();
  std::sort(registry.begin(), registry.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.order < b.order; });
  std::map<CLI::App*, CommandAction> actions;
  std::map<std::string, CLI::App*> by_name;
  for (const CommandSpec& spec : registry) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.summary);
    actions[sub] = spec.setup(*sub);
    by_name[spec.name] = sub;
  }
  // `pipec help [COMMAND]`
  std::string help_topic;
  CLI::App* help = app.add_subcommand("help", "Show help for pipec or one command");
  help->add_option("command", help_topic, "The command to describe");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (help->parsed()) {
    if (help_topic.empty()) {
      std::cout << app.help();
      return 0;
    }
    auto it = by_name.find(help_topic);
    if (it == by_name.end()) {
      std::cerr << "pipec: unknown command '" << help_topic << "'; run `pipec help`\n";
      return 2;
    }
    std::cout << it->second->help();
    return 0;
  }
  for (auto& [sub, action] : actions)
    if (sub->parsed()) return action();
  std::cout << app.help();
  return 0;
}

}  // namespace
}  // namespace pipec::driver

int main(int argc, char** argv) { return pipec::driver::Main(argc, argv); }
