// A JSON value kept behind a pointer, so that headers such as ir.h and ast.h can carry vendor
// blocks (`raw gitlab { ... }`, the importers' unread keys) without making every translation
// unit that includes them parse nlohmann/json.hpp (issue 13: through those two headers it reached
// 104 of the 166 translation units of the project's own code). Code that reads or writes the
// value includes <nlohmann/json.hpp> itself and goes through get() or the conversions; the
// read-only helpers below need no more than this header.
//
// An empty box (the default) allocates nothing: most jobs have no raw block.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace pipec::support {

template <class Json>
class BasicJsonBox {
 public:
  BasicJsonBox() noexcept;
  explicit BasicJsonBox(const Json& value);
  explicit BasicJsonBox(Json&& value);
  BasicJsonBox(const BasicJsonBox& other);
  BasicJsonBox(BasicJsonBox&& other) noexcept;
  BasicJsonBox& operator=(const BasicJsonBox& other);
  BasicJsonBox& operator=(BasicJsonBox&& other) noexcept;
  ~BasicJsonBox();

  // The value; an empty object when nothing was stored.
  const Json& get() const;
  Json& get();
  operator const Json&() const { return get(); }  // NOLINT(google-explicit-constructor)
  operator Json&() { return get(); }              // NOLINT(google-explicit-constructor)

  // True for no value, an empty object and an empty array (as json::empty()).
  bool empty() const;
  // An object with member `key`.
  bool contains(std::string_view key) const;
  // The member `key` of an object, or null when there is none; never inserts.
  const Json& operator[](std::string_view key) const;
  // As json::dump() with no indentation ("{}" when empty).
  std::string dump() const;

 private:
  std::unique_ptr<Json> value_;
};

extern template class BasicJsonBox<nlohmann::json>;
extern template class BasicJsonBox<nlohmann::ordered_json>;
using JsonBox = BasicJsonBox<nlohmann::json>;
using OrderedJsonBox = BasicJsonBox<nlohmann::ordered_json>;

}  // namespace pipec::support
