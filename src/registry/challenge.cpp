// Questions and challenges from the public: validation, the public and private forms, contact
// details removed from published text, and reference numbers.
#include "scrutineer/registry/challenge.hpp"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <random>

#include "scrutineer/core/error.hpp"

namespace scrutineer::registry {

using nlohmann::json;

const char* to_string(ChallengeStatus s) {
  switch (s) {
    case ChallengeStatus::kReceived:
      return "received";
    case ChallengeStatus::kAnswered:
      return "answered";
    case ChallengeStatus::kPublished:
      return "published";
    case ChallengeStatus::kRejected:
      return "rejected";
  }
  return "received";
}

ChallengeStatus challenge_status_from(const std::string& s) {
  for (const auto st : {ChallengeStatus::kReceived, ChallengeStatus::kAnswered,
                        ChallengeStatus::kPublished, ChallengeStatus::kRejected})
    if (s == to_string(st)) return st;
  throw InputError("request", 0, 0,
                   fmt::format("status '{}' is not received, answered, published or rejected",
                               s.size() > 20 ? s.substr(0, 20) + "..." : s));
}

namespace {
// Text a person typed: bounded, valid to store, no control characters but line breaks and tabs.
std::string checked_text(const json& j, const char* field, std::size_t max_bytes, bool required,
                         const std::string& source) {
  if (!j.contains(field) || j[field].is_null() ||
      (j[field].is_string() && j[field].get<std::string>().empty())) {
    if (required) throw InputError(source, 0, 0, fmt::format("'{}' is required", field));
    return "";
  }
  if (!j[field].is_string())
    throw InputError(source, 0, 0, fmt::format("'{}' must be text", field));
  const auto text = j[field].get<std::string>();
  if (text.size() > max_bytes)
    throw InputError(source, 0, 0,
                     fmt::format("'{}' holds {} bytes; at most {}", field, text.size(), max_bytes));
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
      throw InputError(source, 0, 0, fmt::format("'{}' holds a control character", field));
  return text;
}

std::size_t characters(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool email_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
         c == '+' || c == '%';
}
}  // namespace

Challenge challenge_from_json(const json& j, const std::string& source) {
  if (!j.is_object()) throw InputError(source, 0, 0, "the body must be a JSON object");
  for (const auto& [k, v] : j.items())
    if (k != "kind" && k != "decision" && k != "question" && k != "contact" && k != "website")
      throw InputError(source, 0, 0, fmt::format("unknown field '{}'", k.substr(0, 40)));
  Challenge c;
  c.kind = checked_text(j, "kind", 20, true, source);
  if (c.kind != "question" && c.kind != "challenge")
    throw InputError(source, 0, 0, "'kind' must be \"question\" or \"challenge\"");
  c.decision = checked_text(j, "decision", kMaxChallengeTextBytes, false, source);
  c.question = checked_text(j, "question", kMaxChallengeTextBytes, true, source);
  c.contact = checked_text(j, "contact", kMaxChallengeContactBytes, false, source);
  if (characters(c.question) < kMinChallengeQuestionChars)
    throw InputError(source, 0, 0,
                     fmt::format("'question' must say what you ask in at least {} characters",
                                 kMinChallengeQuestionChars));
  return c;
}

std::string remove_contact_details(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    // An e-mail address: a run of address characters, '@', and a run with a dot.
    if (text[i] == '@') {
      std::size_t start = out.size();
      while (start > 0 && email_char(out[start - 1])) --start;
      std::size_t end = i + 1;
      while (end < text.size() && email_char(text[end])) ++end;
      const std::string domain = text.substr(i + 1, end - i - 1);
      if (start < out.size() && domain.find('.') != std::string::npos) {
        out.erase(start);
        out += "[removed]";
        i = end;
        continue;
      }
    }
    // A telephone number: 7 or more digits, with spaces, dashes, dots, brackets or a leading +.
    if (std::isdigit(static_cast<unsigned char>(text[i])) ||
        (text[i] == '+' && i + 1 < text.size() &&
         std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      std::size_t end = i, digits = 0;
      while (end < text.size() &&
             (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == ' ' ||
              text[end] == '-' || text[end] == '.' || text[end] == '(' || text[end] == ')' ||
              (end == i && text[end] == '+'))) {
        digits += std::isdigit(static_cast<unsigned char>(text[end])) != 0;
        ++end;
      }
      while (end > i && !std::isdigit(static_cast<unsigned char>(text[end - 1]))) --end;
      if (digits >= 7) {
        out += "[removed]";
        i = end;
        continue;
      }
      out.append(text, i, std::max<std::size_t>(end - i, 1));
      i += std::max<std::size_t>(end - i, 1);
      continue;
    }
    out += text[i++];
  }
  return out;
}

json challenge_public_json(const Challenge& c) {
  json j = {{"reference", c.reference},
            {"tool", c.slug},
            {"kind", c.kind},
            {"status", to_string(c.status)},
            {"received_at", c.received_at}};
  if (!c.answered_at.empty()) j["answered_at"] = c.answered_at;
  if (c.status == ChallengeStatus::kPublished) {
    j["published_at"] = c.published_at;
    j["decision"] = remove_contact_details(c.decision);
    j["question"] = remove_contact_details(c.question);
    j["answer"] = remove_contact_details(c.answer);
  }
  return j;
}

json challenge_private_json(const Challenge& c) {
  json j = challenge_public_json(c);
  j["decision"] = c.decision;
  j["question"] = c.question;
  j["contact"] = c.contact;
  j["answer"] = c.answer;
  return j;
}

json counts_json(const ChallengeCounts& c) {
  json j = {{"received", c.received}, {"answered", c.answered}, {"published", c.published}};
  j["median_answer_days"] = c.median_answer_days < 0 ? json(nullptr) : json(c.median_answer_days);
  j["longest_answer_days"] =
      c.longest_answer_days < 0 ? json(nullptr) : json(c.longest_answer_days);
  return j;
}

std::string new_challenge_reference() {
  static constexpr char kAlphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";  // 31 symbols
  std::random_device device;  // the operating system's source (/dev/urandom on Linux)
  std::string out = "Q-";
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out += '-';
    out += kAlphabet[device() % 31];  // bias (2^32 mod 31) / 2^32: below 1e-9
  }
  return out;
}

}  // namespace scrutineer::registry
