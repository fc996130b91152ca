// HS3 against frozen ROOT numbers: every fixture of ../shared/hs3 with its
// stated tolerances, the gradient against finite differences, the ROOT-written
// benchmarks against an independent reference, format round trips on every
// golden pyhf case, and the errors bad input must give.

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "golden.hpp"
#include "gradient_check.hpp"
#include "hs3/error.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"
#include "load_error.hpp"

namespace {

using hs3::test::worstGradientError;

using nlohmann::json;

json readJson(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return json::parse(in);
}

struct Scan {
  std::shared_ptr<const hs3::Model> model;
  std::vector<double> reference;
  std::vector<std::vector<double>> points;
};

// Parameters of a check: base point, then reference, then each scan point;
// names the model does not have (observables) are ignored.
void assign(const hs3::Model& model, std::vector<double>& x,
            const std::string& name, double value) {
  for (std::size_t i = 0; i < model.size(); ++i) {
    if (model.parameters()[i].name == name) x[i] = value;
  }
}

Scan prepare(const std::string& fixture, const json& check) {
  hs3::LoadOptions options;
  const json& target = check["target"];
  if (target.contains("likelihood")) {
    options.likelihood = target["likelihood"].get<std::string>();
  } else {
    options.distribution = target["distribution"].get<std::string>();
    options.data = target["data"].get<std::string>();
  }
  options.point = check["base_point"].get<std::string>();
  Scan scan;
  scan.model = hs3::loadModel(
      hs3::test::sharedPath("hs3/" + fixture + "/hs3.json"), options);
  scan.reference = scan.model->initialValues();
  for (const auto& [name, value] : check["reference_point"].items()) {
    assign(*scan.model, scan.reference, name, value.get<double>());
  }
  const auto names = check["scan_parameters"];
  for (const json& point : check["points"]) {
    std::vector<double> x = scan.reference;
    for (std::size_t k = 0; k < names.size(); ++k) {
      assign(*scan.model, x, names[k].get<std::string>(),
             point[k].get<double>());
    }
    scan.points.push_back(x);
  }
  return scan;
}

double nll(const hs3::Model& model, const std::vector<double>& x) {
  auto shared =
      std::shared_ptr<const hs3::Model>(&model, [](const hs3::Model*) {});
  hs3::Likelihood likelihood(shared, model.observedData());
  return likelihood.value(x.data());
}

std::vector<std::string> fixtures() {
  std::vector<std::string> out;
  for (const auto& entry :
       std::filesystem::directory_iterator(hs3::test::sharedPath("hs3"))) {
    if (std::filesystem::exists(entry.path() / "expected.json")) {
      out.push_back(entry.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every trusted HS3 fixture reproduces its frozen numbers", "[hs3]") {
  std::size_t checks = 0, values = 0, passed = 0;
  double worst = 0.0;
  double worstShare = 0.0;  // deviation over its tolerance
  std::string worstWhere;
  for (const std::string& fixture : fixtures()) {
    const json expected =
        readJson(hs3::test::sharedPath("hs3/" + fixture + "/expected.json"));
    if (!expected.value("trusted", true) ||
        expected.value("smoke_only", false)) {
      continue;
    }
    for (const json& check : expected["checks"]) {
      INFO("fixture " << fixture << ", check " << check["id"]);
      ++checks;
      const Scan scan = prepare(fixture, check);
      double atol = check["atol"].get<double>();
      const double rtol = check["rtol"].get<double>();
      if (check.contains("suggested_atol_for_exact_normalisation")) {
        atol = std::max(
            atol,
            check["suggested_atol_for_exact_normalisation"].get<double>());
      }
      const bool absolute = check["kind"] == "ln_likelihood";
      const double ref = nll(*scan.model, scan.reference);
      for (std::size_t i = 0; i < scan.points.size(); ++i) {
        const double value = nll(*scan.model, scan.points[i]);
        const double got = absolute ? -value : 2 * (value - ref);
        const double want = check["expected"][i].get<double>();
        INFO("point " << i << ": got " << got << ", expected " << want);
        ++values;
        const double diff = std::abs(got - want);
        const double tolerance = atol + rtol * std::abs(want);
        worst = std::max(worst, diff);
        if (diff / tolerance > worstShare) {
          worstShare = diff / tolerance;
          worstWhere = fixture + "/" + check["id"].get<std::string>();
        }
        const bool ok = diff <= tolerance;
        passed += ok;
        CHECK(ok);
      }
    }
  }
  WARN("HS3 fixtures: " << passed << " of " << values << " values in " << checks
                        << " checks; largest deviation " << worst
                        << "; largest share of its tolerance " << worstShare
                        << " (" << worstWhere << ")");
}

TEST_CASE("the gradient of every HS3 fixture matches finite differences",
          "[hs3]") {
  for (const std::string& fixture : fixtures()) {
    const json expected =
        readJson(hs3::test::sharedPath("hs3/" + fixture + "/expected.json"));
    for (const json& check : expected["checks"]) {
      INFO("fixture " << fixture << ", check " << check["id"]);
      const Scan scan = prepare(fixture, check);
      CHECK(worstGradientError(scan.model, scan.reference) < 1e-5);
      CHECK(worstGradientError(scan.model, scan.points.back()) < 1e-5);
    }
  }
}

TEST_CASE("the ATLAS HEPData HS3 likelihood loads with its structure",
          "[hs3]") {
  const json expected =
      readJson(hs3::test::sharedPath("hs3/hepdata_155342/expected.json"));
  const json& structure = expected["structure"];
  hs3::LoadOptions options;
  options.analysis = "simPdf_obsData";
  const auto model = hs3::loadModel(
      hs3::test::sharedPath("hs3/hepdata_155342/hs3.json"), options);
  CHECK(model->channels().size() ==
        structure["n_histfactory_channels"].get<std::size_t>());
  CHECK(model->mainDataSize() == structure["n_bins_total"].get<std::size_t>());
  // The nominal expectation equals the Asimov data of the file.
  const std::vector<double> expectedData =
      model->expectedData(model->initialValues());
  for (const json& channel : structure["channels"]) {
    for (const hs3::ChannelInfo& c : model->channels()) {
      if (c.name != channel["distribution"].get<std::string>()) continue;
      for (std::size_t b = 0; b < c.nbins; ++b) {
        CHECK(
            expectedData[c.offset + b] ==
            Approx(channel["nominal_expected_sum_of_samples"][b].get<double>())
                .epsilon(1e-9));
        CHECK(model->observedData()[c.offset + b] ==
              channel["obsData_contents"][b].get<double>());
      }
    }
  }
  for (const json& name : structure["staterror_parameters_implicit"]) {
    CHECK_NOTHROW(model->parameterIndex(name.get<std::string>()));
  }
  CHECK(model->parameters()[model->parameterIndex("Lumi")].fixed);
  CHECK(worstGradientError(model, model->initialValues()) < 1e-5);
}

TEST_CASE("ROOT-written benchmark models load and match the reference",
          "[hs3]") {
  const json ref =
      readJson(hs3::test::sharedPath("hs3/benchmarks/expected_ref.json"));
  std::size_t files = 0, compared = 0;
  double worst = 0.0;
  for (const auto& [file, result] : ref["results"].items()) {
    const std::string path = hs3::test::sharedPath("hs3/benchmarks/" + file);
    if (!std::filesystem::exists(path)) continue;
    ++files;
    for (const json& analysis : result["analyses"]) {
      INFO(file << " analysis " << analysis["analysis"]);
      hs3::LoadOptions options;
      options.analysis = analysis["analysis"].get<std::string>();
      options.point = analysis["base_point"].get<std::string>();
      const auto model = hs3::loadModel(path, options);
      const std::vector<double> init = model->initialValues();
      const double base = nll(*model, init);
      const double want = analysis["nll_at_base_point"].get<double>();
      const double rel = std::abs(base - want) / std::max(1.0, std::abs(want));
      worst = std::max(worst, rel);
      CHECK(rel < 1e-6);
      const auto names = analysis["scan_parameters"];
      for (std::size_t i = 0; i < analysis["points"].size(); ++i) {
        std::vector<double> x = init;
        for (std::size_t k = 0; k < names.size(); ++k) {
          x[model->parameterIndex(names[k].get<std::string>())] =
              analysis["points"][i][k].get<double>();
        }
        const double got = 2 * (nll(*model, x) - base);
        const double expect = analysis["twice_delta_nll"][i].get<double>();
        const double d =
            std::abs(got - expect) / std::max(1.0, std::abs(expect));
        worst = std::max(worst, d);
        CHECK(d < 1e-6);
        ++compared;
      }
      if (files <= 3) CHECK(worstGradientError(model, init) < 1e-5);
    }
  }
  WARN("benchmarks: " << files << " files, " << compared
                      << " scan values; largest relative deviation " << worst);
}

TEST_CASE("pyhf -> HS3 -> pyhf and HS3 -> pyhf -> HS3 keep the likelihood",
          "[hs3][golden]") {
  for (const auto& c : hs3::test::goldenCases()) {
    INFO("case " << c.name);
    const auto patches = hs3::readPatchSources(c.patches);
    const std::string text = hs3::readTextFile(c.workspace);
    const auto original = hs3::parseModel(text, patches, {});
    const std::string hs3Text = hs3::convertModel(text, patches, "hs3", {});
    REQUIRE(hs3::detectFormat(hs3Text) == hs3::ModelFormat::kHs3);
    const std::string pyhfText = hs3::convertModel(hs3Text, {}, "pyhf", {});
    const std::string hs3Again = hs3::convertModel(pyhfText, {}, "hs3", {});
    for (const std::string& converted : {hs3Text, pyhfText, hs3Again}) {
      const auto model = hs3::parseModel(converted, {}, {});
      REQUIRE(model->size() == original->size());
      // Parameters are matched by name: their order may differ.
      std::vector<double> x(model->size());
      const std::vector<double> x0 = original->initialValues();
      for (std::size_t i = 0; i < original->size(); ++i) {
        const std::string& name = original->parameters()[i].name;
        std::size_t j = i;
        for (std::size_t k = 0; k < model->size(); ++k) {
          if (model->parameters()[k].name == name) j = k;
        }
        x[j] = x0[i] + 0.01 * static_cast<double>(i % 3);
      }
      std::vector<double> y = x0;
      for (std::size_t i = 0; i < original->size(); ++i) {
        y[i] += 0.01 * static_cast<double>(i % 3);
      }
      const double a = nll(*original, y);
      const double b = nll(*model, x);
      CHECK(hs3::test::relativeDifference(a, b) < 1e-12);
    }
  }
}

TEST_CASE("bad HS3 input gives errors with the JSON path", "[hs3]") {
  const std::string head = R"({"metadata": {"hs3_version": "0.2"},)";
  const std::string data =
      R"("data": [{"name": "d", "type": "unbinned", "axes": [{"name": "x",
         "min": 0, "max": 1}], "entries": [[0.5]]}],
         "parameter_points": [{"name": "default_values", "parameters":
         [{"name": "m", "value": 0.5}]}],
         "likelihoods": [{"name": "L", "distributions": ["g"],
         "data": ["d"]}]})";

  SECTION("an unknown type lists the supported ones") {
    const hs3::Error e = hs3::test::loadError(
        head + R"("distributions": [{"name": "g", "type": "banana_dist",
        "x": "x"}],)" +
        data);
    CHECK(e.code() == hs3::ErrorCode::kUnknownType);
    CHECK(e.path() == "distributions[0]");
    CHECK(std::string(e.what()).find("gaussian_dist") != std::string::npos);
  }
  SECTION("an unknown reference names itself") {
    const hs3::Error e = hs3::test::loadError(
        head + R"("distributions": [{"name": "g", "type": "gaussian_dist",
        "x": "x", "mean": "m", "sigma": "nowhere"}],)" +
        data);
    CHECK(e.code() == hs3::ErrorCode::kUnknownName);
    CHECK(e.path() == "distributions[0]");
    CHECK(std::string(e.what()).find("nowhere") != std::string::npos);
  }
  SECTION("a cycle in the graph is refused") {
    const hs3::Error e = hs3::test::loadError(
        head + R"("distributions": [{"name": "g", "type": "gaussian_dist",
        "x": "x", "mean": "f1", "sigma": 1}], "functions": [
        {"name": "f1", "type": "sum", "summands": ["f2", "m"]},
        {"name": "f2", "type": "product", "factors": ["f1", 2]}],)" +
        data);
    CHECK(e.code() == hs3::ErrorCode::kSchema);
    CHECK(e.path().rfind("functions[", 0) == 0);
    CHECK(std::string(e.what()).find("cycle") != std::string::npos);
  }
  SECTION("an expression outside the grammar is refused") {
    const hs3::Error e = hs3::test::loadError(
        head + R"js("distributions": [{"name": "g", "type": "generic_dist",
        "expression": "system(m)"}],)js" +
        data);
    CHECK(e.path() == "distributions[0].expression");
    CHECK(std::string(e.what()).find("unknown function") != std::string::npos);
  }
  SECTION("Asimov data of unbinned models are refused") {
    const auto model = hs3::parseModel(
        head + R"("distributions": [{"name": "g", "type": "gaussian_dist",
        "x": "x", "mean": "m", "sigma": 1}],)" +
            data,
        {}, {});
    CHECK_THROWS_AS(model->expectedData(model->initialValues()), hs3::Error);
  }
}

TEST_CASE("an empty product_dist imports with log density 0", "[hs3]") {
  const auto model = hs3::loadModel(
      hs3::test::sharedPath("cases/10-hs3-empty-product.json"), {});
  CHECK(model->size() == 0);
  hs3::Likelihood likelihood(model, model->observedData());
  CHECK(likelihood.logpdf(nullptr).total() == 0.0);
}
