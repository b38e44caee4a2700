#include "compiler/emit/cron_utc.h"

#include <sys/stat.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <set>
#include <sstream>
#include <vector>

namespace pipec::emit {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

// A comma list of plain numbers within [lo, hi]; nullopt for `*`, ranges, steps, names.
std::optional<std::vector<int>> Numbers(const std::string& field, int lo, int hi) {
  std::vector<int> out;
  for (const std::string& part : Split(field, ',')) {
    if (part.empty() || part.size() > 2) return std::nullopt;
    for (char c : part)
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    int v = std::stoi(part);
    if (v < lo || v > hi) return std::nullopt;
    out.push_back(v);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string Join(const std::set<int>& values) {
  std::string out;
  for (int v : values) out += (out.empty() ? "" : ",") + std::to_string(v);
  return out;
}

// Days of the week as numbers 0-6 (7 and names accepted); nullopt for ranges and steps.
std::optional<std::vector<int>> Weekdays(const std::string& field) {
  static constexpr std::array<const char*, 7> kNames{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  std::vector<int> out;
  for (const std::string& part : Split(field, ',')) {
    std::string lower;
    for (char c : part) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool found = false;
    for (size_t i = 0; i < kNames.size(); ++i)
      if (lower == kNames[i]) {
        out.push_back(static_cast<int>(i));
        found = true;
      }
    if (found) continue;
    std::optional<std::vector<int>> n = Numbers(part, 0, 7);
    if (!n) return std::nullopt;
    out.push_back((*n)[0] % 7);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::optional<ZoneOffsets> LookupZone(const std::string& zone) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone[0] == '/') return std::nullopt;
  struct stat st {};
  if (::stat(("/usr/share/zoneinfo/" + zone).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  // The C library reads the zone from TZ: set it for two instants and put it back.
  const char* old = std::getenv("TZ");
  std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  ::setenv("TZ", (":" + zone).c_str(), 1);
  ::tzset();
  std::set<long> offsets;
  for (int month : {0, 6}) {  // mid-January and mid-July 2026, noon UTC
    std::tm utc{};
    utc.tm_year = 2026 - 1900;
    utc.tm_mon = month;
    utc.tm_mday = 15;
    utc.tm_hour = 12;
    std::time_t t = ::timegm(&utc);
    std::tm local{};
    ::localtime_r(&t, &local);
    offsets.insert(local.tm_gmtoff / 60);
  }
  if (saved)
    ::setenv("TZ", saved->c_str(), 1);
  else
    ::unsetenv("TZ");
  ::tzset();
  ZoneOffsets z;
  z.standard_minutes = static_cast<int>(*offsets.begin());
  z.daylight_saving = offsets.size() > 1;
  return z;
}

std::optional<std::string> CronToUtc(const std::string& cron, int minutes_east, std::string* why) {
  std::vector<std::string> f;
  std::istringstream in(cron);
  for (std::string w; in >> w;) f.push_back(w);
  if (f.size() != 5) {
    *why = "it does not have five fields";
    return std::nullopt;
  }
  if (minutes_east == 0) return cron;
  int shift_minutes = -minutes_east;  // local time + shift = UTC
  std::string minute = f[0];
  std::set<int> hours_out;
  std::set<int> day_deltas;
  std::optional<std::vector<int>> minutes = Numbers(f[0], 0, 59);
  std::optional<std::vector<int>> hours = Numbers(f[1], 0, 23);
  if (shift_minutes % 60 != 0) {
    // Minutes move too: one minute value, so every hour moves alike.
    if (!minutes || minutes->size() != 1) {
      *why = "the zone's offset is not whole hours and the minute field is not one number";
      return std::nullopt;
    }
  }
  if (!hours) {
    if (f[1] == "*" && shift_minutes % 60 == 0) return cron;  // every hour is every hour
    *why = "the hour field is not a list of numbers";
    return std::nullopt;
  }
  int m0 = minutes && shift_minutes % 60 != 0 ? (*minutes)[0] : 0;
  for (int h : *hours) {
    int total = h * 60 + m0 + shift_minutes;
    int day = total >= 0 ? total / 1440 : -((-total + 1439) / 1440);
    int in_day = total - day * 1440;
    hours_out.insert(in_day / 60);
    day_deltas.insert(day);
    if (shift_minutes % 60 != 0) minute = std::to_string(in_day % 60);
  }
  if (day_deltas.size() > 1) {
    *why = "some of its hours move to another day in UTC and some do not";
    return std::nullopt;
  }
  int delta = *day_deltas.begin();
  std::string dom = f[2], month = f[3], dow = f[4];
  if (delta != 0) {
    if (dom != "*" || month != "*") {
      *why = "its day of the month or month would move to the day before or after";
      return std::nullopt;
    }
    if (dow != "*") {
      std::optional<std::vector<int>> days = Weekdays(dow);
      if (!days) {
        *why = "its day-of-week field is not a list of days";
        return std::nullopt;
      }
      std::set<int> moved;
      for (int d : *days) moved.insert(((d + delta) % 7 + 7) % 7);
      dow = Join(moved);
    }
  }
  return minute + " " + Join(hours_out) + " " + dom + " " + month + " " + dow;
}

UtcSchedule ScheduleInUtc(const std::string& cron, const std::string& timezone) {
  UtcSchedule out;
  out.cron = cron;
  if (timezone.empty() || timezone == "UTC" || timezone == "Etc/UTC") return out;
  std::optional<ZoneOffsets> zone = LookupZone(timezone);
  if (!zone) {
    out.problem = "pipec does not know the zone (no /usr/share/zoneinfo entry)";
    return out;
  }
  std::optional<std::string> utc = CronToUtc(cron, zone->standard_minutes, &out.problem);
  if (!utc) return out;
  out.cron = *utc;
  out.daylight_saving = zone->daylight_saving;
  out.standard_minutes = zone->standard_minutes;
  return out;
}

}  // namespace pipec::emit
