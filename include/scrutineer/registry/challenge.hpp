// Questions and challenges about a tool from anyone it affects (issue 18), without an account: each
// is stored with a status and a reference number that the person keeps, and is published only when
// a holder of the write token approves it; the contact given is never published, and e-mail
// addresses and telephone numbers in the published text are removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace scrutineer::registry {

// received -> answered (an answer written, not public) -> published (question and answer public);
// or received -> rejected (never public: spam, abuse, out of scope).
enum class ChallengeStatus { kReceived, kAnswered, kPublished, kRejected };
const char* to_string(ChallengeStatus s);
ChallengeStatus challenge_status_from(const std::string& s);  // InputError on anything else

struct Challenge {
  std::string reference;  // e.g. "Q-4K7M-X2PA": given by the store
  std::string slug;       // the tool
  std::string kind;       // "question" or "challenge"
  std::string decision;   // what decision affected the person (may be empty for a question)
  std::string question;   // what they ask
  std::string contact;    // optional, for the answer: never published, never in a public reply
  ChallengeStatus status = ChallengeStatus::kReceived;
  std::string answer;                                  // the organisation's or register's answer
  std::string received_at, answered_at, published_at;  // ISO UTC
};

// How many a tool received and answered, and how long answers took (days, median and longest).
struct ChallengeCounts {
  std::int64_t received = 0;  // all submissions, whatever their status (rejected included)
  std::int64_t answered = 0;  // answered or published
  std::int64_t published = 0;
  double median_answer_days = -1;  // -1 when none is answered
  double longest_answer_days = -1;
};

// Size limits (docs/limits.md).
inline constexpr std::size_t kMaxChallengeTextBytes = 4000;  // decision, question, answer each
inline constexpr std::size_t kMaxChallengeContactBytes = 200;
inline constexpr std::size_t kMinChallengeQuestionChars = 10;

// A submission from its JSON ({"kind", "decision", "question", "contact"}); InputError naming the
// field when a field is missing, unknown, not text, too long or too short, or holds a control
// character other than a line break or tab.
Challenge challenge_from_json(const nlohmann::json& j, const std::string& source);
// The public form: reference, kind, status, dates, and for a published one the decision, question
// and answer with e-mail addresses and telephone numbers removed. Never the contact.
nlohmann::json challenge_public_json(const Challenge& c);
// Everything, for holders of the write token (moderation).
nlohmann::json challenge_private_json(const Challenge& c);
nlohmann::json counts_json(const ChallengeCounts& c);

// Replaces e-mail addresses and telephone-number-like runs of 7 or more digits with "[removed]".
std::string remove_contact_details(const std::string& text);

// A new reference: "Q-" and two groups of 4 characters from an alphabet without 0/O, 1/I/L (31^8,
// about 8.5e11 possibilities), from the operating system's random source.
std::string new_challenge_reference();

}  // namespace scrutineer::registry
