// Hostile input to the less common HS3 types: literals no density allows,
// parameters a fit may move where a density is not defined or is zero,
// sizes that would exhaust memory, and inputs that once crashed. Each must
// give an hs3::Error naming the key, or a likelihood of +inf (never NaN,
// which a minimizer cannot compare) or the finite value worked out by hand.

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "hs3/error.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"
#include "load_error.hpp"

namespace {

// A document pairing the distribution "pdf" with unbinned events of x on
// [lo, hi], `parameters` given as JSON objects {"name": ..., "value": ...},
// and optional functions, domains and aux distributions.
struct Doc {
  std::string distributions;
  std::string parameters;
  std::string entries = "[0.5], [1.0]";
  double lo = -3, hi = 3;
  std::string functions;
  std::string domains;
  std::string aux;

  std::string text() const {
    return R"({"metadata": {"hs3_version": "0.2"}, "distributions": [)" +
           distributions + R"(], "functions": [)" + functions +
           R"(], "domains": [)" + domains +
           R"(], "data": [{"name": "d", "type": "unbinned", "axes": [{"name":
           "x", "min": )" +
           std::to_string(lo) + R"(, "max": )" + std::to_string(hi) +
           R"(}], "entries": [)" + entries +
           R"(]}], "parameter_points": [{"name": "default_values",
           "parameters": [)" +
           parameters + R"(]}], "likelihoods": [{"name": "L",
           "distributions": ["pdf"], "data": ["d"])" +
           (aux.empty() ? "" : R"(, "aux_distributions": [)" + aux + "]") +
           "}]}";
  }
};

std::string parameter(const std::string& name, double value) {
  return R"({"name": ")" + name + R"(", "value": )" + std::to_string(value) +
         "}";
}

double nll(const Doc& doc) {
  const auto model = hs3::parseModel(doc.text(), {}, {});
  hs3::Likelihood likelihood(model, model->observedData());
  return likelihood.value(model->initialValues().data());
}

const std::string kGaussian =
    R"({"name": "g", "type": "gaussian_dist", "x": "x", "mean": 0.0,
        "sigma": 1.0})";

}  // namespace

TEST_CASE("widths, shapes and lifetimes given as literals must be positive",
          "[hs3][hostile]") {
  struct Case {
    const char* what;
    std::string distributions;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"beta = 0 once made a generalised normal flat",
       R"({"name": "pdf", "type": "generalized_normal_dist", "x": "x",
           "mean": 0.0, "alpha": 1.0, "beta": 0})",
       "distributions[0].beta"},
      {"a negative alpha was read as its absolute value",
       R"({"name": "pdf", "type": "generalized_normal_dist", "x": "x",
           "mean": 0.0, "alpha": -1.0, "beta": 2})",
       "distributions[0].alpha"},
      {"a gamma shape of -1 still normalised above mu",
       R"({"name": "pdf", "type": "gamma_dist", "x": "x", "gamma": -1.0,
           "beta": 1.0, "mu": -5.0})",
       "distributions[0].gamma"},
      {"a zero width of one side of a bifurcated Gaussian",
       R"({"name": "pdf", "type": "bifurkated_gaussian_dist", "x": "x",
           "mean": 0.0, "sigmaL": 0.0, "sigmaR": 1.0})",
       "distributions[0].sigmaL"},
      {"a Landau of negative width",
       R"({"name": "pdf", "type": "landau_dist", "x": "x", "mean": 0.0,
           "sigma": -1.0})",
       "distributions[0].sigma"},
      {"tau = 0 in decay_dist gave NaN",
       R"({"name": "pdf", "type": "decay_dist", "t": "x", "tau": 0,
           "resolutionModel": "truth", "decayType": 0},
          {"name": "truth", "type": "delta_resolution_model", "x": "x"})",
       "distributions[0].tau"},
      {"a negative tau with the delta model gave a finite density",
       R"({"name": "pdf", "type": "decay_dist", "t": "x", "tau": -1.0,
           "resolutionModel": "truth", "decayType": 1},
          {"name": "truth", "type": "delta_resolution_model", "x": "x"})",
       "distributions[0].tau"},
      {"the resolution model's sigma is checked where it is written",
       R"({"name": "pdf", "type": "decay_dist", "t": "x", "tau": 1.0,
           "resolutionModel": "res", "decayType": 0},
          {"name": "unused", "type": "delta_resolution_model", "x": "x"},
          {"name": "res", "type": "gauss_resolution_model", "x": "x",
           "mean": 0.0, "sigma": -0.3})",
       "distributions[2].sigma"},
      {"the normalisation a1 of the CMS ggZZ continuum",
       R"({"name": "pdf", "type": "CMS::ggZZ_background_dist", "m4l": "x",
           "a1": -1.0, "a2": 2.0, "a3": 0.02})",
       "distributions[0].a1"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Doc doc;
    doc.distributions = c.distributions;
    const hs3::Error e = hs3::test::loadError(doc.text());
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == c.path);
    CHECK(std::string(e.what()).find("positive") != std::string::npos);
  }

  SECTION("Barlow-Beeston expected counts") {
    Doc doc;
    doc.distributions = kGaussian + R"(, {"name": "pdf", "type":
        "gaussian_dist", "x": "x", "mean": 0.0, "sigma": 1.0},
        {"name": "c", "type": "barlow_beeston_lite_poisson_constraint_dist",
         "x": ["g1"], "expected": [0.0]})";
    doc.parameters = parameter("g1", 1.0);
    doc.aux = R"("c")";
    const hs3::Error e = hs3::test::loadError(doc.text());
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "distributions[2].expected");
  }
}

TEST_CASE("a parameter where a density is not defined gives +inf, not NaN",
          "[hs3][hostile]") {
  struct Case {
    const char* what;
    std::string distributions;
    std::string parameters;
  };
  const std::vector<Case> cases = {
      {"beta = 0 (was a finite, flat density)",
       R"({"name": "pdf", "type": "generalized_normal_dist", "x": "x",
           "mean": 0.0, "alpha": 1.0, "beta": "b"})",
       parameter("b", 0.0)},
      {"beta < 0 (was finite)",
       R"({"name": "pdf", "type": "generalized_normal_dist", "x": "x",
           "mean": 0.0, "alpha": 1.0, "beta": "b"})",
       parameter("b", -1.0)},
      {"a negative side width (was NaN)",
       R"({"name": "pdf", "type": "bifurkated_gaussian_dist", "x": "x",
           "mean": 0.0, "sigmaL": "s", "sigmaR": 1.0})",
       parameter("s", -1.0)},
      {"tau = 0 (was NaN)",
       R"({"name": "pdf", "type": "decay_dist", "t": "x", "tau": "tau",
           "resolutionModel": "truth", "decayType": 0},
          {"name": "truth", "type": "delta_resolution_model", "x": "x"})",
       parameter("tau", 0.0)},
      {"a negative resolution in a mixture (was NaN)",
       R"({"name": "pdf", "type": "decay_dist", "t": "x", "tau": 1.0,
           "resolutionModel": "mix", "decayType": 0},
          {"name": "truth", "type": "delta_resolution_model", "x": "x"},
          {"name": "res", "type": "gauss_resolution_model", "x": "x",
           "mean": 0.0, "sigma": "s"},
          {"name": "mix", "type": "mixture_resolution_model",
           "summands": ["res", "truth"], "coefficients": [0.5]})",
       parameter("s", -0.2)},
      {"a gamma whose mu lies above the whole range: zero everywhere",
       R"({"name": "pdf", "type": "gamma_dist", "x": "x", "gamma": 2.0,
           "beta": 1.0, "mu": "mu"})",
       parameter("mu", 10.0)},
      {"a Landau peak far above the range: zero everywhere",
       R"({"name": "pdf", "type": "landau_dist", "x": "x", "mean": "m",
           "sigma": 0.01})",
       parameter("m", 1000.0)},
      {"a power sum negative everywhere",
       R"({"name": "pdf", "type": "power_sum_dist", "x": "x",
           "coefficients": ["c"], "exponents": [2.0]})",
       parameter("c", -1.0)},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Doc doc;
    doc.distributions = c.distributions;
    doc.parameters = c.parameters;
    CHECK(nll(doc) == HUGE_VAL);
  }

  SECTION("a gamma constraint with a negative shape (was finite)") {
    Doc doc;
    doc.distributions = R"({"name": "pdf", "type": "gaussian_dist", "x":
        "x", "mean": 0.0, "sigma": 1.0},
        {"name": "c", "type": "gamma_dist", "x": "th", "gamma": "k",
         "beta": 1.0, "mu": 0.0})";
    doc.parameters = parameter("th", 1.0) + ", " + parameter("k", -0.5);
    doc.aux = R"("c")";
    CHECK(nll(doc) == HUGE_VAL);
  }
}

TEST_CASE("a normalisation far below 1 is not lost to underflow",
          "[hs3][hostile]") {
  // f = m^2 exp(-100 m) on [100, 300]: log f is near -1e4 everywhere, and
  // the quadrature once summed exp(log f) against a fixed shift of 0, which
  // gave log Z = -inf and NLL = -inf, the worst answer to give a minimizer.
  // By parts, Z = e^-10000 (100^2/100 + 2 100/100^2 + 2/100^3) up to
  // e^-30000, so NLL at m = 150 is 15000 - 2 ln 150 - 10000 + ln 100.020002.
  Doc doc;
  doc.distributions = R"({"name": "pdf", "type": "CMS::ggZZ_background_dist",
      "m4l": "x", "a1": 1.0, "a2": 2.0, "a3": "a3"})";
  doc.parameters = parameter("a3", 100.0);
  doc.lo = 100;
  doc.hi = 300;
  doc.entries = "[150.0]";
  const double expected =
      5000 - 2 * std::log(150.0) + std::log(100 + 0.02 + 0.000002);
  CHECK(nll(doc) == Approx(expected).epsilon(1e-10));
}

TEST_CASE("an FFT convolution on a single bin does not crash",
          "[hs3][hostile]") {
  // kissfft's real transform of length 1 read out of bounds. One bin and
  // no buffer make the histogram flat: each event has density 1/6.
  Doc doc;
  doc.distributions = R"({"name": "pdf", "type": "fft_convolution_dist",
      "conv_var": "x", "pdf1": "g", "pdf2": "k", "ipOrder": 0,
      "bufferFraction": 0}, )" +
                      kGaussian + R"(, {"name": "k", "type": "gaussian_dist",
      "x": "x", "mean": 0.0, "sigma": 0.5})";
  doc.domains = R"({"name": "cache", "type": "product_domain", "axes":
      [{"name": "x", "min": -3, "max": 3, "nbins": 1}]})";
  CHECK(nll(doc) == Approx(2 * std::log(6.0)).epsilon(1e-12));
}

TEST_CASE("sizes that would exhaust memory are refused", "[hs3][hostile]") {
  SECTION("an FFT sampling of over a million points") {
    // 200000 bins with a buffer of 10 times their number on the sides.
    Doc doc;
    doc.distributions = R"({"name": "pdf", "type": "fft_convolution_dist",
        "conv_var": "x", "pdf1": "g", "pdf2": "g", "bufferFraction": 10}, )" +
                        kGaussian;
    doc.domains = R"({"name": "cache", "type": "product_domain", "axes":
        [{"name": "x", "min": -3, "max": 3, "nbins": 200000}]})";
    const hs3::Error e = hs3::test::loadError(doc.text());
    CHECK(e.code() == hs3::ErrorCode::kLimitExceeded);
    CHECK(e.path() == "distributions[0].conv_var");
  }
  SECTION("a bin sampling of 100000 bins, each an integral of its own") {
    // Once took 7 GB and 20 s with a density normalised numerically.
    Doc doc;
    doc.distributions = R"({"name": "pdf", "type": "binsampling_dist",
        "pdf": "g", "observable": "x"}, )" +
                        kGaussian;
    doc.domains = R"({"name": "default_domain", "type": "product_domain",
        "axes": [{"name": "x", "min": -3, "max": 3, "nbins": 100000}]})";
    const hs3::Error e = hs3::test::loadError(doc.text());
    CHECK(e.code() == hs3::ErrorCode::kLimitExceeded);
    CHECK(e.path() == "distributions[0].observable");
  }
}

TEST_CASE("functions refuse what doubles cannot hold", "[hs3][hostile]") {
  Doc doc;
  doc.distributions = R"({"name": "pdf", "type": "gaussian_dist", "x": "x",
      "mean": "f", "sigma": 1.0})";
  doc.parameters = parameter("y", 0.1);
  const std::string inner =
      R"(, {"name": "h", "type": "product", "factors": ["y", "y"]})";
  struct Case {
    const char* what;
    std::string functions;
    std::string domains;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"a quintic spline through knots 1e308 apart (crashed in SparseLU)",
       R"({"name": "f", "type": "spline", "x": "y", "interpolation":
           "poly5", "x0": [-1e308, 0, 1e308], "y0": [1, 2, 1]})",
       "", "functions[0].x0"},
      {"a cubic spline through knots 1e-320 apart (was NaN)",
       R"({"name": "f", "type": "spline", "x": "y",
           "x0": [0, 1e-320, 2e-320, 3e-320], "y0": [1, 2, 1, 2]})",
       "", "functions[0].x0"},
      {"a derivative step whose 3 h^3 overflows (was NaN)",
       R"({"name": "f", "type": "derivative", "function": "h", "x": "y",
           "order": 3, "eps": 1e200})" +
           inner,
       "", "functions[0].eps"},
      {"a derivative step whose h^2 underflows",
       R"({"name": "f", "type": "derivative", "function": "h", "x": "y",
           "order": 2, "eps": 1e-200})" +
           inner,
       "", "functions[0].eps"},
      {"an integral over a range wider than the largest double (was NaN)",
       R"({"name": "f", "type": "integral", "integrand": "h",
           "variables": ["y"]})" +
           inner,
       R"({"name": "default_domain", "type": "product_domain", "axes":
           [{"name": "y", "min": -1e308, "max": 1e308}]})",
       "functions[0].variables"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    doc.functions = c.functions;
    doc.domains = c.domains;
    const hs3::Error e = hs3::test::loadError(doc.text());
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == c.path);
  }
}

TEST_CASE("malformed keys of the new types name the key", "[hs3][hostile]") {
  SECTION("a power sum without terms (was NaN)") {
    Doc doc;
    doc.distributions = R"({"name": "pdf", "type": "power_sum_dist",
        "x": "x", "coefficients": [], "exponents": []})";
    const hs3::Error e = hs3::test::loadError(doc.text());
    CHECK(e.code() == hs3::ErrorCode::kShapeMismatch);
    CHECK(e.path() == "distributions[0].coefficients");
  }
  SECTION("a Breit-Wigner channel of negative width (was NaN)") {
    Doc doc;
    doc.distributions = R"({"name": "pdf", "type":
        "relativistic_breit_wigner_dist", "mass": "x", "m_BW": 0.9,
        "channels": [{"Gamma": 0.1}, {"Gamma": -0.1}]})";
    doc.lo = 0.5;
    doc.hi = 1.5;
    const hs3::Error e = hs3::test::loadError(doc.text());
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "distributions[0].channels[1]");
  }
  SECTION("a projection of a number (was \"no distribution named ''\")") {
    Doc doc;
    doc.distributions = R"({"name": "pdf", "type": "projected_dist",
        "input_pdf": 3, "observables": ["y"]})";
    const hs3::Error e = hs3::test::loadError(doc.text());
    CHECK(e.code() == hs3::ErrorCode::kSchema);
    CHECK(e.path() == "distributions[0].input_pdf");
  }
  SECTION("objects that contain themselves") {
    for (const std::string& pdf :
         {std::string(R"({"name": "pdf", "type": "projected_dist",
              "input_pdf": "pdf", "observables": ["y"]})"),
          std::string(R"({"name": "pdf", "type": "weighted_sum_dist",
              "samples": ["pdf"], "coefficients": [1.0]})"),
          std::string(R"({"name": "pdf", "type": "fft_convolution_dist",
              "conv_var": "x", "pdf1": "pdf", "pdf2": "g"}, )" +
                      kGaussian)}) {
      INFO(pdf);
      Doc doc;
      doc.distributions = pdf;
      const hs3::Error e = hs3::test::loadError(doc.text());
      CHECK(e.code() == hs3::ErrorCode::kSchema);
      CHECK(e.path() == "distributions[0]");
      CHECK(std::string(e.what()).find("cycle") != std::string::npos);
    }
  }
}
