// Command-line parsing for `hs3`: one command, one workspace path, options.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace hs3::cli {

struct Arguments {
  std::string command;
  std::string workspace;
  std::vector<std::string> patches;  // -p, in order
  // Options with a value, by long name; repeated ones keep every value.
  std::multimap<std::string, std::string> options;
  std::vector<std::string> flags;  // options without a value

  bool hasFlag(const std::string& name) const;
  // The last value of an option, or `fallback`.
  std::string value(const std::string& name,
                    const std::string& fallback = "") const;
  std::vector<std::string> values(const std::string& name) const;
};

// Throws hs3::Error(kInvalidArgument) for unknown options or missing values.
Arguments parseArguments(int argc, const char* const* argv);

// "name=value" with a finite number; throws kInvalidArgument otherwise.
std::pair<std::string, double> parseAssignment(const std::string& text,
                                               const std::string& option);
double parseNumber(const std::string& text, const std::string& option);

const char* usage();

}  // namespace hs3::cli
