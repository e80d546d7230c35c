// Tests of loading a tool's per-person output: mapping, filters, duplicates, identifiers, errors.
#include <gtest/gtest.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/scores/people.hpp"

namespace scrutineer::scores {
namespace {

People load(const std::string& text, PeopleOptions options) {
  auto reader = io::CsvReader::from_string("test.csv", text);
  return load_people(reader, options);
}

PeopleOptions basic() {
  PeopleOptions o;
  o.score_column = "score";
  o.outcome_column = "y";
  o.group_columns = {"g"};
  return o;
}

TEST(ScoresPeople, ParsesFilters) {
  const RowFilter a = parse_filter("days_b_screening_arrest>=-30");
  EXPECT_EQ(a.column, "days_b_screening_arrest");
  EXPECT_EQ(a.op, RowFilter::Op::kGe);
  EXPECT_EQ(a.value, "-30");
  EXPECT_TRUE(a.numeric);
  const RowFilter b = parse_filter("score_text != 'N/A'");
  EXPECT_EQ(b.column, "score_text");
  EXPECT_EQ(b.op, RowFilter::Op::kNe);
  EXPECT_EQ(b.value, "N/A");
  EXPECT_FALSE(b.numeric);
  EXPECT_FALSE(parse_filter("c = \"5\"").numeric);  // quoted: compared as text
  EXPECT_THROW(parse_filter("no operator"), ConfigError);
  EXPECT_THROW(parse_filter(">=5"), ConfigError);
  EXPECT_THROW(parse_filter("x>="), ConfigError);
}

TEST(ScoresPeople, FiltersDropMissingValuesAsR) {
  // Row 2 has an empty d (NA in R: dropped and counted as missing), row 3 fails d <= 30,
  // row 4 has d = NA, row 5 fails t != 'N/A'; rows 1 and 6 stay.
  const std::string csv =
      "score,y,g,d,t\n"
      "1,0,a,0,x\n"
      "2,1,a,,x\n"
      "3,0,b,31,x\n"
      "4,1,b,NA,x\n"
      "5,1,b,-30,N/A\n"
      "6,0,a,30,x\n";
  PeopleOptions o = basic();
  o.where = {"d<=30", "d>=-30", "t!='N/A'"};
  const People p = load(csv, o);
  EXPECT_EQ(p.rows_read, 6);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_DOUBLE_EQ(p.score[0], 1.0);
  EXPECT_DOUBLE_EQ(p.score[1], 6.0);
  ASSERT_EQ(p.filters.size(), 3u);
  EXPECT_EQ(p.filters[0].missing, 2);
  EXPECT_EQ(p.filters[0].rejected, 1);
  EXPECT_EQ(p.filters[1].rejected, 0);
  EXPECT_EQ(p.filters[2].rejected, 1);
}

TEST(ScoresPeople, DuplicateHeadersUseTheFirstAndSaySo) {
  const std::string same = "score,y,g,score\n3,1,a,3\n4,0,b,4\n";
  const People p = load(same, basic());
  ASSERT_EQ(p.size(), 2u);
  bool noted = false;
  for (const auto& n : p.notes) noted = noted || n.find("more than once") != std::string::npos;
  EXPECT_TRUE(noted);
  const std::string differ = "score,y,g,score\n3,1,a,3\n4,0,b,5\n";
  try {
    load(differ, basic());
    FAIL() << "differing duplicates must be an error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 7);  // "4,0,b,5": the second score field starts at column 7
    EXPECT_NE(std::string(e.what()).find("ambiguous"), std::string::npos);
  }
}

TEST(ScoresPeople, MalformedValuesAreInputErrors) {
  PeopleOptions o = basic();
  try {
    load("score,y,g\n1,2,a\n", o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 3);
    EXPECT_NE(std::string(e.what()).find("must hold 0 or 1"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("'2'"), std::string::npos) << e.what();  // no cell value
  }
  try {
    load("score,y,g\nhigh,1,a\n", o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.column(), 1);
    EXPECT_NE(std::string(e.what()).find("must hold a number"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("high"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load("score,y,g\n,1,a\n", o), InputError);     // empty score
  EXPECT_THROW(load("score,y,g\n1,1\n", o), InputError);      // short row
  EXPECT_THROW(load("score,y,g\n1,yes,a\n", o), InputError);  // label not 0/1
  PeopleOptions f = o;
  f.score_column.clear();
  f.flag_column = "score";
  EXPECT_THROW(load("score,y,g\n0.5,1,a\n", f), InputError);  // flag not 0/1
}

TEST(ScoresPeople, MessagesNeverEchoCellsOrRawHeaders) {
  PeopleOptions o = basic();
  // Duplicate columns that differ: the message names line and column, not the two names.
  o.group_columns = {"g"};
  try {
    load("score,y,g,g\n1,1,Jane Doe0,Jane Doe1\n", o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 15);  // "1,1,Jane Doe0," is 14 characters
    EXPECT_EQ(std::string(e.what()).find("Jane"), std::string::npos) << e.what();
  }
  // A header with a terminal escape and a 100-character name: escaped as \xNN and cut at 40.
  PeopleOptions missing = basic();
  missing.outcome_column = "outcome";
  try {
    load("score,y,g,\x1b[31mred\x1b[0m," + std::string(100, 'h') + "\n1,1,a,x,x\n", missing);
    FAIL();
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\x1b'), std::string::npos) << what;
    EXPECT_NE(what.find("\\x1B[31mred\\x1B[0m"), std::string::npos) << what;
    EXPECT_NE(what.find(std::string(40, 'h') + "..."), std::string::npos) << what;
    EXPECT_EQ(what.find(std::string(41, 'h')), std::string::npos) << what;
  }
}

TEST(ScoresPeople, GroupValuesMustBeUtf8Text) {
  // "Caf\xe9" is Latin-1 for Café: an input error at its field (line 3, column 5), not a crash
  // when the JSON is written.
  try {
    load("score,y,g\n1,1,a\n2,0,Caf\xe9\n", basic());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 5);
    EXPECT_NE(std::string(e.what()).find("not valid UTF-8"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load("score,y,g\n1,1,a\x1b[2J\n", basic()), InputError);  // control character
  EXPECT_EQ(load("score,y,g\n1,1,Caf\xc3\xa9\n", basic()).groups[0].labels[0], "Caf\xc3\xa9");
}

TEST(ScoresPeople, NoRowsIsAnInputError) {
  try {
    load("score,y,g\n", basic());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no rows"), std::string::npos) << e.what();
  }
  PeopleOptions filtered = basic();
  filtered.where = {"score > 5"};
  EXPECT_THROW(load("score,y,g\n1,1,a\n2,0,b\n", filtered), InputError);
}

TEST(ScoresPeople, MissingColumnsAreConfigErrors) {
  PeopleOptions o = basic();
  o.outcome_column = "two_year_recid";
  try {
    load("score,y,g\n1,1,a\n", o);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no column 'two_year_recid'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("score, y, g"), std::string::npos);
  }
  PeopleOptions none = basic();
  none.group_columns.clear();
  EXPECT_THROW(load("score,y,g\n1,1,a\n", none), ConfigError);
  PeopleOptions both = basic();
  both.flag_column = "y";
  EXPECT_THROW(load("score,y,g\n1,1,a\n", both), ConfigError);
}

TEST(ScoresPeople, IdentifiersCannotBeGroupsUnlessKept) {
  EXPECT_TRUE(is_identifier_name("id"));
  EXPECT_TRUE(is_identifier_name("c_case_number"));
  EXPECT_TRUE(is_identifier_name("DOB"));
  EXPECT_FALSE(is_identifier_name("race"));
  PeopleOptions o = basic();
  o.group_columns = {"name"};
  const std::string csv = "score,y,g,name\n1,1,a,Zed\n";
  EXPECT_THROW(load(csv, o), ConfigError);
  PeopleOptions marked = basic();
  marked.identifiers = {"g"};
  EXPECT_THROW(load(csv, marked), ConfigError);
  o.keep = {"name"};
  const People p = load(csv, o);
  EXPECT_EQ(p.groups[0].labels[0], "Zed");
}

TEST(ScoresPeople, IdentifiersAreRecognisedWordByWord) {
  // The word phone in any spelling of the name (io::identifies_people): dropped, listed in the
  // notes, and refused as a group unless kept; phonetic_code holds no identifying word.
  const std::string csv =
      "score,y,g,victim_phone,VictimEmail,Victim Address,phonetic_code\n"
      "1,1,a,0123,z@example.org,1 Road,x\n";
  const People p = load(csv, basic());
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("victim_phone, VictimEmail, Victim Address"), std::string::npos)
      << p.notes[0];
  EXPECT_EQ(p.notes[0].find("phonetic_code"), std::string::npos) << p.notes[0];
  for (const char* column : {"victim_phone", "VictimEmail", "Victim Address"}) {
    PeopleOptions o = basic();
    o.group_columns = {column};
    EXPECT_THROW(load(csv, o), ConfigError) << column;
  }
  PeopleOptions phonetic = basic();
  phonetic.group_columns = {"phonetic_code"};
  EXPECT_EQ(load(csv, phonetic).groups[0].labels[0], "x");
}

TEST(ScoresPeople, GroupsAndEmptyLabels) {
  const People p = load("score,y,g\n1,1,b\n2,0,\n3,1,b\n", basic());
  ASSERT_EQ(p.groups[0].labels.size(), 2u);
  EXPECT_EQ(p.groups[0].labels[0], "b");
  EXPECT_EQ(p.groups[0].labels[1], "(missing)");
  EXPECT_EQ(p.groups[0].codes, (std::vector<std::uint32_t>{0, 1, 0}));
  EXPECT_TRUE(p.has_outcome());
  EXPECT_EQ(p.outcome, (std::vector<std::int8_t>{1, 0, 1}));
}

TEST(ScoresPeople, AListWithoutScoreMarksEveryone) {
  PeopleOptions o;
  o.group_columns = {"g"};
  const People p = load("g\na\nb\n", o);
  EXPECT_TRUE(p.is_flag);
  EXPECT_FALSE(p.has_outcome());
  EXPECT_EQ(p.score, (std::vector<double>{1.0, 1.0}));
}

}  // namespace
}  // namespace scrutineer::scores
