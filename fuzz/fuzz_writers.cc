// The report writers alone, on diagnostics made from the input: any message bytes (invalid
// UTF-8 included), any path, ranges past the end of a line or of the file, notes and fixes.
// Layout: the first bytes drive the diagnostics (see Reader); what is left is the file text.
#include <algorithm>

#include "compiler/diag/diagnostic.h"
#include "fuzz/fuzz_support.h"

namespace {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t Small() { return Byte() % 8; }  // lines and columns near the text's
  std::string Bytes() {
    size_t want = Byte();  // read first: it moves pos_
    size_t n = std::min(want, size_ - pos_);
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }
  std::string Rest() {
    std::string s(reinterpret_cast<const char*>(data_ + pos_), size_ - pos_);
    pos_ = size_;
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

pipec::SourceRange Range(Reader& r, pipec::FileId file) {
  pipec::SourceRange range;
  if (r.Byte() % 4 == 0) return range;  // no location
  range.file = file;
  range.begin = {r.Small(), r.Small()};
  range.end = {range.begin.line + r.Small() % 2, r.Small()};
  return range;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pipec;
  Reader r(data, size);
  size_t count = r.Byte() % 16;
  std::string path = r.Bytes();
  std::vector<Diagnostic> diags;
  std::vector<std::pair<size_t, size_t>> shape;
  size_t kinds = AllDiagInfos().size();
  for (size_t i = 0; i < count; ++i) {
    Diagnostic d = MakeDiag(AllDiagInfos()[(r.Byte() * 256u + r.Byte()) % kinds].kind, {}, r.Bytes());
    d.range = Range(r, 0);
    for (size_t n = r.Byte() % 3; n > 0; --n) d.Note(Range(r, 0), r.Bytes());
    if (r.Byte() % 3 == 0) d.Fix(Range(r, 0), r.Bytes());
    diags.push_back(std::move(d));
  }
  SourceManager sm;
  sm.AddFile(path, r.Rest());
  fuzz::WriteReports(diags, sm);
  return 0;
}
