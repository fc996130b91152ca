// The HS3 types that are built from other objects (weighted sums, bin
// volumes, splines, derivatives, integrals) and the distributions of sums
// and of counts in bins, against numbers computed independently of this
// engine: scipy (interpolate, integrate, stats) run on the same inputs, or
// derivatives worked out by hand, as each test says. Every gradient is
// checked against central finite differences.

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "golden.hpp"
#include "gradient_check.hpp"
#include "graph/builder.hpp"
#include "hs3/error.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"
#include "io/hs3_reader.hpp"

namespace {

// One function of an HS3 document, built as the graph builds it for a
// likelihood, evaluated at parameters given by name (the file's
// parameter_points first).
class FunctionProbe {
 public:
  FunctionProbe(const std::string& text, const std::string& function)
      : document_(hs3::io::readHs3Document(nlohmann::json::parse(text))) {
    hs3::graph::Builder builder(
        document_, program_,
        [this](const std::string& name, const std::string&) {
          auto it = index_.find(name);
          if (it != index_.end()) return it->second;
          const std::size_t next = index_.size();
          index_[name] = next;
          return next;
        });
    node_ = builder.value(function, builder.scalarContext(), "test");
    x_.assign(index_.size(), 0.0);
    for (const hs3::graph::PointSpec& point : document_.points) {
      for (const hs3::graph::PointEntry& entry : point.parameters) {
        set(entry.name, entry.value);
      }
    }
    tape_ = std::make_unique<hs3::graph::Tape>(program_);
  }

  // Names the function does not read are ignored.
  FunctionProbe& set(const std::string& name, double value) {
    auto it = index_.find(name);
    if (it != index_.end()) x_[it->second] = value;
    return *this;
  }

  double value() { return valueAt(x_); }

  double derivative(const std::string& name) {
    tape_->forward(x_.data(), nullptr);
    std::vector<double> grad(x_.size(), 0.0);
    tape_->gradient({node_}, {1.0}, grad.data());
    return grad[index_.at(name)];
  }

  double finiteDifference(const std::string& name, double h) {
    std::vector<double> up = x_, down = x_;
    up[index_.at(name)] += h;
    down[index_.at(name)] -= h;
    return (valueAt(up) - valueAt(down)) / (2 * h);
  }

 private:
  double valueAt(const std::vector<double>& x) {
    tape_->forward(x.data(), nullptr);
    return tape_->value(node_);
  }

  hs3::graph::Document document_;
  hs3::graph::Program program_;
  std::map<std::string, std::size_t> index_;
  hs3::graph::NodeId node_ = hs3::graph::kNoNode;
  std::vector<double> x_;
  std::unique_ptr<hs3::graph::Tape> tape_;
};

// One distribution on one data set through the public API.
struct Pair {
  std::shared_ptr<const hs3::Model> model;
  std::vector<double> x;

  Pair(const std::string& text, const std::string& distribution,
       const std::string& data) {
    hs3::LoadOptions options;
    options.distribution = distribution;
    options.data = data;
    model = hs3::parseModel(text, {}, options);
    x = model->initialValues();
  }

  double nll() const {
    hs3::Likelihood l(model, model->observedData());
    return l.value(x.data());
  }

  double worstGradientError(double relativeStep = 1e-6) const {
    return hs3::test::worstGradientError(model, x, relativeStep);
  }
};

std::string readText(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

hs3::Error functionError(const std::string& text, const std::string& name) {
  try {
    FunctionProbe probe(text, name);
  } catch (const hs3::Error& e) {
    return e;
  }
  FAIL("no error building '" << name << "'");
  return hs3::Error(hs3::ErrorCode::kIo, "", "");
}

hs3::Error likelihoodError(const std::string& text) {
  try {
    Pair l(text, "model", "obs");
  } catch (const hs3::Error& e) {
    return e;
  }
  FAIL("no error for the likelihood");
  return hs3::Error(hs3::ErrorCode::kIo, "", "");
}

const char* const kSplines = R"({"metadata": {"hs3_version": "0.2"},
  "functions": [
    {"name": "s3", "type": "spline", "x": "x", "x0": [-3, -1, 0, 3, 4],
     "y0": [7, 11, 26, 56, 29], "interpolation": "poly3"},
    {"name": "s5", "type": "spline", "x": "x", "x0": [-3, -1, 0, 3, 4],
     "y0": [7, 11, 26, 56, 29], "interpolation": "poly5"},
    {"name": "three", "type": "spline", "x": "x", "x0": [0, 1, 3],
     "y0": [1, 2, 0]},
    {"name": "two", "type": "spline", "x": "x", "x0": [0, 2], "y0": [1, 5]},
    {"name": "logs", "type": "spline", "x": "x", "x0": [1, 2, 4, 8],
     "y0": [10, 20, 50, 80], "logx": true, "logy": true}],
  "parameter_points": [{"name": "default_values",
    "parameters": [{"name": "x", "value": 0.5}]}]})";

}  // namespace

TEST_CASE("spline rebuilds TSpline3 and TSpline5 with their extrapolation",
          "[hs3][functions]") {
  // Expected values and slopes from scipy 1.x: CubicSpline(x0, y0,
  // bc_type="not-a-knot") for poly3 (TSpline3 without end conditions is de
  // Boor's not-a-knot cubic; outside the knots both continue the end
  // pieces), and make_interp_spline(x0, y0, k=5, bc_type=([(3, 0), (4, 0)],
  // [(3, 0), (4, 0)])) for poly5 (TSpline5 is the natural quintic). Beyond
  // the last knot TSpline5 continues with the quadratic s + s' t + s'' t^2/2
  // of the last knot, evaluated from scipy's derivatives there (x = 5).
  struct Point {
    double x, cubic, cubicSlope, quintic, quinticSlope;
  };
  const Point points[] = {
      {-4, 23.92753623188408, -24.718599033816457, 19.525625220203334,
       -17.441861633545514},
      {-2, 3.678743961352654, 2.493961352657007, 4.240748637644502,
       2.09088608215018},
      {0.5, 35.307820048309175, 18.96527777777778, 35.47118753738097,
       19.405848367863502},
      {3.5, 46.26343599033817, -26.58544685990338, 45.76634353574339,
       -26.94803937469498},
      {5, -33.082125603864725, -82.93961352657004, -24.338590787167192,
       -66.54567572642716},
  };
  FunctionProbe cubic(kSplines, "s3"), quintic(kSplines, "s5");
  for (const Point& p : points) {
    INFO("x = " << p.x);
    cubic.set("x", p.x);
    quintic.set("x", p.x);
    CHECK(cubic.value() == Approx(p.cubic).epsilon(1e-11));
    CHECK(cubic.derivative("x") == Approx(p.cubicSlope).epsilon(1e-11));
    CHECK(quintic.value() == Approx(p.quintic).epsilon(1e-11));
    CHECK(quintic.derivative("x") == Approx(p.quinticSlope).epsilon(1e-11));
  }

  // Three knots: the parabola through them; two: the line (CubicSpline's
  // not-a-knot gives the same).
  FunctionProbe three(kSplines, "three"), two(kSplines, "two");
  CHECK(three.set("x", -1).value() == Approx(-4.0 / 3).epsilon(1e-12));
  CHECK(three.set("x", 2).value() == Approx(5.0 / 3).epsilon(1e-12));
  CHECK(three.set("x", 4).value() == Approx(-3.0).epsilon(1e-12));
  CHECK(two.set("x", 3).value() == Approx(7.0).epsilon(1e-12));

  // logx and logy as RooSpline evaluates them: exp(CubicSpline(log x0,
  // log y0)(exp x)), slope by the chain rule from scipy's derivative.
  FunctionProbe logs(kSplines, "logs");
  CHECK(logs.set("x", 0.3).value() ==
        Approx(47.900324091050514).epsilon(1e-11));
  CHECK(logs.derivative("x") == Approx(77.168466867399).epsilon(1e-10));
  CHECK(logs.set("x", 0.9).value() == Approx(67.27712199257122).epsilon(1e-11));
  CHECK(logs.derivative("x") == Approx(-164.4589575533231).epsilon(1e-10));
  CHECK(logs.set("x", 1.5).value() ==
        Approx(0.0010274013663491709).epsilon(1e-9));
}

TEST_CASE("weighted_sum and the bin volumes of a histogram",
          "[hs3][functions]") {
  const std::string text = R"({"metadata": {"hs3_version": "0.2"},
    "functions": [
      {"name": "full", "type": "weighted_sum", "samples": ["a", "b"],
       "coefficients": ["c", 2.0]},
      {"name": "short", "type": "weighted_sum", "samples": ["a", "b"],
       "coefficients": ["c"]},
      {"name": "h", "type": "histogram", "data": {"axes": [{"name": "x",
       "edges": [0, 1, 3, 6]}], "contents": [1, 2, 3]}},
      {"name": "volume", "type": "binvolume", "histogram": "h"},
      {"name": "inverse", "type": "inverse_binvolume", "histogram": "h"},
      {"name": "older", "type": "binwidth", "histogram": "h",
       "divideByBinWidth": true}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "a", "value": 1.5}, {"name": "b", "value": -0.5},
      {"name": "c", "value": 0.25}, {"name": "x", "value": 2.0}]}]})";
  // By hand: c a + 2 b and c a + (1 - c) b, with their partials.
  FunctionProbe full(text, "full");
  CHECK(full.value() == Approx(0.25 * 1.5 - 1.0));
  CHECK(full.derivative("c") == Approx(1.5));
  CHECK(full.derivative("b") == Approx(2.0));
  FunctionProbe shortened(text, "short");
  CHECK(shortened.value() == Approx(0.25 * 1.5 + 0.75 * -0.5));
  CHECK(shortened.derivative("c") == Approx(1.5 + 0.5));

  // x = 2 lies in the bin [1, 3]; outside the histogram the volume is 1.
  FunctionProbe volume(text, "volume"), inverse(text, "inverse"),
      older(text, "older");
  CHECK(volume.value() == 2.0);
  CHECK(inverse.value() == 0.5);
  CHECK(older.value() == 0.5);
  CHECK(volume.set("x", 5.5).value() == 3.0);
  CHECK(volume.set("x", 7.0).value() == 1.0);
  CHECK(inverse.set("x", -1.0).value() == 1.0);
}

TEST_CASE("rf111's derivatives are Richardson differences of the Gaussian",
          "[hs3][functions]") {
  const std::string text =
      readText(hs3::test::sharedPath("hs3/rf111_derivatives/hs3.json"));
  // The function is the unnormalised Gaussian f = exp(-u^2/2), u = (x -
  // mean)/sigma (the file gives no normalization), at x = 0, mean = 1,
  // sigma = 1. Derivatives by hand: in x, f' = -u f / sigma, f'' = (u^2 -
  // 1) f / sigma^2, f''' = (3u - u^3) f / sigma^3; in sigma, with a = (x -
  // mean)^2, f' = a f / sigma^3, f'' = (a^2/sigma^6 - 3a/sigma^4) f, f''' =
  // (12a/sigma^5 - 6a^2/sigma^7 + (a^2/sigma^6 - 3a/sigma^4) a/sigma^3) f.
  // At this point u = -1 and a = 1. The tolerances are the round-off of
  // ROOT's formulas with step eps = 1e-3: 1e-16/h^order.
  const double f = std::exp(-0.5);
  struct Case {
    const char* name;
    double expected;
    double tolerance;
  };
  const Case cases[] = {
      {"gauss_DERIV_1x", f, 1e-9},          {"gauss_DERIV_2x", 0.0, 1e-7},
      {"gauss_DERIV_3x", -2 * f, 1e-5},     {"gauss_DERIV_1sigma", f, 1e-9},
      {"gauss_DERIV_2sigma", -2 * f, 1e-7}, {"gauss_DERIV_3sigma", 4 * f, 1e-5},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    FunctionProbe probe(text, c.name);
    CHECK(probe.value() == Approx(c.expected).margin(c.tolerance));
  }

  // A second check of the first one by a plain central difference of the
  // Gaussian written out here, at another point.
  auto gaussian = [](double x) {
    return std::exp(-0.5 * std::pow((x - 1.0) / 1.2, 2));
  };
  FunctionProbe first(text, "gauss_DERIV_1x");
  first.set("x", 0.3).set("sigma", 1.2);
  const double h = 1e-5;
  CHECK(
      first.value() ==
      Approx((gaussian(0.3 + h) - gaussian(0.3 - h)) / (2 * h)).epsilon(1e-8));

  // Gradients in the parameters through the shifted evaluations.
  for (const char* name :
       {"gauss_DERIV_1x", "gauss_DERIV_2x", "gauss_DERIV_1sigma"}) {
    INFO(name);
    FunctionProbe probe(text, name);
    probe.set("x", 0.3).set("sigma", 1.2).set("mean", 0.8);
    for (const char* parameter : {"mean", "sigma"}) {
      CHECK(probe.derivative(parameter) ==
            Approx(probe.finiteDifference(parameter, 1e-4)).margin(1e-6));
    }
  }

  // Within eps of the end of x's range [-10, 10]: ROOT's one-sided first
  // derivative (GSL's four-point rule), and no higher order.
  FunctionProbe edge(text, "gauss_DERIV_1x");
  edge.set("x", 9.9995).set("mean", 9.5).set("sigma", 1.0);
  const double u = 0.4995;
  CHECK(edge.value() == Approx(-u * std::exp(-0.5 * u * u)).epsilon(1e-7));
  FunctionProbe second(text, "gauss_DERIV_2x");
  second.set("x", 9.9995).set("mean", 9.5);
  CHECK(std::isnan(second.value()));
}

TEST_CASE("derivatives of normalised densities and in data",
          "[hs3][functions]") {
  // The Gaussian normalised over x in [-5, 5], p = phi(u)/(s D), u = (x -
  // m)/s, D = Phi((5 - m)/s) - Phi((-5 - m)/s): dp/dx = -p u/s and dp/dm =
  // p (u/s + (phi((5 - m)/s) - phi((-5 - m)/s))/(s D)), by hand, evaluated
  // with scipy.stats.norm at x = 0.9, m = 0.4, s = 1.3.
  const std::string text = R"({"metadata": {"hs3_version": "0.2"},
    "distributions": [{"name": "g", "type": "gaussian_dist", "x": "x",
      "mean": "m", "sigma": "s"}],
    "functions": [
      {"name": "dx", "type": "derivative", "function": "g", "x": "x",
       "order": 1, "eps": 0.001, "normalization": ["x"]},
      {"name": "dm", "type": "derivative", "function": "g", "x": "m",
       "order": 1, "eps": 0.001, "normalization": ["x"]}],
    "domains": [{"name": "default_domain", "type": "product_domain",
      "axes": [{"name": "x", "min": -5, "max": 5}]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "x", "value": 0.9}, {"name": "m", "value": 0.4},
      {"name": "s", "value": 1.3}]}]})";
  FunctionProbe dx(text, "dx"), dm(text, "dm");
  CHECK(dx.value() == Approx(-0.08433777596115741).epsilon(1e-9));
  CHECK(dm.value() == Approx(0.08448927112452302).epsilon(1e-9));
  CHECK(dm.derivative("s") ==
        Approx(dm.finiteDifference("s", 1e-5)).margin(1e-7));

  // A density that is a derivative, evaluated per event: d/dx (c x^3/3 +
  // x) = c x^2 + 1 on [0, 2], normalised by 8c/3 + 2; the last event lies
  // within eps of the end, where the one-sided rule applies. -ln L =
  // -sum ln((c x_i^2 + 1)/(8c/3 + 2)) at c = 0.8 (numpy).
  const std::string data = R"js({"metadata": {"hs3_version": "0.2"},
    "functions": [
      {"name": "F", "type": "generic_function", "expression": "c*x^3/3 + x"},
      {"name": "f", "type": "derivative", "function": "F", "x": "x",
       "order": 1, "eps": 0.001}],
    "distributions": [{"name": "model", "type": "density_function_dist",
      "function": "f"}],
    "data": [{"name": "obs", "type": "unbinned", "axes": [{"name": "x",
      "min": 0, "max": 2}], "entries": [[0.1], [0.5], [1.2], [1.7],
      [1.9995]]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "c", "value": 0.8}]}]})js";
  Pair l(data, "model", "obs");
  CHECK(l.nll() == Approx(3.5064777664839535).epsilon(1e-9));
  // The one-sided rule makes the integrand jump at 2 - eps, so the adaptive
  // normalisation integral carries ~1e-11 of noise that moves with c; a
  // step of 1e-4 keeps that noise (1e-7) and the truncation error (1e-8)
  // both below the bound.
  CHECK(l.worstGradientError(1e-4) < 1e-6);
}

TEST_CASE("rf110 and rf308 integrals evaluate to scipy's quadratures",
          "[hs3][functions]") {
  // scipy.integrate.quad (dblquad for the unnormalised 2-d one) of the
  // unnormalised Gaussians exp(-(x+2)^2/18) and exp(-(y-2)^2/8) over the
  // ranges of the files: the whole ranges [-10, 10] from the default
  // domain, `signal` [-5, 5] x [-3, 3], `CDF` [-10, 0]; with
  // `normalization` divided by the integral over the whole range.
  const std::string rf110 =
      readText(hs3::test::sharedPath("hs3/rf110_normintegration/hs3.json"));
  const std::string rf308 =
      readText(hs3::test::sharedPath("hs3/rf308_normintegration2d/hs3.json"));
  struct Case {
    const std::string* text;
    const char* name;
    double expected;
  };
  const Case cases[] = {
      {&rf110, "gx_Int_x", 7.490842639102235},
      {&rf110, "gx_Int_x_signal_Norm_x", 0.8347532778470282},
      {&rf110, "gx_cdf_Int_x_prime_CDF_Norm_x_prime", 0.7465603365842358},
      {&rf308, "gxy_Int_x_y", 37.55232651643611},
      {&rf308, "gxy_Int_x_y_signal_Norm_x_y", 0.5720351351990984},
      {&rf308, "gxy_cdf_Int_x_prime_y_prime_CDF_Norm_x_prime_y_prime",
       0.1184494705980679},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    FunctionProbe probe(*c.text, c.name);
    CHECK(probe.value() == Approx(c.expected).epsilon(1e-9));
    const char* parameter = c.text == &rf110 ? "sigma" : "sigmax";
    CHECK(probe.derivative(parameter) ==
          Approx(probe.finiteDifference(parameter, 1e-5)).margin(1e-7));
  }
}

TEST_CASE("integrals and derivatives of plain functions", "[hs3][functions]") {
  const std::string text = R"({"metadata": {"hs3_version": "0.2"},
    "functions": [
      {"name": "poly", "type": "polynomial", "x": "x",
       "coefficients": ["a0", "a1", "a2"]},
      {"name": "area", "type": "integral", "integrand": "poly",
       "variables": ["x"]},
      {"name": "slope", "type": "derivative", "function": "poly", "x": "x",
       "order": 1, "eps": 0.01},
      {"name": "h", "type": "histogram", "data": {"axes": [{"name": "x",
       "edges": [0, 1, 3, 6]}], "contents": [1, 2, 3]}},
      {"name": "counted", "type": "integral", "integrand": "h",
       "variables": ["x"], "domain": "part"}],
    "domains": [
      {"name": "default_domain", "type": "product_domain",
       "axes": [{"name": "x", "min": -1, "max": 2}]},
      {"name": "part", "type": "product_domain",
       "axes": [{"name": "x", "min": 0.5, "max": 4}]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "a0", "value": -1}, {"name": "a1", "value": 0.5},
      {"name": "a2", "value": 1}, {"name": "x", "value": 0.4}]}]})";
  // -1 + x/2 + x^2 changes sign in [-1, 2]; its integral there is
  // 3 a0 + 3/2 a1 + 3 a2 = 0.75 (by hand; scipy's quad agrees), with those
  // factors as the gradient.
  FunctionProbe area(text, "area");
  CHECK(area.value() == Approx(0.75).epsilon(1e-10));
  CHECK(area.derivative("a0") == Approx(3.0).epsilon(1e-9));
  CHECK(area.derivative("a1") == Approx(1.5).epsilon(1e-9));
  CHECK(area.derivative("a2") == Approx(3.0).epsilon(1e-9));

  // Richardson's formula is exact on a quadratic: a1 + 2 a2 x.
  FunctionProbe slope(text, "slope");
  CHECK(slope.value() == Approx(0.5 + 2 * 0.4).epsilon(1e-10));
  CHECK(slope.derivative("a2") == Approx(0.8).epsilon(1e-9));

  // The histogram over [0.5, 4]: 1 * 0.5 + 2 * 2 + 3 * 1, exactly.
  FunctionProbe counted(text, "counted");
  CHECK(counted.value() == Approx(7.5).epsilon(1e-14));
}

TEST_CASE("weighted_sum_dist is normalised and extended like RooRealSumPdf",
          "[hs3][distributions]") {
  // Histogram samples on binned data: f = mu s1 + s2 per bin, f = (8, 14, 8)
  // at mu = 1.2, normalisation sum f w = 38, extended: -ln L = -(sum n ln
  // f/Z + N ln Z - Z) (ROOT's convention without ln N!), by hand in numpy.
  const std::string binned = R"({"metadata": {"hs3_version": "0.2"},
    "functions": [
      {"name": "s1", "type": "histogram", "data": {"axes": [{"name": "x",
       "edges": [0, 1, 2, 4]}], "contents": [5, 10, 5]}},
      {"name": "s2", "type": "histogram", "data": {"axes": [{"name": "x",
       "edges": [0, 1, 2, 4]}], "contents": [2, 2, 2]}}],
    "distributions": [{"name": "model", "type": "weighted_sum_dist",
      "samples": ["s1", "s2"], "coefficients": ["mu", 1.0],
      "extended": true}],
    "data": [{"name": "obs", "type": "binned", "axes": [{"name": "x",
      "edges": [0, 1, 2, 4]}], "contents": [6, 13, 9]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "mu", "value": 1.2}]}]})";
  Pair histograms(binned, "model", "obs");
  CHECK(histograms.nll() == Approx(-27.4993684101959).epsilon(1e-12));
  CHECK(histograms.worstGradientError() < 1e-6);

  // Polynomial samples on unbinned data, normalised by quadrature over
  // [0, 2]: scipy's quad of c1 (1 + a x) + c2 x^2 at c1 = 1, c2 = 0.5,
  // a = 0.3, -ln L = -sum ln f(x_i)/Z.
  const std::string unbinned = R"({"metadata": {"hs3_version": "0.2"},
    "functions": [
      {"name": "p1", "type": "polynomial", "x": "x",
       "coefficients": [1, "a"]},
      {"name": "p2", "type": "polynomial", "x": "x",
       "coefficients": [0, 0, 1]}],
    "distributions": [{"name": "model", "type": "weighted_sum_dist",
      "samples": ["p1", "p2"], "coefficients": ["c1", "c2"]}],
    "data": [{"name": "obs", "type": "unbinned", "axes": [{"name": "x",
      "min": 0, "max": 2}], "entries": [[0.2], [0.7], [1.1], [1.5], [1.9]]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "c1", "value": 1.0}, {"name": "c2", "value": 0.5},
      {"name": "a", "value": 0.3}]}]})";
  Pair polynomials(unbinned, "model", "obs");
  CHECK(polynomials.nll() == Approx(3.573117087336025).epsilon(1e-10));
  CHECK(polynomials.worstGradientError() < 1e-6);

  // A sum that is negative on part of the range, [-2, -1), where no event
  // lies: ROOT integrates it with its sign, Z = int_-2^2 (1 + x) dx = 4, so
  // -ln L = 2 ln 4 - ln 1.5 - ln 2.5 for events at 0.5 and 1.5.
  const std::string signed_ = R"({"metadata": {"hs3_version": "0.2"},
    "functions": [
      {"name": "line", "type": "polynomial", "x": "x",
       "coefficients": [1, 1]}],
    "distributions": [{"name": "model", "type": "weighted_sum_dist",
      "samples": ["line"], "coefficients": ["c"]}],
    "data": [{"name": "obs", "type": "unbinned", "axes": [{"name": "x",
      "min": -2, "max": 2}], "entries": [[0.5], [1.5]]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "c", "value": 0.7}]}]})";
  Pair negativeInPart(signed_, "model", "obs");
  CHECK(negativeInPart.nll() == Approx(1.4508328822574619).epsilon(1e-9));
}

TEST_CASE("rate_density_dist is the Poisson process of its rate density",
          "[hs3][distributions]") {
  // f = A exp(-x/tau) on [0, 5]: rate = quad(f) = 18.358..., -ln L =
  // -(sum ln f(x_i)/rate + N ln rate - rate) (scipy's quad, numpy).
  const std::string text = R"js({"metadata": {"hs3_version": "0.2"},
    "functions": [{"name": "f", "type": "generic_function",
      "expression": "A*exp(-x/tau)"}],
    "distributions": [{"name": "model", "type": "rate_density_dist",
      "x": "x", "density": "f"}],
    "data": [{"name": "obs", "type": "unbinned", "axes": [{"name": "x",
      "min": 0, "max": 5}], "entries": [[0.3], [1.2], [2.5], [0.8]]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "A", "value": 10}, {"name": "tau", "value": 2}]}]})js";
  Pair l(text, "model", "obs");
  CHECK(l.nll() == Approx(11.547959655545839).epsilon(1e-10));
  CHECK(l.worstGradientError() < 1e-6);
}

TEST_CASE("bin-count distributions are products of Poisson counts",
          "[hs3][distributions]") {
  // nu_b = nu (Phi((b_hi - m)/s) - Phi((b_lo - m)/s)) / (Phi((3 - m)/s) -
  // Phi((-2 - m)/s)) on the data range [-2, 3]; -ln L = -sum
  // scipy.stats.poisson.logpmf(n_b, nu_b), ln n! included.
  auto gaussianModel = [](const std::string& axes) {
    return R"({"metadata": {"hs3_version": "0.2"},
      "distributions": [
        {"name": "g", "type": "gaussian_dist", "x": "x", "mean": "m",
         "sigma": "s"},
        {"name": "model", "type": "bincounts_extended_dist", "rate": "nu",
         "dist": "g")" +
           axes + R"(}],
      "data": [{"name": "obs", "type": "binned", "axes": [{"name": "x",
        "edges": [-2, -1, 0, 1, 3]}], "contents": [3, 7, 9, 4]}],
      "parameter_points": [{"name": "default_values", "parameters": [
        {"name": "m", "value": 0.3}, {"name": "s", "value": 1.1},
        {"name": "nu", "value": 25}]}]})";
  };
  Pair withAxes(gaussianModel(R"(, "axes": [{"name": "x",
      "edges": [-2, -1, 0, 1, 3]}])"),
                "model", "obs");
  CHECK(withAxes.nll() == Approx(7.669840358215749).epsilon(1e-12));
  CHECK(withAxes.worstGradientError() < 1e-6);
  // Without axes the data's binning is used.
  Pair fromData(gaussianModel(""), "model", "obs");
  CHECK(fromData.nll() == Approx(7.669840358215749).epsilon(1e-12));
  // The expected data of the model are the nu_b.
  const std::vector<double> expected = withAxes.model->expectedData(withAxes.x);
  double total = 0.0;
  for (std::size_t b = 0; b < 4; ++b) total += expected[b];
  CHECK(total == Approx(25.0).epsilon(1e-12));

  // A binned dist brings its binning: nu_b = nu c_b / sum c.
  const std::string histogram = R"({"metadata": {"hs3_version": "0.2"},
    "distributions": [
      {"name": "h", "type": "histogram_dist", "data": {"axes": [{"name": "x",
       "edges": [-2, -1, 0, 1, 3]}], "contents": [1, 2, 3, 4]}},
      {"name": "model", "type": "bincounts_extended_dist", "rate": "nu",
       "dist": "h"}],
    "data": [{"name": "obs", "type": "binned", "axes": [{"name": "x",
      "edges": [-2, -1, 0, 1, 3]}], "contents": [3, 7, 9, 4]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "nu", "value": 25}]}]})";
  Pair fromHistogram(histogram, "model", "obs");
  CHECK(fromHistogram.nll() == Approx(9.937397001205152).epsilon(1e-12));

  // A rate density: nu_b = integral of 4 + 2x over each bin = (5, 7, 20).
  const std::string density = R"({"metadata": {"hs3_version": "0.2"},
    "functions": [{"name": "f", "type": "polynomial", "x": "x",
      "coefficients": ["a0", "a1"]}],
    "distributions": [{"name": "model", "type": "bincounts_density_dist",
      "x": "x", "density": "f", "axes": [{"name": "x",
      "edges": [0, 1, 2, 4]}]}],
    "data": [{"name": "obs", "type": "binned", "axes": [{"name": "x",
      "edges": [0, 1, 2, 4]}], "contents": [5, 6, 20]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "a0", "value": 4}, {"name": "a1", "value": 2}]}]})";
  Pair fromDensity(density, "model", "obs");
  CHECK(fromDensity.nll() == Approx(6.065063487963436).epsilon(1e-11));
  CHECK(fromDensity.worstGradientError() < 1e-6);
}

TEST_CASE("binsampling_dist averages its pdf over the observable's bins",
          "[hs3][distributions]") {
  // Gaussian m = 0.2, s = 0.7 on [-2, 2]; the value at x is the
  // probability of x's bin over its width: scipy.stats.norm.cdf at the
  // edges, normalised over [-2, 2]. The binning is the default_domain's
  // (4 bins), else ROOT's default of 100 bins.
  auto model = [](const std::string& binning) {
    return R"({"metadata": {"hs3_version": "0.2"},
      "distributions": [
        {"name": "g", "type": "gaussian_dist", "x": "x", "mean": "m",
         "sigma": "s"},
        {"name": "model", "type": "binsampling", "pdf": "g",
         "observable": "x", "epsilon": 1e-4}],
      "domains": [{"name": "default_domain", "type": "product_domain",
        "axes": [{"name": "x", "min": -2, "max": 2)" +
           binning + R"(}]}],
      "data": [{"name": "obs", "type": "unbinned", "axes": [{"name": "x",
        "min": -2, "max": 2}], "entries": [[-1.5], [-0.3], [0.1], [0.4],
        [1.7]]}],
      "parameter_points": [{"name": "default_values", "parameters": [
        {"name": "m", "value": 0.2}, {"name": "s", "value": 0.7}]}]})";
  };
  Pair four(model(R"(, "nbins": 4)"), "model", "obs");
  CHECK(four.nll() == Approx(7.7486502317682024).epsilon(1e-12));
  CHECK(four.worstGradientError() < 1e-6);
  Pair hundred(model(""), "model", "obs");
  CHECK(hundred.nll() == Approx(8.340487528617059).epsilon(1e-12));
}

TEST_CASE("bad input to these types names its JSON path", "[hs3][functions]") {
  const std::string head = R"({"metadata": {"hs3_version": "0.2"},
    "functions": [)";
  const std::string tail = R"(]})";

  SECTION("a spline without knots") {
    const hs3::Error e = functionError(
        head + R"({"name": "s", "type": "spline", "x": "x", "y0": [1, 2]})" +
            tail,
        "s");
    CHECK(e.code() == hs3::ErrorCode::kSchema);
    CHECK(e.path() == "functions[0]");
    CHECK(std::string(e.what()).find("x0") != std::string::npos);
  }
  SECTION("an unknown interpolation") {
    const hs3::Error e = functionError(
        head + R"({"name": "s", "type": "spline", "x": "x", "x0": [0, 1],
        "y0": [1, 2], "interpolation": "poly4"})" +
            tail,
        "s");
    CHECK(e.code() == hs3::ErrorCode::kUnknownType);
    CHECK(e.path() == "functions[0].interpolation");
  }
  SECTION("knots and values of different lengths") {
    const hs3::Error e = functionError(
        head + R"({"name": "s", "type": "spline", "x": "x", "x0": [0, 1, 2],
        "y0": [1, 2]})" +
            tail,
        "s");
    CHECK(e.code() == hs3::ErrorCode::kShapeMismatch);
    CHECK(e.path() == "functions[0].y0");
  }
  SECTION("a derivative of order 4") {
    const hs3::Error e =
        functionError(head + R"({"name": "p", "type": "polynomial", "x": "x",
        "coefficients": [1, 2]}, {"name": "d", "type": "derivative",
        "function": "p", "x": "x", "order": 4, "eps": 0.001})" +
                          tail,
                      "d");
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "functions[1].order");
  }
  SECTION("a derivative of nothing") {
    const hs3::Error e = functionError(
        head + R"({"name": "d", "type": "derivative", "function": "nowhere",
        "x": "x"})" +
            tail,
        "d");
    CHECK(e.code() == hs3::ErrorCode::kUnknownName);
    CHECK(e.path() == "functions[0].function");
  }
  SECTION("too few coefficients") {
    const hs3::Error e =
        functionError(head + R"({"name": "w", "type": "weighted_sum",
        "samples": ["a", "b", "c"], "coefficients": ["k"]})" +
                          tail,
                      "w");
    CHECK(e.code() == hs3::ErrorCode::kShapeMismatch);
    CHECK(e.path() == "functions[0].coefficients");
  }
  SECTION("an integral over an unknown domain") {
    const hs3::Error e =
        functionError(head + R"({"name": "p", "type": "polynomial", "x": "x",
        "coefficients": [1, 2]}, {"name": "i", "type": "integral",
        "integrand": "p", "variables": ["x"], "domain": "nowhere"})" +
                          tail,
                      "i");
    CHECK(e.code() == hs3::ErrorCode::kUnknownName);
    CHECK(e.path() == "functions[1].domain");
  }
  SECTION("an integral from above its variable's range") {
    const hs3::Error e =
        functionError(head + R"({"name": "p", "type": "polynomial", "x": "x",
        "coefficients": [1, 2]}, {"name": "i", "type": "integral",
        "integrand": "p", "variables": ["x"], "domain": "part"}],
        "domains": [{"name": "default_domain", "type": "product_domain",
          "axes": [{"name": "x", "min": -5, "max": 5}]},
          {"name": "part", "type": "product_domain",
          "axes": [{"name": "x", "min": 6}]}]})",
                      "i");
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "functions[1].domain");
  }
  SECTION("a bin volume of something that is no histogram") {
    const hs3::Error e = functionError(
        head + R"({"name": "v", "type": "binvolume", "histogram": "a"})" + tail,
        "v");
    CHECK(e.code() == hs3::ErrorCode::kSchema);
    CHECK(e.path() == "functions[0].histogram");
  }
  SECTION("bin counts on unbinned data") {
    const hs3::Error e = likelihoodError(
        R"({"metadata": {"hs3_version": "0.2"},
        "distributions": [
          {"name": "g", "type": "gaussian_dist", "x": "x", "mean": 0,
           "sigma": 1},
          {"name": "model", "type": "bincounts_extended_dist", "rate": 5,
           "dist": "g"}],
        "data": [{"name": "obs", "type": "unbinned", "axes": [{"name": "x",
          "min": -2, "max": 2}], "entries": [[0.1]]}]})");
    CHECK(e.code() == hs3::ErrorCode::kSchema);
    CHECK(e.path() == "distributions[1]");
  }
  SECTION("bin counts binned differently from their data") {
    const hs3::Error e = likelihoodError(
        R"({"metadata": {"hs3_version": "0.2"},
        "distributions": [
          {"name": "g", "type": "gaussian_dist", "x": "x", "mean": 0,
           "sigma": 1},
          {"name": "model", "type": "bincounts_extended_dist", "rate": 5,
           "dist": "g", "axes": [{"name": "x", "edges": [-2, 0, 2]}]}],
        "data": [{"name": "obs", "type": "binned", "axes": [{"name": "x",
          "edges": [-2, 1, 2]}], "contents": [1, 2]}]})");
    CHECK(e.code() == hs3::ErrorCode::kShapeMismatch);
    CHECK(e.path() == "distributions[1].axes");
  }
}
