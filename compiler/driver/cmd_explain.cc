// `pipec explain ID-OR-NAME`: prints a rule's page (docs/rules/<name>.md, embedded in the
// binary); for other diagnostic kinds, their one-line summary. `--list` lists every kind.
#include <fmt/format.h>

#include <iostream>

#include "compiler/diag/diagnostic.h"
#include "compiler/driver/command.h"
#include "compiler/support/embedded.h"

namespace pipec::driver {
namespace {

struct ExplainArgs {
  std::string topic;
  bool list = false;
};

std::string_view RulePage(std::string_view name) {
  std::string path = fmt::format("docs/rules/{}.md", name);
  for (const EmbeddedFile& f : RuleDocFiles())
    if (f.path == path) return f.contents;
  return {};
}

int List() {
  std::string out = fmt::format("{:<6} {:<34} {:<8} {:<9} {}\n", "id", "name", "severity",
                                "category", "summary");
  for (const DiagInfo& i : AllDiagInfos())
    out += fmt::format("{:<6} {:<34} {:<8} {:<9} {}\n", i.id, i.name, SeverityName(i.severity),
                       i.category, i.summary);
  std::cout << out;
  return 0;
}

int Explain(const std::string& topic) {
  const DiagInfo* info = FindDiagInfo(topic);
  if (!info) {
    std::cerr << fmt::format("pipec: explain: no diagnostic is called '{}'; run `pipec explain "
                             "--list`\n",
                             topic);
    return 2;
  }
  std::string_view page = RulePage(info->name);
  if (!page.empty()) {
    std::cout << page;
    if (page.back() != '\n') std::cout << '\n';
    return 0;
  }
  std::cout << fmt::format("{} {} ({}, default severity {})\n\n{}.\n", info->id, info->name,
                           info->category, SeverityName(info->severity), info->summary);
  return 0;
}

CommandAction SetupExplainCommand(CLI::App& app) {
  auto args = std::make_shared<ExplainArgs>();
  app.add_option("rule", args->topic, "A diagnostic id (P2001) or name (dependency-cycle)");
  app.add_flag("--list", args->list, "List every diagnostic kind");
  return [args]() {
    if (args->list) return List();
    if (args->topic.empty()) {
      std::cerr << "pipec: explain: give a rule id or name, or --list\n";
      return 2;
    }
    return Explain(args->topic);
  };
}

const CommandRegistrar kExplain("explain", "Explain a rule or diagnostic (`--list` for all)", 60,
                                SetupExplainCommand);

}  // namespace
}  // namespace pipec::driver
