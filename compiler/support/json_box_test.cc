#include "compiler/support/json_box.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace pipec::support {
namespace {

TEST(JsonBox, EmptyBoxReadsAsAnEmptyObjectWithoutInserting) {
  const JsonBox box;
  EXPECT_TRUE(box.empty());
  EXPECT_FALSE(box.contains("rules"));
  EXPECT_TRUE(box["rules"].is_null());
  EXPECT_EQ(box.dump(), "{}");
  EXPECT_TRUE(box.get().is_object());
}

TEST(JsonBox, WritesThroughGetAndReadsMembers) {
  JsonBox box;
  box.get()["interruptible"] = true;
  EXPECT_FALSE(box.empty());
  EXPECT_TRUE(box.contains("interruptible"));
  EXPECT_EQ(box["interruptible"], true);
  EXPECT_TRUE(box["other"].is_null());
  EXPECT_FALSE(box.contains("other"));  // reading a missing member did not insert it
  EXPECT_EQ(box.dump(), R"({"interruptible":true})");
}

TEST(JsonBox, NonObjectValuesHaveNoMembers) {
  const JsonBox box(nlohmann::json::array({1, 2}));
  EXPECT_FALSE(box.empty());
  EXPECT_FALSE(box.contains("0"));
  EXPECT_TRUE(box["0"].is_null());
}

TEST(JsonBox, CopiesAreDeepAndMovedFromBoxesAreEmpty) {
  JsonBox a(nlohmann::json{{"k", 1}});
  JsonBox b = a;
  b.get()["k"] = 2;
  EXPECT_EQ(a["k"], 1);
  EXPECT_EQ(b["k"], 2);
  JsonBox c = std::move(b);
  EXPECT_EQ(c["k"], 2);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): documented state
  std::vector<JsonBox> boxes(3);
  boxes.push_back(c);
  EXPECT_EQ(boxes.back()["k"], 2);
}

TEST(JsonBox, OrderedBoxKeepsInsertionOrder) {
  OrderedJsonBox box;
  box.get()["z"] = 1;
  box.get()["a"] = 2;
  EXPECT_EQ(box.dump(), R"({"z":1,"a":2})");
  const nlohmann::ordered_json& read = box;
  EXPECT_EQ(read.begin().key(), "z");
}

}  // namespace
}  // namespace pipec::support
