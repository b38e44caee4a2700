#include "runtime/mask.h"

#include <gtest/gtest.h>

namespace pipec::runtime {
namespace {

TEST(Mask, Base64MatchesReference) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
}

TEST(Mask, MasksRawValue) {
  MaskFilter f({"s3cr3t-value"});
  EXPECT_EQ(f.MaskAll("token=s3cr3t-value done\n"), "token=[MASKED] done\n");
}

TEST(Mask, MasksAcrossSplitWrites) {
  MaskFilter f({"s3cr3t-value"});
  std::string text = "a s3cr3t-value b s3cr3t-valu\n";
  std::string out;
  for (char c : text) out += f.Write(std::string_view(&c, 1));
  out += f.Flush();
  EXPECT_EQ(out, "a [MASKED] b s3cr3t-valu\n");
}

TEST(Mask, HoldsOnlyPossiblePrefixes) {
  MaskFilter f({"s3cr3t-value"});
  EXPECT_EQ(f.Write("hello s3cr"), "hello ");
  EXPECT_EQ(f.Write("X"), "s3crX");
}

TEST(Mask, MasksBase64AndUrlForms) {
  std::string secret = "p@ss word/42!";
  MaskFilter f({secret});
  EXPECT_EQ(f.MaskAll(Base64(secret) + "\n"), "[MASKED]\n");
  EXPECT_EQ(f.MaskAll("u=p%40ss%20word%2F42%21&x\n"), "u=[MASKED]&x\n");
  EXPECT_EQ(f.MaskAll("u=p%40ss+word%2F42%21\n"), "u=[MASKED]\n");
  EXPECT_EQ(f.MaskAll("u=p%40ss%20word%2f42%21\n"), "u=[MASKED]\n");
  // Inside a longer base64 text (e.g. `echo "user:$TOKEN" | base64`), at every alignment.
  for (std::string prefix : {"", "u", "us", "user:"}) {
    std::string enc = Base64(prefix + secret + "\n");
    std::string masked = f.MaskAll(enc);
    EXPECT_NE(masked.find("[MASKED]"), std::string::npos) << prefix << " -> " << enc;
  }
}

TEST(Mask, SplitEncodedFormAcrossWrites) {
  std::string secret = "another-secret";
  MaskFilter f({secret});
  std::string b64 = Base64(secret);
  std::string out = f.Write("x" + b64.substr(0, 5));
  out += f.Write(b64.substr(5));
  out += f.Write("\n");
  out += f.Flush();
  EXPECT_EQ(out, "x[MASKED]\n");
}

TEST(Mask, NoSecretsIsPassThrough) {
  MaskFilter f({});
  EXPECT_EQ(f.Write("abc"), "abc");
  EXPECT_EQ(f.Flush(), "");
}

}  // namespace
}  // namespace pipec::runtime
