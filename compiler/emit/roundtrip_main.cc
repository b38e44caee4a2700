// pipec-roundtrip IR.json [--gitlab FILE] [--github FILE]: the test tool behind the
// output validation (tests/lit/emit/validate-*.test). Exit 0 when the files match the IR,
// 1 with one line per difference, 2 on unreadable input.
#include <fstream>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "compiler/emit/roundtrip.h"

int main(int argc, char** argv) {
  std::string ir_path, gitlab, github;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--gitlab" && i + 1 < argc) gitlab = argv[++i];
    else if (a == "--github" && i + 1 < argc) github = argv[++i];
    else ir_path = a;
  }
  if (ir_path.empty()) {
    std::cerr << "usage: pipec-roundtrip IR.json [--gitlab FILE] [--github FILE]\n";
    return 2;
  }
  try {
    std::ifstream in(ir_path);
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json ir = nlohmann::json::parse(text.str());
    std::vector<std::string> diffs;
    if (!gitlab.empty())
      for (std::string d : pipec::emit::CompareGitLab(ir, YAML::LoadFile(gitlab))) diffs.push_back(gitlab + ": " + d);
    if (!github.empty())
      for (std::string d : pipec::emit::CompareGitHub(ir, YAML::LoadFile(github))) diffs.push_back(github + ": " + d);
    for (const std::string& d : diffs) std::cout << d << "\n";
    if (!diffs.empty()) return 1;
    std::cout << "roundtrip: " << ir["jobs"].size() << " jobs match\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "pipec-roundtrip: " << e.what() << "\n";
    return 2;
  }
}
