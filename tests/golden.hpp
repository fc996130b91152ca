// Access to the golden numbers that pyhf computed for the shared workspaces
// (../shared/golden/pyhf_golden.json), for tests of every stage.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hs3/model.hpp"

namespace hs3::test {

// The shared folder; a test that needs it fails with a message saying where
// it was looked for when it is absent.
std::string sharedDir();
std::string sharedPath(const std::string& relative);

struct GoldenCase {
  std::string name;
  nlohmann::json data;               // cases.<name> of the golden file
  std::string workspace;             // absolute path
  std::vector<std::string> patches;  // as the CLI takes them
};

const nlohmann::json& goldenFile();
std::vector<GoldenCase> goldenCases();
std::shared_ptr<const Model> buildModel(const GoldenCase& c);

// Relative difference, with a floor so that values near 0 compare absolutely.
double relativeDifference(double a, double b, double floor = 1e-300);

}  // namespace hs3::test
