// Sunset and the end of civil twilight from a date and a place, by NOAA's solar position equations
// (NOAA Global Monitoring Laboratory, "General Solar Position Calculations" and its solar
// calculator spreadsheet, after Meeus 1991, Astronomical Algorithms, Willmann-Bell).
#pragma once

#include <cstdint>
#include <optional>

namespace scrutineer::stops {

// Zenith angles of the events (degrees): sunset (upper limb at the horizon with standard
// refraction, 90 deg 50') and the end of civil twilight (sun 6 deg below the horizon).
constexpr double kSunsetZenith = 90.833;
constexpr double kCivilDuskZenith = 96.0;

// The sun's declination (degrees) and the equation of time (minutes) at Julian century `jc` from
// J2000.0 (NOAA: geometric mean longitude, mean anomaly, eccentricity, equation of centre, apparent
// longitude, corrected obliquity; declination = asin(sin e sin lambda); the equation of time =
// 4 deg(y sin 2L0 - 2e sin M + 4ey sin M cos 2L0 - y^2/2 sin 4L0 - 5/4 e^2 sin 2M), y =
// tan^2(e/2)).
struct SolarPosition {
  double declination = 0;       // degrees
  double equation_of_time = 0;  // minutes
};
SolarPosition solar_position(double julian_century);

// The UTC instant (seconds since 1970) at which the sun sets past `zenith` on the UTC calendar
// day `days_since_epoch` at (latitude, longitude) in degrees (east positive): solar noon =
// 720 - 4 longitude - EoT minutes, plus 4 x the hour angle acos(cos z / (cos phi cos d) -
// tan phi tan d); the position is evaluated again at the first estimate (one refinement). Nullopt
// when the sun does not reach that zenith that day (polar day or night).
std::optional<std::int64_t> sun_event_utc(std::int64_t days_since_epoch, double latitude,
                                          double longitude, double zenith);

}  // namespace scrutineer::stops
