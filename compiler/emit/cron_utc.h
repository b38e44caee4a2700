#pragma once
// GitHub runs `on: schedule` crons in UTC only. A schedule declared in a time zone with a
// fixed offset is rewritten into the same instants in UTC; a zone with daylight saving has
// no single UTC cron, so it is written for standard time and the caller warns.
#include <optional>
#include <string>

namespace pipec::emit {

struct ZoneOffsets {
  int standard_minutes = 0;  // minutes east of UTC, the smaller of the year's offsets
  bool daylight_saving = false;
};

// The offsets of an IANA zone in 2026 from the system's tz database (/usr/share/zoneinfo);
// nullopt when the zone is unknown there.
std::optional<ZoneOffsets> LookupZone(const std::string& zone);

// `cron` (five fields, in a zone `minutes_east` of UTC) as a UTC cron for the same instants,
// or nullopt with `why` when cron cannot say it in one line (e.g. a day of the month that
// would move into the previous month).
std::optional<std::string> CronToUtc(const std::string& cron, int minutes_east, std::string* why);

// A schedule's cron as GitHub must write it: `cron` when `timezone` is empty or UTC, else
// moved to UTC. `problem` says why it could not be moved (the cron is then unchanged);
// `daylight_saving` that it was moved for standard time only.
struct UtcSchedule {
  std::string cron;
  std::string problem;
  bool daylight_saving = false;
  int standard_minutes = 0;
};
UtcSchedule ScheduleInUtc(const std::string& cron, const std::string& timezone);

}  // namespace pipec::emit
