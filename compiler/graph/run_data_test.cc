#include "compiler/graph/run_data.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace pipec::graph {
namespace {

namespace fs = std::filesystem;

class RunDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / fs::path("pipec-graph-run-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / ".pipec/runs/r1");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const fs::path& p, const std::string& text) { std::ofstream(root_ / p) << text; }
  fs::path root_;
};

TEST_F(RunDataTest, ReadsDurationsFromARunDirectory) {
  Write(".pipec/runs/r1/summary.json",
        R"({"run_id": "r1", "jobs": [{"name": "build", "status": "success", "duration_ms": 1500},
            {"name": "skipped", "status": "skipped"}]})");
  RunData r = ReadRunData((root_ / ".pipec/runs/r1").string());
  EXPECT_EQ(r.problem, "");
  EXPECT_EQ(r.seconds, (std::map<std::string, double>{{"build", 1.5}}));
}

TEST_F(RunDataTest, FollowsLastFromTheRunsOrProjectDirectory) {
  Write(".pipec/runs/r1/summary.json", R"({"jobs": [{"name": "a", "duration_ms": 2000}]})");
  Write(".pipec/runs/LAST", "r1\n");
  EXPECT_EQ(ReadRunData((root_ / ".pipec/runs").string()).seconds.at("a"), 2.0);
  EXPECT_EQ(ReadRunData(root_.string()).seconds.at("a"), 2.0);
}

TEST_F(RunDataTest, ExplainsMissingOrBadData) {
  EXPECT_NE(ReadRunData((root_ / ".pipec/runs/r1").string()).problem.find("no summary.json"), std::string::npos);
  Write(".pipec/runs/r1/summary.json", "not json");
  EXPECT_NE(ReadRunData((root_ / ".pipec/runs/r1").string()).problem.find("not a run summary"), std::string::npos);
  EXPECT_NE(ReadRunData((root_ / "nope").string()).problem.find("not a directory"), std::string::npos);
}

}  // namespace
}  // namespace pipec::graph
