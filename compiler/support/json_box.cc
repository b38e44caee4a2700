#include "compiler/support/json_box.h"

#include <nlohmann/json.hpp>

namespace pipec::support {

namespace {
template <class Json>
const Json& EmptyObject() {
  static const Json kEmpty = Json::object();
  return kEmpty;
}
template <class Json>
const Json& Null() {
  static const Json kNull;
  return kNull;
}
}  // namespace

template <class Json>
BasicJsonBox<Json>::BasicJsonBox() noexcept = default;
template <class Json>
BasicJsonBox<Json>::BasicJsonBox(const Json& value) : value_(std::make_unique<Json>(value)) {}
template <class Json>
BasicJsonBox<Json>::BasicJsonBox(Json&& value) : value_(std::make_unique<Json>(std::move(value))) {}
template <class Json>
BasicJsonBox<Json>::BasicJsonBox(const BasicJsonBox& other)
    : value_(other.value_ ? std::make_unique<Json>(*other.value_) : nullptr) {}
template <class Json>
BasicJsonBox<Json>::BasicJsonBox(BasicJsonBox&& other) noexcept = default;
template <class Json>
BasicJsonBox<Json>& BasicJsonBox<Json>::operator=(const BasicJsonBox& other) {
  if (this != &other) value_ = other.value_ ? std::make_unique<Json>(*other.value_) : nullptr;
  return *this;
}
template <class Json>
BasicJsonBox<Json>& BasicJsonBox<Json>::operator=(BasicJsonBox&& other) noexcept = default;
template <class Json>
BasicJsonBox<Json>::~BasicJsonBox() = default;

template <class Json>
const Json& BasicJsonBox<Json>::get() const {
  return value_ ? *value_ : EmptyObject<Json>();
}
template <class Json>
Json& BasicJsonBox<Json>::get() {
  if (!value_) value_ = std::make_unique<Json>(Json::object());
  return *value_;
}
template <class Json>
bool BasicJsonBox<Json>::empty() const {
  return !value_ || value_->empty();
}
template <class Json>
bool BasicJsonBox<Json>::contains(std::string_view key) const {
  return value_ && value_->is_object() && value_->contains(key);
}
template <class Json>
const Json& BasicJsonBox<Json>::operator[](std::string_view key) const {
  if (!contains(key)) return Null<Json>();
  return *value_->find(key);
}
template <class Json>
std::string BasicJsonBox<Json>::dump() const {
  return get().dump();
}

template class BasicJsonBox<nlohmann::json>;
template class BasicJsonBox<nlohmann::ordered_json>;

}  // namespace pipec::support
