#pragma once
// UTF-8 validation shared by every front end (Pipe sources and YAML): such text is rejected
// with its position before it can reach a JSON writer.
#include <string>
#include <string_view>

namespace pipec {

// A UTF-8 continuation byte (10xxxxxx): not the start of a code point. Columns count the other
// bytes; a cut in the middle of a line moves back over these.
constexpr bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates and values
// past U+10FFFF included), or npos.
size_t FindInvalidUtf8(std::string_view s);

// The code points of `s`, which must be valid UTF-8 (FindInvalidUtf8 gave npos).
std::u32string DecodeUtf8(std::string_view s);

}  // namespace pipec
