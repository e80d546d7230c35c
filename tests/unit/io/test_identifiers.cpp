// The rule for identifying column names (io/identifiers.hpp), word by word.
#include <gtest/gtest.h>

#include "scrutineer/io/identifiers.hpp"

namespace scrutineer::io {
namespace {

TEST(IdentifierNames, SplitsSnakeCamelAndSpacedNames) {
  using V = std::vector<std::string>;
  EXPECT_EQ(name_tokens("victim_phone"), (V{"victim", "phone"}));
  EXPECT_EQ(name_tokens("VictimPhone"), (V{"victim", "phone"}));
  EXPECT_EQ(name_tokens("Victim Phone"), (V{"victim", "phone"}));
  EXPECT_EQ(name_tokens("victimPhone2"), (V{"victim", "phone", "2"}));
  EXPECT_EQ(name_tokens("SSNNumber"), (V{"ssn", "number"}));
  EXPECT_EQ(name_tokens("  e-mail.Address "), (V{"e", "mail", "address"}));
  EXPECT_EQ(name_tokens("ni_number"), (V{"ni", "number"}));
  EXPECT_TRUE(name_tokens("__").empty());
}

TEST(IdentifierNames, NamesThatIdentifyPeople) {
  for (const char* c : {"victim_phone",
                        "VictimPhone",
                        "Victim Phone",
                        "phone",
                        "PHONE_NO",
                        "telephone",
                        "victim_email",
                        "e_mail",
                        "EmailAddress",
                        "home_address",
                        "Address",
                        "name",
                        "victim_name",
                        "VICTIM NAME",
                        "first_name",
                        "FirstName",
                        "Last Name",
                        "surname",
                        "dob",
                        "DOB",
                        "date_of_birth",
                        "DateOfBirth",
                        "birthdate",
                        "place_of_birth",
                        "ssn",
                        "SSN",
                        "ni_number",
                        "NINo",
                        "national_insurance_number",
                        "NationalInsuranceNo",
                        "licence_plate",
                        "LicensePlate",
                        "vehicle license plate",
                        "number_plate",
                        "Case Number",
                        "case_no",
                        "CaseNumber",
                        "person_id",
                        "id",
                        "ID",
                        "uid",
                        "first",
                        "last",
                        "Block",
                        "RD No"}) {
    EXPECT_TRUE(identifies_people(c)) << c;
  }
}

TEST(IdentifierNames, WordsAreMatchedWhole) {
  // "phonetic" is not the word phone, "addressed" not address, "named" not name; id, first,
  // last, case and block identify only as whole names (beat_id, first_seen, case_type,
  // block_group are not people).
  for (const char* c :
       {"phonetic_code", "PhoneticCode", "addressed",      "named_area",   "beat_id",
        "first_seen",    "last_updated", "case_type",      "block_group",  "race",
        "sex",           "decile_score", "two_year_recid", "Primary Type", "district",
        "lsoa_code",     "Latitude",     "loc_cat",        "plate_count",  "birthweight_kg"}) {
    EXPECT_FALSE(identifies_people(c)) << c;
  }
}

}  // namespace
}  // namespace scrutineer::io
