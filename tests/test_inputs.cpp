// Bad input: every refusal carries the right code and names the JSON path.

#include <catch2/catch.hpp>

#include <string>

#include "hs3/error.hpp"
#include "hs3/model.hpp"
#include "hs3/workspace.hpp"

namespace {

// A valid two-bin workspace; tests break one thing at a time.
const char* kValid = R"({
  "channels": [{"name": "SR", "samples": [
    {"name": "sig", "data": [5, 3], "modifiers": [
      {"name": "mu", "type": "normfactor", "data": null}]},
    {"name": "bkg", "data": [50, 30], "modifiers": [
      {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
      {"name": "shape", "type": "histosys",
       "data": {"hi_data": [52, 31], "lo_data": [48, 29]}},
      {"name": "staterror_SR", "type": "staterror", "data": [2, 1]}]}]}],
  "observations": [{"name": "SR", "data": [55, 33]}],
  "measurements": [{"name": "meas", "config": {"poi": "mu",
    "parameters": []}}],
  "version": "1.0.0"
})";

std::string replaced(const std::string& from, const std::string& to) {
  std::string text = kValid;
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

void requireError(const std::string& text, hs3::ErrorCode code,
                  const std::string& path,
                  const std::vector<hs3::PatchSource>& patches = {}) {
  try {
    hs3::Model::build(hs3::parseWorkspace(text, patches));
    FAIL("no error was raised");
  } catch (const hs3::Error& e) {
    INFO(e.what());
    CHECK(hs3::errorCodeName(e.code()) ==
          std::string(hs3::errorCodeName(code)));
    CHECK(e.path() == path);
    CHECK(!e.message().empty());
  }
}

}  // namespace

TEST_CASE("the valid workspace builds", "[inputs]") {
  const auto model = hs3::Model::build(hs3::parseWorkspace(kValid));
  CHECK(model->size() == 5);
}

TEST_CASE("malformed workspaces are refused with code and path", "[inputs]") {
  requireError("{\"channels\": [", hs3::ErrorCode::kParse, "");
  requireError(replaced("\"normsys\"", "\"nomrsys\""),
               hs3::ErrorCode::kUnknownType,
               "channels[0].samples[1].modifiers[0].type");
  requireError(replaced("\"hi_data\": [52, 31]", "\"hi_data\": [52]"),
               hs3::ErrorCode::kShapeMismatch,
               "channels[0].samples[1].modifiers[1].data.hi_data");
  requireError(replaced("\"data\": [50, 30]", "\"data\": [50, 30, 1]"),
               hs3::ErrorCode::kShapeMismatch, "channels[0].samples[1].data");
  requireError(replaced("\"data\": [55, 33]", "\"data\": [55]"),
               hs3::ErrorCode::kShapeMismatch, "observations[0].data");
  requireError(replaced("\"data\": [2, 1]", "\"data\": [2, \"x\"]"),
               hs3::ErrorCode::kSchema,
               "channels[0].samples[1].modifiers[2].data[1]");
  requireError(replaced("\"version\": \"1.0.0\"", "\"versoin\": \"1.0.0\""),
               hs3::ErrorCode::kSchema, "");
  requireError(replaced("\"poi\": \"mu\"", "\"poi\": \"nu\""),
               hs3::ErrorCode::kUnknownName, "measurements[0].config.poi");
  requireError(replaced("{\"name\": \"sig\"", "{\"name\": \"bkg\""),
               hs3::ErrorCode::kDuplicateName, "channels[0].samples[1]");
  requireError(replaced("\"name\": \"mu\", \"type\": \"normfactor\"",
                        "\"name\": \"bkg_norm\", \"type\": \"normfactor\""),
               hs3::ErrorCode::kDuplicateName,
               "channels[0].samples[1].modifiers[0]");
  requireError(replaced("\"name\": \"SR\", \"data\"",
                        "\"name\": \"CR\", "
                        "\"data\""),
               hs3::ErrorCode::kUnknownName, "channels[0]");
  requireError(replaced("\"parameters\": []",
                        "\"parameters\": [{\"name\": \"mu\", "
                        "\"bounds\": [[0, 1, 2]]}]"),
               hs3::ErrorCode::kSchema,
               "measurements[0].config.parameters[0].bounds[0]");
  requireError(replaced("\"parameters\": []",
                        "\"parameters\": [{\"name\": \"staterror_SR\", "
                        "\"inits\": [1]}]"),
               hs3::ErrorCode::kShapeMismatch,
               "measurements[0].config.parameters[0].inits");
  requireError(replaced("{\"name\": \"mu\", \"type\": \"normfactor\", "
                        "\"data\": null}",
                        "{\"name\": \"lumi\", \"type\": \"lumi\", "
                        "\"data\": null}"),
               hs3::ErrorCode::kSchema, "measurements[0]");
  requireError(replaced("\"hi\": 1.1", "\"hi\": 1e999"), hs3::ErrorCode::kParse,
               "");
  requireError(std::string(100000, '[') + std::string(100000, ']'),
               hs3::ErrorCode::kLimitExceeded, "");
}

TEST_CASE("patches that do not apply are refused", "[inputs][patch]") {
  hs3::PatchSource bad;
  bad.text = R"([{"op": "replace", "path": "/channels/3/name", "value": "x"}])";
  bad.origin = "bad.json";
  requireError(kValid, hs3::ErrorCode::kPatch, "[0]", {bad});

  hs3::PatchSource set;
  set.text = R"({"metadata": {}, "version": "1.0.0", "patches": [
    {"metadata": {"name": "p1", "values": [1]},
     "patch": [{"op": "replace", "path": "/channels/0/name", "value": "A"},
               {"op": "remove", "path": "/channels/0/samples/7"}]}]})";
  set.origin = "set.json";
  set.patchName = "p2";
  requireError(kValid, hs3::ErrorCode::kUnknownName, "patches", {set});
  set.patchName = "p1";
  requireError(kValid, hs3::ErrorCode::kPatch, "patches[0].patch[1]", {set});
}

TEST_CASE("a patch changes the model as pyhf's would", "[inputs][patch]") {
  hs3::PatchSource patch;
  patch.text = R"([
    {"op": "replace", "path": "/channels/0/samples/0/data", "value": [6, 4]},
    {"op": "add", "path": "/parameters/-",
     "value": {"name": "mu", "bounds": [[0, 5]]}}])";
  const auto model = hs3::Model::build(hs3::parseWorkspace(kValid, {patch}));
  const auto& mu = model->parameters()[model->parameterIndex("mu")];
  CHECK(mu.upper == 5.0);
  const auto yields = model->expectedSampleYields(model->initialValues());
  // sig is the first sample of the channel: yields [6, 4] at mu = 1.
  CHECK(yields[0] == Approx(6.0));
  CHECK(yields[1] == Approx(4.0));
}

TEST_CASE("unknown parameter names list what exists", "[inputs]") {
  const auto model = hs3::Model::build(hs3::parseWorkspace(kValid));
  try {
    model->parameterIndex("staterror_SR");
    FAIL("no error was raised");
  } catch (const hs3::Error& e) {
    CHECK(e.code() == hs3::ErrorCode::kUnknownName);
    CHECK(e.message().find("staterror_SR[0]") != std::string::npos);
  }
}
