// Runs the command-line cases in tests/cli/*.case against the built scrutineer executable.
// A case file holds lines "key: value": args (split on spaces; {shared} = ../shared/data,
// {tmp} = a fresh folder, {data} = tests/data), exit (expected code), stdout / stderr (a text each
// must contain; several lines allowed), needs (a path under {shared} that must exist, else skip),
// created (a file under {tmp} that must exist afterwards), absent (one that must not).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name;
  std::multimap<std::string, std::string> fields;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string substitute(std::string s, const fs::path& tmp) {
  const std::map<std::string, std::string> vars = {{"{shared}", SCRUTINEER_SHARED_DATA},
                                                   {"{tmp}", tmp.string()},
                                                   {"{data}", SCRUTINEER_TEST_DATA}};
  for (const auto& [k, v] : vars)
    for (auto pos = s.find(k); pos != std::string::npos; pos = s.find(k, pos + v.size()))
      s.replace(pos, k.size(), v);
  return s;
}

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  const fs::path dir = fs::path(SCRUTINEER_TEST_DATA).parent_path() / "cli";
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".case") continue;
    Case c{entry.path().stem().string(), {}};
    std::istringstream in(slurp(entry.path()));
    for (std::string line; std::getline(in, line);) {
      const auto colon = line.find(':');
      if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      c.fields.emplace(line.substr(0, colon), value);
    }
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return cases;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'')
      out.append("'\\''");
    else
      out.push_back(ch);
  }
  out.push_back('\'');
  return out;
}

class CliCase : public testing::TestWithParam<Case> {};

TEST_P(CliCase, Runs) {
  const Case& c = GetParam();
  const fs::path tmp = fs::temp_directory_path() / ("scrutineer-cli-" + c.name);
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  for (auto [it, end] = c.fields.equal_range("needs"); it != end; ++it)
    if (!fs::exists(fs::path(SCRUTINEER_SHARED_DATA) / it->second))
      GTEST_SKIP() << it->second << " absent from ../shared/data";
  std::string command = quote(SCRUTINEER_CLI);
  std::istringstream args(substitute(c.fields.find("args")->second, tmp));
  for (std::string a; args >> a;) command += " " + quote(a);
  command +=
      " >" + quote((tmp / "stdout.txt").string()) + " 2>" + quote((tmp / "stderr.txt").string());
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const std::string out = slurp(tmp / "stdout.txt"), err = slurp(tmp / "stderr.txt");
  EXPECT_EQ(code, std::stoi(c.fields.find("exit")->second)) << "stderr: " << err;
  for (auto [it, end] = c.fields.equal_range("stdout"); it != end; ++it)
    EXPECT_NE(out.find(substitute(it->second, tmp)), std::string::npos)
        << "stdout lacks: " << it->second << "\n"
        << out;
  for (auto [it, end] = c.fields.equal_range("stderr"); it != end; ++it)
    EXPECT_NE(err.find(substitute(it->second, tmp)), std::string::npos)
        << "stderr lacks: " << it->second << "\n"
        << err;
  for (auto [it, end] = c.fields.equal_range("created"); it != end; ++it)
    EXPECT_TRUE(fs::exists(tmp / it->second)) << it->second;
  for (auto [it, end] = c.fields.equal_range("absent"); it != end; ++it)
    EXPECT_FALSE(fs::exists(tmp / it->second)) << it->second;
}

INSTANTIATE_TEST_SUITE_P(Cases, CliCase, testing::ValuesIn(load_cases()),
                         [](const testing::TestParamInfo<Case>& p) {
                           std::string n = p.param.name;
                           for (auto& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

}  // namespace
