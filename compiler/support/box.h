#pragma once
// A value most objects leave at its default, kept on the heap only when set (issue 13: an
// ir::Job's `when` condition is 456 of its 1,328 bytes, and most jobs have none; every rule
// walks the jobs, so their size is the checker's memory traffic).
#include <memory>
#include <utility>

namespace pipec::support {

// Holds a T, value-like: copies are deep. An unset Box holds T{} without allocating; reading
// through a const Box never allocates, writing through a non-const one allocates first.
template <typename T>
class Box {
 public:
  Box() = default;
  Box(T value) : value_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit, like T
  Box(const Box& other) : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  Box(Box&&) noexcept = default;  // the moved-from Box holds T{}
  Box& operator=(const Box& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  Box& operator=(T value) {
    value_ = std::make_unique<T>(std::move(value));
    return *this;
  }

  const T& operator*() const { return value_ ? *value_ : Default(); }
  T& operator*() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }
  const T* operator->() const { return &**this; }
  T* operator->() { return &**this; }

 private:
  static const T& Default() {
    static const T value{};
    return value;
  }
  std::unique_ptr<T> value_;  // null: T{}
};

}  // namespace pipec::support
