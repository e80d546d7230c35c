// Which column names identify a person (or a person's precise place): one rule for every reader
// (ingest's summary of identifying columns, the scores audit's refusal to read them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scrutineer::io {

// The words of a column name, lower case: split at every character that is not an ASCII letter or
// digit (space, '_', '-', '.', any non-ASCII byte), at a change from lower to upper case
// ("victimPhone"), before the last capital of a run followed by a lower-case letter ("SSNNumber":
// ssn, number), and between letters and digits ("phone2": phone, 2).
std::vector<std::string> name_tokens(std::string_view column);

// True when the column's name identifies people:
// - the whole name is one of id, uid, first, last, case, block, rd no (too common as parts of
// names:
//   beat_id, first_seen, block_group are not identifying); or
// - a run of consecutive words, joined, is one of: name(s), phone(s), telephone, email, address,
//   ssn, dob, birth, nino, and the compounds first/last/full/middle/given/family/victim/suspect/
//   offender/officer name, surname, forename, birthdate, birthday, date of birth, birthplace,
//   phone number, cellphone, mobile phone, home phone, email address, home/street address,
//   social security, national insurance, ni number, licence/license plate, number plate, plate
//   number, case number/no/num, person id, incident number, report number.
// Words are matched whole: victim_phone, VictimPhone and "Victim Phone" hold the word phone and
// are identifying; phonetic_code is not ("phonetic" is another word). A name with the word name
// (district_name) counts as identifying: keep such a column explicitly where a reader allows it.
bool identifies_people(std::string_view column);

}  // namespace scrutineer::io
