#pragma once
// Limits of the Pipe language that the parser enforces (docs/language.md, "Limits"), in a
// header of their own so the writers of Pipe text (pipec import) can stay within them.

namespace pipec::syntax {

// Brackets and `not`s nested, and `and`/`or` operators in one `when` condition.
inline constexpr int kMaxNesting = 200;
inline constexpr int kMaxSyntaxErrors = 50;

}  // namespace pipec::syntax
