#include "runtime/artifacts.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/fs.h"
#include "runtime/run_info.h"

namespace fs = std::filesystem;

namespace pipec::runtime {

namespace {

std::string TrimSpace(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string ParseValue(plan::ArtifactKind kind, const std::string& raw, std::string* value) {
  using plan::ArtifactKind;
  std::string t = TrimSpace(raw);
  if (kind == ArtifactKind::String) {
    *value = t;
    return "";
  }
  if (kind == ArtifactKind::Bool) {
    std::string lower;
    for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "true" || lower == "false") {
      *value = lower;
      return "";
    }
    return fmt::format("expected true or false, got \"{}\"", t);
  }
  if (kind == ArtifactKind::Int) {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE)
      return fmt::format("expected an integer, got \"{}\"", t);
    *value = std::to_string(v);
    return "";
  }
  if (kind == ArtifactKind::Float) {
    char* end = nullptr;
    std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size()) return fmt::format("expected a number, got \"{}\"", t);
    *value = t;
    return "";
  }
  return fmt::format("\"{}\" is not a value kind", plan::Name(kind));
}

std::string ArtifactStore::Collect(const plan::Job& job, const std::string& workspace,
                                   std::map<std::string, std::string>* values) const {
  for (const plan::ArtifactOut& out : job.outputs) {
    std::string where = fmt::format("output {} ({})", out.name, out.path);
    if (std::string err = CheckResolvesInside(workspace, out.path); !err.empty()) return where + ": " + err;
    fs::path src = fs::path(workspace) / out.path;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(src, ec)))
      return fmt::format("{}: declared output was not produced", where);
    if (plan::IsValueKind(out.kind)) {
      auto text = ReadFile(src.string());
      if (!text) return where + ": cannot read it";
      std::string v;
      if (std::string err = ParseValue(out.kind, *text, &v); !err.empty())
        return fmt::format("{}: {} value: {}", where, plan::Name(out.kind), err);
      (*values)[out.name] = v;
      continue;
    }
    if (out.kind == plan::ArtifactKind::Dir && !fs::is_directory(src, ec)) return where + ": declared as a directory, but it is not one";
    fs::path dst = fs::path(root_) / PathName(job.name) / PathName(out.name);
    fs::remove_all(dst, ec);
    if (std::string err = CopyTree(src.string(), dst.string(), workspace); !err.empty()) return where + ": " + err;
  }
  return "";
}

std::string ArtifactStore::SaveValues(const std::string& job, const std::map<std::string, std::string>& values) const {
  return WriteFile((fs::path(root_) / PathName(job) / "values.json").string(), nlohmann::json(values).dump(2) + "\n");
}

std::map<std::string, std::string> ArtifactStore::LoadValues(const std::string& job) const {
  auto text = ReadFile((fs::path(root_) / PathName(job) / "values.json").string());
  if (!text) return {};
  auto j = nlohmann::json::parse(*text, nullptr, false);
  std::map<std::string, std::string> out;
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  return out;
}

std::string ArtifactStore::Restore(const plan::Job& job, const std::string& workspace) const {
  for (const plan::ArtifactIn& in : job.inputs) {
    std::string where = fmt::format("input {} (from {}.{})", in.name, in.job, in.output);
    std::string path = in.path.empty() ? in.output : in.path;
    if (std::string err = CheckRelative(path); !err.empty()) return where + ": " + err;
    fs::path dst = fs::path(workspace) / path;
    // The destination's parents come from the project files: they must not lead outside.
    if (std::string err = CheckResolvesInside(workspace, fs::path(path).parent_path().string().empty()
                                                             ? "."
                                                             : fs::path(path).parent_path().string());
        !err.empty())
      return where + ": " + err;
    std::error_code ec;
    if (plan::IsValueKind(in.kind)) {
      auto values = LoadValues(in.job);
      auto it = values.find(in.output);
      if (it == values.end()) return fmt::format("{}: {} did not produce it", where, in.job);
      if (std::string err = WriteFile(dst.string(), it->second + "\n"); !err.empty()) return where + ": " + err;
      continue;
    }
    fs::path src = fs::path(root_) / PathName(in.job) / PathName(in.output);
    if (!fs::exists(fs::symlink_status(src, ec))) return fmt::format("{}: {} did not produce it", where, in.job);
    fs::remove_all(dst, ec);
    if (std::string err = CopyTree(src.string(), dst.string()); !err.empty()) return where + ": " + err;
  }
  return "";
}

}  // namespace pipec::runtime
