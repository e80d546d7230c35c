// Column names that identify people, matched word by word (see identifiers.hpp).
#include "scrutineer/io/identifiers.hpp"

#include <algorithm>
#include <array>

namespace scrutineer::io {

namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) { return is_lower(c) || is_upper(c) || is_digit(c); }

// Whole names only: as parts of longer names these words rarely identify anyone.
constexpr std::array<std::string_view, 7> kWholeNames{"id",   "uid",   "first", "last",
                                                      "case", "block", "rdno"};

// Runs of consecutive words, joined without separators.
constexpr std::array<std::string_view, 47> kWords{"name",
                                                  "names",
                                                  "firstname",
                                                  "lastname",
                                                  "fullname",
                                                  "middlename",
                                                  "givenname",
                                                  "familyname",
                                                  "victimname",
                                                  "suspectname",
                                                  "offendername",
                                                  "officername",
                                                  "surname",
                                                  "forename",
                                                  "phone",
                                                  "phones",
                                                  "telephone",
                                                  "phonenumber",
                                                  "cellphone",
                                                  "mobilephone",
                                                  "homephone",
                                                  "email",
                                                  "emailaddress",
                                                  "address",
                                                  "homeaddress",
                                                  "streetaddress",
                                                  "ssn",
                                                  "socialsecurity",
                                                  "dob",
                                                  "birth",
                                                  "birthdate",
                                                  "birthday",
                                                  "dateofbirth",
                                                  "birthplace",
                                                  "nino",
                                                  "ninumber",
                                                  "nationalinsurance",
                                                  "licenceplate",
                                                  "licenseplate",
                                                  "numberplate",
                                                  "platenumber",
                                                  "casenumber",
                                                  "caseno",
                                                  "casenum",
                                                  "personid",
                                                  "incidentnumber",
                                                  "reportnumber"};

}  // namespace

std::vector<std::string> name_tokens(std::string_view column) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < column.size(); ++i) {
    const char c = column[i];
    if (!is_word_char(c)) {
      flush();
      continue;
    }
    if (!current.empty()) {
      const char prev = column[i - 1];
      const bool next_lower = i + 1 < column.size() && is_lower(column[i + 1]);
      if ((is_lower(prev) && is_upper(c)) || (is_upper(prev) && is_upper(c) && next_lower) ||
          (is_digit(prev) != is_digit(c))) {
        flush();
      }
    }
    current.push_back(is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c);
  }
  flush();
  return tokens;
}

bool identifies_people(std::string_view column) {
  const std::vector<std::string> tokens = name_tokens(column);
  auto listed = [](const auto& list, const std::string& text) {
    return std::find(list.begin(), list.end(), text) != list.end();
  };
  std::string whole;
  for (const auto& t : tokens) whole += t;
  if (listed(kWholeNames, whole)) return true;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string run;
    for (std::size_t j = i; j < tokens.size() && run.size() < 20; ++j) {
      run += tokens[j];
      if (listed(kWords, run)) return true;
    }
  }
  return false;
}

}  // namespace scrutineer::io
