// Groups combined from numeric columns by name, and the rule that Hispanic counts overlap race
// counts.
#include <gtest/gtest.h>

#include <cmath>

#include "scrutineer/core/error.hpp"
#include "scrutineer/study/groups.hpp"

namespace scrutineer::study {
namespace {

TEST(Groups, ParsesNameAndColumns) {
  const auto spec = parse_group(" black = BlkAfrican+ BlkCaribbean +OtherBlk ");
  EXPECT_EQ(spec.name, "black");
  EXPECT_EQ(spec.columns, (std::vector<std::string>{"BlkAfrican", "BlkCaribbean", "OtherBlk"}));
  const auto bare = parse_group("asian");
  EXPECT_EQ(bare.name, "asian");
  EXPECT_EQ(bare.columns, (std::vector<std::string>{"asian"}));
  EXPECT_THROW(parse_group("black=a++b"), ConfigError);
  EXPECT_THROW(parse_group("=a"), ConfigError);
  EXPECT_THROW(parse_group("black="), ConfigError);
}

TEST(Groups, EthnicityColumnsByName) {
  EXPECT_TRUE(is_ethnicity_column("hispanic"));
  EXPECT_TRUE(is_ethnicity_column("Hisp14"));
  EXPECT_TRUE(is_ethnicity_column("LatinoPop"));
  EXPECT_FALSE(is_ethnicity_column("african"));
}

// Two areas of a UK-style table: groups partition "Persons" up to a small remainder.
const std::vector<std::string> kUkNames = {"Persons", "WhiteBrit", "BlkAfrican", "BlkCaribbean",
                                           "OtherBlk"};
const std::vector<std::vector<double>> kUk = {{100, 200}, {60, 150}, {20, 10}, {10, 20}, {10, 20}};

TEST(Groups, SumsColumnsByName) {
  GroupOptions options;
  options.total_column = "Persons";
  const auto g = combine_groups(
      {parse_group("white=WhiteBrit"), parse_group("black=BlkAfrican+BlkCaribbean+OtherBlk")},
      kUkNames, kUk, options);
  ASSERT_EQ(g.names, (std::vector<std::string>{"white", "black"}));
  EXPECT_EQ(g.by_group[1], (std::vector<double>{40, 50}));  // 20+10+10, 10+20+20
  EXPECT_EQ(g.total, (std::vector<double>{100, 200}));
  EXPECT_FALSE(g.overlapping);
  EXPECT_TRUE(g.notes.empty());  // 300 of 300 persons are in a group
}

TEST(Groups, WithoutTotalTheGroupsAreTheDenominator) {
  const auto g = combine_groups({parse_group("white=WhiteBrit"), parse_group("black=BlkAfrican")},
                                kUkNames, kUk, {});
  EXPECT_EQ(g.total, (std::vector<double>{80, 160}));  // 60+20, 150+10
  EXPECT_EQ(g.total_source, "sum of the groups");
}

TEST(Groups, PartialCoverageIsNoted) {
  GroupOptions options;
  options.total_column = "Persons";
  const auto g = combine_groups({parse_group("BlkAfrican")}, kUkNames, kUk, options);
  ASSERT_EQ(g.notes.size(), 1u);
  EXPECT_NE(g.notes[0].find("10.0%"), std::string::npos);  // 30 of 300
}

// A US-style table: race columns add up to the total; hispanic overlaps them.
const std::vector<std::string> kUsNames = {"poptot", "european", "african", "hispanic"};
const std::vector<std::vector<double>> kUs = {{100}, {70}, {30}, {25}};

TEST(Groups, HispanicIsNeverAddedToRace) {
  GroupOptions options;
  options.total_column = "poptot";
  EXPECT_THROW(combine_groups({parse_group("x=african+hispanic")}, kUsNames, kUs, options),
               ConfigError);
}

TEST(Groups, HispanicWithRaceGroupsNeedsTheTotalAndIsSaid) {
  const std::vector<GroupSpec> specs = {parse_group("white=european"), parse_group("african"),
                                        parse_group("hispanic")};
  EXPECT_THROW(combine_groups(specs, kUsNames, kUs, {}), ConfigError);
  GroupOptions options;
  options.total_column = "poptot";
  const auto g = combine_groups(specs, kUsNames, kUs, options);
  EXPECT_TRUE(g.overlapping);
  ASSERT_FALSE(g.notes.empty());
  EXPECT_NE(g.notes[0].find("overlap"), std::string::npos);
  EXPECT_EQ(g.total, (std::vector<double>{100}));
}

TEST(Groups, RaceColumnsAddingUpToMoreThanTheTotalAreOverlapping) {
  // 70 + 30 + 25 = 125 of 100 with an explicit ethnicity list that omits hispanic.
  GroupOptions options;
  options.total_column = "poptot";
  options.ethnicity_columns = {"none"};
  const auto g =
      combine_groups({parse_group("european"), parse_group("african"), parse_group("hispanic")},
                     kUsNames, kUs, options);
  EXPECT_TRUE(g.overlapping);
  EXPECT_NE(g.notes.back().find("125.0%"), std::string::npos);
}

TEST(Groups, ErrorsNameTheProblem) {
  EXPECT_THROW(combine_groups({parse_group("nosuch")}, kUsNames, kUs, {}), ConfigError);
  EXPECT_THROW(
      combine_groups({parse_group("a=african"), parse_group("b=african")}, kUsNames, kUs, {}),
      ConfigError);
  EXPECT_THROW(
      combine_groups({parse_group("a=african"), parse_group("a=european")}, kUsNames, kUs, {}),
      ConfigError);
  EXPECT_THROW(combine_groups({}, kUsNames, kUs, {}), ConfigError);
  const std::vector<std::vector<double>> negative = {{100}, {-1}, {30}, {25}};
  EXPECT_THROW(combine_groups({parse_group("european")}, kUsNames, negative, {}), ConfigError);
}

TEST(Groups, MissingValuesCountAsZeroAndAreNoted) {
  const std::vector<std::vector<double>> gaps = {{100, 50}, {70, std::nan("")}, {30, 50}, {0, 0}};
  const auto g =
      combine_groups({parse_group("european"), parse_group("african")}, kUsNames, gaps, {});
  EXPECT_EQ(g.by_group[0], (std::vector<double>{70, 0}));
  ASSERT_EQ(g.notes.size(), 1u);
  EXPECT_NE(g.notes[0].find("1 areas"), std::string::npos);
}

}  // namespace
}  // namespace scrutineer::study
