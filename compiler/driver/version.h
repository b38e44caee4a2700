#pragma once
namespace pipec::driver {
inline constexpr const char* kVersion = "0.1.0";
}
