#include "golden.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "hs3/workspace.hpp"

namespace hs3::test {

std::string sharedDir() {
  static const std::string dir = [] {
    const std::string candidate = HS3_SHARED_DIR;
    std::ifstream probe(candidate + "/golden/pyhf_golden.json");
    if (!probe) {
      throw std::runtime_error(
          "the shared folder with the golden numbers is absent: looked for " +
          candidate +
          "/golden/pyhf_golden.json (configure with -DHS3_SHARED_DIR=...)");
    }
    return candidate;
  }();
  return dir;
}

std::string sharedPath(const std::string& relative) {
  return sharedDir() + "/" + relative;
}

const nlohmann::json& goldenFile() {
  static const nlohmann::json file = [] {
    std::ifstream in(sharedPath("golden/pyhf_golden.json"));
    return nlohmann::json::parse(in);
  }();
  return file;
}

std::vector<GoldenCase> goldenCases() {
  std::vector<GoldenCase> out;
  const std::string root = sharedPath("golden/workspaces/");
  for (const auto& [name, data] : goldenFile()["cases"].items()) {
    GoldenCase c;
    c.name = name;
    c.data = data;
    const auto& inputs = data["inputs"];
    c.workspace = root + inputs["files"][0].get<std::string>();
    if (inputs.contains("patch")) {
      c.patches.push_back(root + inputs["patch"].get<std::string>());
    }
    if (inputs.contains("patchset")) {
      c.patches.push_back(root + inputs["patchset"].get<std::string>() + ":" +
                          inputs["patch_name"].get<std::string>());
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::shared_ptr<const Model> buildModel(const GoldenCase& c) {
  return Model::build(loadWorkspace(c.workspace, c.patches));
}

double relativeDifference(double a, double b, double floor) {
  const double scale = std::max({std::fabs(a), std::fabs(b), floor});
  return std::fabs(a - b) / scale;
}

}  // namespace hs3::test
