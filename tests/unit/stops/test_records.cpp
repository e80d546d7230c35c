// Reading stop records (stops/records.hpp): data.police.uk and generic layouts, the ethnicity
// maps, and rows with problems counted by reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/stops/records.hpp"

namespace fs = std::filesystem;
using namespace scrutineer;
using namespace scrutineer::stops;

namespace {

fs::path write(const std::string& name, const std::string& text) {
  const auto dir = fs::temp_directory_path() / ("scrutineer-stops-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

const std::string kHeader =
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age "
    "range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
    "Outcome linked to object of search,Removal of more than just outer clothing\n";

std::string row(const std::string& date, const std::string& lat, const std::string& lon,
                const std::string& self, const std::string& officer, const std::string& linked) {
  return "Person search," + date + ",False,," + lat + "," + lon + ",Male,18-24," + self + "," +
         officer + ",PACE,Controlled drugs,Arrest," + linked + ",\n";
}

std::int64_t problem(const StopRecords& r, const std::string& reason) {
  const auto it = r.problems.find(reason);
  return it == r.problems.end() ? 0 : it->second;
}

}  // namespace

TEST(StopsRecords, PoliceUkRowsAndTheirProblemsByReason) {
  const auto file = write(
      "police.csv",
      kHeader + row("2022-08-31T23:00:00+00:00", "51.5", "-0.1", "White - Irish", "White", "True") +
          row("2022-09-02T10:00:00+00:00", "51.4", "-0.2", "", "Black", "False") +
          row("not a date", "51.4", "-0.2", "", "Black", "False") +
          row("2022-09-03T10:00:00+00:00", "", "", "", "", "") +
          row("2022-09-04T10:00:00+00:00", "55.0", "-3.0", "", "Purple", "Maybe") +
          "Person search,2022-09-05T10:00:00+00:00,too,few\n");
  ReadOptions o;
  o.bounds = {-0.6, 51.2, 0.4, 51.8};
  const auto r = read_stops({file.string()}, o);
  EXPECT_EQ(r.rows_read, 6);
  ASSERT_EQ(r.stops.size(), 4u);  // the bad date and the short row are dropped
  EXPECT_EQ(problem(r, "bad date"), 1);
  EXPECT_EQ(problem(r, "wrong number of fields"), 1);
  EXPECT_EQ(r.dropped(), 2);
  EXPECT_EQ(problem(r, "missing ethnicity"), 1);
  EXPECT_EQ(problem(r, "unknown ethnicity category"), 1);
  EXPECT_EQ(r.unknown_categories.at("Purple"), 1);
  EXPECT_EQ(problem(r, "outside bounds"), 1);
  EXPECT_EQ(problem(r, "no coordinates"), 1);
  EXPECT_EQ(problem(r, "bad outcome linked"), 1);
  // 2022-08-31T23:00+00:00 is 00:00 BST on 1 September: its local month is September.
  EXPECT_EQ(format_iso_date(r.stops[0].local), "2022-09-01");
  EXPECT_EQ(r.groups, (std::vector<std::string>{"White", "Black", "Asian", "Other"}));
  EXPECT_EQ(r.stops[0].group, 0);
  EXPECT_EQ(r.stops[0].linked, 1);
  EXPECT_EQ(r.stops[1].group, 1);
  EXPECT_EQ(r.stops[1].linked, 0);
  EXPECT_EQ(r.stops[2].linked, -1);
  EXPECT_FALSE(r.stops[3].has_location);  // outside the bounds: set aside, the row kept
  EXPECT_NE(r.first_problem.at("bad date").find("police.csv:4:"), std::string::npos);
  const auto csv = problems_csv(r);
  EXPECT_NE(csv.find("bad date,1,no,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("unknown ethnicity category: Purple,1,yes,"), std::string::npos) << csv;
}

TEST(StopsRecords, SelfDefinedEthnicityUsesTheCensusTableAndNotStatedIsMissing) {
  const auto file =
      write("self.csv", kHeader +
                            row("2022-09-01T10:00:00+00:00", "51.5", "-0.1",
                                "Mixed/Multiple ethnic groups - White and Asian", "Asian", "") +
                            row("2022-09-01T11:00:00+00:00", "51.5", "-0.1",
                                "Other ethnic group - Not stated", "White", ""));
  ReadOptions o;
  o.ethnicity = "self";
  const auto r = read_stops({file.string()}, o);
  EXPECT_EQ(r.groups, (std::vector<std::string>{"White", "Mixed", "Asian", "Black", "Other"}));
  EXPECT_EQ(r.stops[0].group, 1);   // Mixed
  EXPECT_EQ(r.stops[1].group, -1);  // not stated
  EXPECT_EQ(problem(r, "missing ethnicity"), 1);
}

TEST(StopsRecords, AnEditedMapIsUsedAndChecked) {
  const auto map = write("map.csv", "category,group\nWhite,W\nBlack,B\nAsian,\nOther,O\n");
  const auto file = write(
      "m.csv", kHeader + row("2022-09-01T10:00:00+00:00", "51.5", "-0.1", "", "Asian", "True"));
  ReadOptions o;
  o.ethnicity_map = map.string();
  const auto r = read_stops({file.string()}, o);
  EXPECT_EQ(r.groups, (std::vector<std::string>{"W", "B", "O"}));
  EXPECT_EQ(r.stops[0].group, -1);  // Asian -> "" : missing by the user's table
  const auto twice = write("twice.csv", "category,group\nWhite,W\nWhite,X\n");
  o.ethnicity_map = twice.string();
  try {
    read_stops({file.string()}, o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("listed twice"), std::string::npos);
  }
}

TEST(StopsRecords, GenericStanfordLayoutWithLocalTimes) {
  const auto file = write("opp.csv",
                          "date,time,lat,lng,subject_race,search_conducted,contraband_found\n"
                          "2017-03-12,01:30:00,41.8,-87.6,black,TRUE,FALSE\n"
                          "2017-03-12,,41.8,-87.6,white,FALSE,NA\n"
                          "2017-03-13,12:00:00,NA,NA,unknown,TRUE,TRUE\n");
  ReadOptions o;
  o.layout = "generic";
  o.time_zone = "America/Chicago";
  const auto r = read_stops({file.string()}, o);
  ASSERT_EQ(r.stops.size(), 3u);
  // 01:30 CST (UTC-6) is 07:30 UTC.
  EXPECT_EQ(format_iso_utc(r.stops[0].utc), "2017-03-12T07:30:00Z");
  EXPECT_TRUE(r.stops[0].searched);
  EXPECT_EQ(r.stops[0].linked, 0);
  EXPECT_FALSE(r.stops[1].has_time);
  EXPECT_FALSE(r.stops[1].searched);
  EXPECT_EQ(r.stops[2].group, -1);
  EXPECT_EQ(r.stops[2].linked, 1);
  EXPECT_EQ(problem(r, "missing ethnicity"), 1);
  EXPECT_EQ(problem(r, "no coordinates"), 1);
}

TEST(StopsRecords, OptionsAPathCannotHonourAreErrors) {
  const auto file = write("x.csv", kHeader);
  ReadOptions o;
  o.lat_column = "latitude";  // police-uk has fixed columns
  EXPECT_THROW(read_stops({file.string()}, o), ConfigError);
  ReadOptions g;
  g.layout = "generic";
  g.ethnicity = "self";
  EXPECT_THROW(read_stops({file.string()}, g), ConfigError);
  ReadOptions b;
  b.bounds = {1, 2, 3};
  EXPECT_THROW(read_stops({file.string()}, b), ConfigError);
}
