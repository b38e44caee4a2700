#include "compiler/emit/cron_utc.h"

#include <gtest/gtest.h>

namespace pipec::emit {
namespace {

std::string Utc(const std::string& cron, int minutes_east) {
  std::string why;
  std::optional<std::string> out = CronToUtc(cron, minutes_east, &why);
  return out ? *out : "(" + why + ")";
}

TEST(CronToUtc, ShiftsHoursAndMinutes) {
  EXPECT_EQ(Utc("0 3 * * *", 120), "0 1 * * *");         // 03:00 at UTC+2 is 01:00 UTC
  EXPECT_EQ(Utc("30 9 * * 1-5", -300), "30 14 * * 1-5"); // UTC-5, same day
  EXPECT_EQ(Utc("15 2 * * *", 330), "45 20 * * *");       // UTC+5:30, the day before
  EXPECT_EQ(Utc("0 8,20 * * *", 60), "0 7,19 * * *");
  EXPECT_EQ(Utc("*/15 * * * *", 180), "*/15 * * * *");    // every hour stays every hour
  EXPECT_EQ(Utc("0 3 * * *", 0), "0 3 * * *");
}

TEST(CronToUtc, MovesTheWeekdayWithTheDay) {
  EXPECT_EQ(Utc("0 1 * * mon", 120), "0 23 * * 0");       // Monday 01:00 at UTC+2: Sunday 23:00 UTC
  EXPECT_EQ(Utc("0 22 * * 6", -180), "0 1 * * 0");        // Saturday 22:00 at UTC-3: Sunday 01:00
}

TEST(CronToUtc, SaysWhyWhenOneLineCannotSayIt) {
  EXPECT_EQ(Utc("0 1 1 * *", 120), "(its day of the month or month would move to the day before or after)");
  EXPECT_EQ(Utc("0 1,12 * * *", 120), "(some of its hours move to another day in UTC and some do not)");
  EXPECT_EQ(Utc("0,30 3 * * *", 330), "(the zone's offset is not whole hours and the minute field is not one number)");
  EXPECT_EQ(Utc("0 1 * * 1-5", 120), "(its day-of-week field is not a list of days)");
  EXPECT_EQ(Utc("0 */2 * * *", 60), "(the hour field is not a list of numbers)");
}

}  // namespace
}  // namespace pipec::emit
