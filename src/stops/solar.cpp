// NOAA's solar position equations for sunset and civil dusk (stops/solar.hpp).
#include "scrutineer/stops/solar.hpp"

#include <cmath>

namespace scrutineer::stops {

namespace {

constexpr double kPi = 3.14159265358979323846;
double rad(double deg) { return deg * kPi / 180; }
double deg(double r) { return r * 180 / kPi; }

// Julian day of a UTC instant given as days since 1970-01-01 plus a fraction.
double julian_day(double days_since_epoch) { return days_since_epoch + 2440587.5; }

}  // namespace

SolarPosition solar_position(double jc) {
  const double l0 = std::fmod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360.0);
  const double m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
  const double e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
  const double centre = std::sin(rad(m)) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
                        std::sin(rad(2 * m)) * (0.019993 - 0.000101 * jc) +
                        std::sin(rad(3 * m)) * 0.000289;
  const double true_long = l0 + centre;
  const double omega = 125.04 - 1934.136 * jc;
  const double apparent_long = true_long - 0.00569 - 0.00478 * std::sin(rad(omega));
  const double mean_obliquity =
      23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
  const double obliquity = mean_obliquity + 0.00256 * std::cos(rad(omega));
  SolarPosition out;
  out.declination = deg(std::asin(std::sin(rad(obliquity)) * std::sin(rad(apparent_long))));
  const double y = std::pow(std::tan(rad(obliquity / 2)), 2);
  out.equation_of_time =
      4 * deg(y * std::sin(2 * rad(l0)) - 2 * e * std::sin(rad(m)) +
              4 * e * y * std::sin(rad(m)) * std::cos(2 * rad(l0)) -
              0.5 * y * y * std::sin(4 * rad(l0)) - 1.25 * e * e * std::sin(2 * rad(m)));
  return out;
}

std::optional<std::int64_t> sun_event_utc(std::int64_t days_since_epoch, double latitude,
                                          double longitude, double zenith) {
  // Minutes after 00:00 UTC of the event, with the sun's position evaluated at `minutes`.
  const auto event_minutes = [&](double minutes) -> std::optional<double> {
    const double jd = julian_day(static_cast<double>(days_since_epoch) + minutes / 1440);
    const auto sun = solar_position((jd - 2451545.0) / 36525.0);
    const double cos_h =
        std::cos(rad(zenith)) / (std::cos(rad(latitude)) * std::cos(rad(sun.declination))) -
        std::tan(rad(latitude)) * std::tan(rad(sun.declination));
    if (cos_h < -1 || cos_h > 1) return std::nullopt;
    const double noon = 720 - 4 * longitude - sun.equation_of_time;
    return noon + 4 * deg(std::acos(cos_h));
  };
  const auto first = event_minutes(720 - 4 * longitude);
  if (!first) return std::nullopt;
  const auto refined = event_minutes(*first);
  if (!refined) return std::nullopt;
  return days_since_epoch * 86400 + static_cast<std::int64_t>(std::llround(*refined * 60));
}

}  // namespace scrutineer::stops
