// hs3::minimize on classic hard problems with known minima (Moré, Garbow &
// Hillstrom, ACM TOMS 7 (1981) 17), on problems whose covariance and
// profile intervals follow analytically, and on the ways a fit can fail.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "hs3/error.hpp"
#include "hs3/fit.hpp"
#include "hs3/log.hpp"

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// An objective from one function that returns f and writes the analytic
// gradient; it counts its own evaluations to check the minimizer's count.
class TestObjective : public hs3::Objective {
 public:
  using Function = std::function<double(const double* x, double* grad)>;

  TestObjective(std::size_t dimension, Function function)
      : dimension_(dimension),
        function_(std::move(function)),
        scratch_(dimension) {}

  std::size_t dimension() const override { return dimension_; }
  double value(const double* x) override {
    ++evaluations_;
    return function_(x, scratch_.data());
  }
  double valueAndGradient(const double* x, double* grad) override {
    ++evaluations_;
    return function_(x, grad);
  }
  std::size_t evaluations() const { return evaluations_; }

 private:
  std::size_t dimension_;
  Function function_;
  std::vector<double> scratch_;
  std::size_t evaluations_ = 0;
};

hs3::Parameter parameter(const std::string& name, double init,
                         double lower = -kInf, double upper = kInf) {
  hs3::Parameter p;
  p.name = name;
  p.init = init;
  p.lower = lower;
  p.upper = upper;
  return p;
}

std::vector<hs3::Parameter> unbounded(const std::vector<double>& init) {
  std::vector<hs3::Parameter> parameters;
  for (std::size_t i = 0; i < init.size(); ++i) {
    parameters.push_back(parameter("x" + std::to_string(i), init[i]));
  }
  return parameters;
}

// The classic problems are sums of squares, so errordef 1. The tolerance
// puts the EDM target at 2e-9; near a minimum f - fmin is about the EDM, so
// f ends below about 1e-8 and the minimum is located to about 1e-4.
hs3::FitOptions classicOptions(int strategy = 1) {
  hs3::FitOptions options;
  options.errordef = 1.0;
  options.tolerance = 1e-6;
  options.strategy = strategy;
  options.computeErrors = false;
  return options;
}

// Rosenbrock's function, extended to n/2 independent pairs (MGH problem
// 21): f = sum 100 (x2 - x1^2)^2 + (1 - x1)^2, minimum 0 at all ones.
TestObjective rosenbrock(std::size_t n) {
  return TestObjective(n, [n](const double* x, double* g) {
    double f = 0.0;
    for (std::size_t i = 0; i + 1 < n; i += 2) {
      const double valley = x[i + 1] - x[i] * x[i];
      const double offset = 1.0 - x[i];
      f += 100.0 * valley * valley + offset * offset;
      g[i] = -400.0 * x[i] * valley - 2.0 * offset;
      g[i + 1] = 200.0 * valley;
    }
    return f;
  });
}

std::vector<double> rosenbrockStart(std::size_t n) {
  std::vector<double> start(n);
  for (std::size_t i = 0; i < n; ++i) start[i] = i % 2 == 0 ? -1.2 : 1.0;
  return start;
}

// f(mu) = mu - 5 ln mu, the NLL of n = 5 observed events with mean mu up to
// a constant: minimum at mu = 5, f'' = 5 / mu^2 = 0.2 there.
TestObjective poisson() {
  return TestObjective(1, [](const double* x, double* g) {
    g[0] = 1.0 - 5.0 / x[0];
    return x[0] - 5.0 * std::log(x[0]);
  });
}

// An NLL (errordef 0.5) with the EDM target at 1e-9, so that mu ends within
// sqrt(2 EDM / f'') = 1e-4 of 5; the default target 1e-4 allows 3e-2.
hs3::FitOptions poissonOptions() {
  hs3::FitOptions options;
  options.tolerance = 1e-6;
  return options;
}

}  // namespace

TEST_CASE("Rosenbrock in 2 dimensions reaches 0 at (1, 1)", "[minimizer]") {
  for (int strategy = 0; strategy <= 2; ++strategy) {
    TestObjective objective = rosenbrock(2);
    const hs3::FitResult r = hs3::minimize(
        objective, unbounded(rosenbrockStart(2)), classicOptions(strategy));
    INFO("strategy " << strategy << ": " << r.message());
    CHECK(r.status == hs3::FitStatus::kConverged);
    CHECK(r.minValue < 1e-8);
    CHECK(r.values[0] == Approx(1.0).margin(1e-4));
    CHECK(r.values[1] == Approx(1.0).margin(2e-4));
    CHECK(r.edm < r.edmTarget);
    CHECK(r.calls == objective.evaluations());
    CHECK(r.calls <= r.callLimit);
  }
}

TEST_CASE("Rosenbrock in 20 dimensions reaches 0 at all ones", "[minimizer]") {
  TestObjective objective = rosenbrock(20);
  const hs3::FitResult r = hs3::minimize(
      objective, unbounded(rosenbrockStart(20)), classicOptions());
  INFO(r.message());
  CHECK(r.status == hs3::FitStatus::kConverged);
  CHECK(r.minValue < 1e-8);
  for (double x : r.values) CHECK(x == Approx(1.0).margin(5e-4));
}

TEST_CASE("Powell's singular function reaches 0 at 0", "[minimizer]") {
  // MGH problem 13. The Hessian is singular at the minimum, so f falls only
  // as the fourth power of the distance there: f ~ 1e-9 means x ~ 1e-2.
  TestObjective objective(4, [](const double* x, double* g) {
    const double a = x[0] + 10.0 * x[1];
    const double b = x[2] - x[3];
    const double c = x[1] - 2.0 * x[2];
    const double d = x[0] - x[3];
    g[0] = 2.0 * a + 40.0 * d * d * d;
    g[1] = 20.0 * a + 4.0 * c * c * c;
    g[2] = 10.0 * b - 8.0 * c * c * c;
    g[3] = -10.0 * b - 40.0 * d * d * d;
    return a * a + 5.0 * b * b + c * c * c * c + 10.0 * d * d * d * d;
  });
  const hs3::FitResult r = hs3::minimize(
      objective, unbounded({3.0, -1.0, 0.0, 1.0}), classicOptions());
  INFO(r.message());
  CHECK(r.status == hs3::FitStatus::kConverged);
  CHECK(r.minValue < 1e-8);
  for (double x : r.values) CHECK(std::abs(x) < 2e-2);
}

TEST_CASE("Wood's function reaches 0 at (1, 1, 1, 1)", "[minimizer]") {
  // MGH problem 14, started at (-3, -1, -3, -1); it has a saddle near
  // (-1, 1, -1, 1) that a descent method must not stop at.
  TestObjective objective(4, [](const double* x, double* g) {
    const double v1 = x[1] - x[0] * x[0];
    const double v2 = x[3] - x[2] * x[2];
    g[0] = -400.0 * x[0] * v1 - 2.0 * (1.0 - x[0]);
    g[1] = 200.0 * v1 + 20.2 * (x[1] - 1.0) + 19.8 * (x[3] - 1.0);
    g[2] = -360.0 * x[2] * v2 - 2.0 * (1.0 - x[2]);
    g[3] = 180.0 * v2 + 20.2 * (x[3] - 1.0) + 19.8 * (x[1] - 1.0);
    return 100.0 * v1 * v1 + (1.0 - x[0]) * (1.0 - x[0]) + 90.0 * v2 * v2 +
           (1.0 - x[2]) * (1.0 - x[2]) +
           10.1 * ((x[1] - 1.0) * (x[1] - 1.0) + (x[3] - 1.0) * (x[3] - 1.0)) +
           19.8 * (x[1] - 1.0) * (x[3] - 1.0);
  });
  const hs3::FitResult r = hs3::minimize(
      objective, unbounded({-3.0, -1.0, -3.0, -1.0}), classicOptions());
  INFO(r.message());
  CHECK(r.status == hs3::FitStatus::kConverged);
  CHECK(r.minValue < 1e-8);
  for (double x : r.values) CHECK(x == Approx(1.0).margin(2e-4));
}

TEST_CASE("Beale's function reaches 0 at (3, 0.5)", "[minimizer]") {
  // MGH problem 5, started at (1, 1).
  TestObjective objective(2, [](const double* x, double* g) {
    const double y = x[1];
    const double t1 = 1.5 - x[0] + x[0] * y;
    const double t2 = 2.25 - x[0] + x[0] * y * y;
    const double t3 = 2.625 - x[0] + x[0] * y * y * y;
    g[0] = 2.0 * (t1 * (y - 1.0) + t2 * (y * y - 1.0) + t3 * (y * y * y - 1.0));
    g[1] = 2.0 * x[0] * (t1 + 2.0 * y * t2 + 3.0 * y * y * t3);
    return t1 * t1 + t2 * t2 + t3 * t3;
  });
  const hs3::FitResult r =
      hs3::minimize(objective, unbounded({1.0, 1.0}), classicOptions());
  INFO(r.message());
  CHECK(r.status == hs3::FitStatus::kConverged);
  CHECK(r.minValue < 1e-8);
  CHECK(r.values[0] == Approx(3.0).margin(1e-4));
  CHECK(r.values[1] == Approx(0.5).margin(1e-4));
}

TEST_CASE("a minimum on the bounds is found, flagged and explained",
          "[minimizer]") {
  // f = (x - 2)^2 + (y + 1)^2 + (z + 1)^2 wants x = 2, y = -1, z = -1, but
  // x is in [0, 1], y in [0, 5] and z >= 0: the constrained minimum is
  // x = 1, y = 0, z = 0 with f = 1 + 1 + 1 = 3.
  TestObjective objective(3, [](const double* x, double* g) {
    g[0] = 2.0 * (x[0] - 2.0);
    g[1] = 2.0 * (x[1] + 1.0);
    g[2] = 2.0 * (x[2] + 1.0);
    return (x[0] - 2.0) * (x[0] - 2.0) + (x[1] + 1.0) * (x[1] + 1.0) +
           (x[2] + 1.0) * (x[2] + 1.0);
  });
  const std::vector<hs3::Parameter> parameters = {
      parameter("x", 0.5, 0.0, 1.0), parameter("y", 2.0, 0.0, 5.0),
      parameter("z", 3.0, 0.0, kInf)};
  hs3::FitOptions options;
  options.errordef = 1.0;
  const hs3::FitResult r = hs3::minimize(objective, parameters, options);
  INFO(r.message());

  CHECK(r.status == hs3::FitStatus::kConverged);
  CHECK(r.isValid());
  CHECK(r.values[0] == Approx(1.0).margin(1e-4));
  CHECK(r.values[1] == Approx(0.0).margin(5e-4));
  CHECK(r.values[2] == Approx(0.0).margin(1e-4));
  CHECK(r.minValue == Approx(3.0).epsilon(1e-3));
  REQUIRE(r.hasParametersAtBound());
  CHECK(r.atBound == std::vector<std::string>{"x", "y", "z"});
  CHECK(r.atBoundLimits == std::vector<double>{1.0, 0.0, 0.0});
  CHECK(r.message().find("x (bound 1), y (bound 0) and z (bound 0) are at "
                         "their bounds, so their errors are not Gaussian") !=
        std::string::npos);

  // Errors from the plain Hessian, H = 2 on the diagonal, one-sided
  // differences at the bounds: cov = 2 errordef / 2 = 1.
  for (double error : r.errors) CHECK(error == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("a start on a bound that f pulls away from leaves the bound",
          "[minimizer]") {
  // f = (x - 0.7)^2 started on a bound. The start is moved 1e-3 inside in
  // the internal variable, where the sine map leaves almost no gradient and
  // f(u) has a maximum: a small EDM there must not count as convergence.
  TestObjective objective(1, [](const double* x, double* g) {
    g[0] = 2.0 * (x[0] - 0.7);
    return (x[0] - 0.7) * (x[0] - 0.7);
  });
  hs3::FitOptions options;
  options.tolerance = 1e-6;
  for (int strategy = 0; strategy <= 2; ++strategy) {
    options.strategy = strategy;
    for (const hs3::Parameter& p :
         {parameter("x", 0.0, 0.0, 1.0), parameter("x", 1.0, 0.0, 1.0),
          parameter("x", 1.0, -kInf, 1.0), parameter("x", 0.0, 0.0, kInf)}) {
      const hs3::FitResult r = hs3::minimize(objective, {p}, options);
      INFO("strategy " << strategy << ", start " << p.init << ": "
                       << r.message());
      CHECK(r.status == hs3::FitStatus::kConverged);
      CHECK_FALSE(r.hasParametersAtBound());
      // EDM below 1e-9 and f'' = 2: within sqrt(2 * 1e-9 / 2) of 0.7.
      CHECK(r.values[0] == Approx(0.7).margin(1e-4));
    }
  }
}

TEST_CASE("the covariance of a quadratic is its inverse Hessian",
          "[minimizer]") {
  // f = c (x - m)^T A (x - m) / 2 with A = [[4, 1.2], [1.2, 1]] and
  // m = (1, -2). det A = 2.56, so A^-1 = [[1, -1.2], [-1.2, 4]] / 2.56:
  // errors sqrt(1 / 2.56) = 0.625 and sqrt(4 / 2.56) = 1.25, correlation
  // -1.2 / sqrt(4 * 1) = -0.6. With f an NLL (errordef 0.5, c = 1),
  // cov = 2 * 0.5 * A^-1 = A^-1; with f a chi-square (errordef 1, c = 2, the
  // same likelihood), cov = 2 * 1 * (2 A)^-1 = A^-1 again. With c = 1 and
  // errordef 1 the errors grow by sqrt(2).
  struct Case {
    double errordef;
    double scale;
    double factor;
  };
  for (const Case c : {Case{0.5, 1.0, 1.0}, Case{1.0, 2.0, 1.0},
                       Case{1.0, 1.0, std::sqrt(2.0)}}) {
    TestObjective objective(2, [c](const double* x, double* g) {
      const double dx = x[0] - 1.0;
      const double dy = x[1] + 2.0;
      g[0] = c.scale * (4.0 * dx + 1.2 * dy);
      g[1] = c.scale * (1.2 * dx + 1.0 * dy);
      return 0.5 * c.scale * (4.0 * dx * dx + 2.4 * dx * dy + dy * dy);
    });
    hs3::FitOptions options;
    options.errordef = c.errordef;
    const hs3::FitResult r =
        hs3::minimize(objective, unbounded({5.0, 5.0}), options);
    INFO("errordef " << c.errordef << ", scale " << c.scale << ": "
                     << r.message());

    CHECK(r.status == hs3::FitStatus::kConverged);
    CHECK_FALSE(r.hasParametersAtBound());
    CHECK(r.values[0] == Approx(1.0).margin(1e-4));
    CHECK(r.values[1] == Approx(-2.0).margin(1e-4));
    CHECK(r.errors[0] == Approx(0.625 * c.factor).epsilon(1e-7));
    CHECK(r.errors[1] == Approx(1.25 * c.factor).epsilon(1e-7));
    const double f2 = c.factor * c.factor;
    CHECK(r.covariance[0] == Approx(f2 / 2.56).epsilon(1e-7));
    CHECK(r.covariance[1] == Approx(-1.2 * f2 / 2.56).epsilon(1e-7));
    CHECK(r.covariance[2] == Approx(-1.2 * f2 / 2.56).epsilon(1e-7));
    CHECK(r.covariance[3] == Approx(4.0 * f2 / 2.56).epsilon(1e-7));
    CHECK(r.correlation[0] == Approx(1.0));
    CHECK(r.correlation[1] == Approx(-0.6).epsilon(1e-7));
    CHECK(r.correlation[2] == Approx(-0.6).epsilon(1e-7));
    CHECK(r.correlation[3] == Approx(1.0));
  }
}

TEST_CASE("curvatures 1e11 apart converge with exact errors", "[minimizer]") {
  // Like a real likelihood: x with curvature 1e10, y with curvature 1, and
  // a staterror-like gamma in [1e-10, 10] with the Poisson constraint
  // tau gamma - tau ln gamma, tau = 1.9e11 (minimum at gamma = 1, curvature
  // tau / gamma^2 = tau). As an NLL (errordef 0.5) cov = H^-1, so the errors
  // are 1e-5, 1 and 1 / sqrt(1.9e11) = 2.294e-6.
  const double tau = 1.9e11;
  TestObjective objective(3, [tau](const double* x, double* g) {
    g[0] = 1e10 * (x[0] - 1.0);
    g[1] = x[1] - 2.0;
    g[2] = tau - tau / x[2];
    return 0.5e10 * (x[0] - 1.0) * (x[0] - 1.0) +
           0.5 * (x[1] - 2.0) * (x[1] - 2.0) + tau * (x[2] - 1.0) -
           tau * std::log(x[2]);
  });
  const std::vector<hs3::Parameter> parameters = {
      parameter("x", 0.0), parameter("y", 0.0),
      parameter("gamma", 1.3, 1e-10, 10.0)};
  for (int strategy = 0; strategy <= 2; ++strategy) {
    hs3::FitOptions options;
    options.strategy = strategy;
    const hs3::FitResult r = hs3::minimize(objective, parameters, options);
    INFO("strategy " << strategy << ": " << r.message());

    CHECK(r.status == hs3::FitStatus::kConverged);
    CHECK(r.values[0] == Approx(1.0).margin(1e-7));
    CHECK(r.values[1] == Approx(2.0).margin(1e-2));
    CHECK(r.values[2] == Approx(1.0).margin(1e-8));
    CHECK(r.errors[0] == Approx(1e-5).epsilon(1e-6));
    CHECK(r.errors[1] == Approx(1.0).epsilon(1e-6));
    CHECK(r.errors[2] == Approx(1.0 / std::sqrt(tau)).epsilon(1e-4));
  }
}

TEST_CASE("fixed parameters keep their values and get no errors",
          "[minimizer]") {
  // f = (x - 1)^2 + (y - 2)^2 + x y with y fixed at 5: df/dx =
  // 2 (x - 1) + 5 = 0 gives x = -1.5; d2f/dx2 = 2, so with errordef 1 the
  // error of x is sqrt(2 * 1 / 2) = 1.
  TestObjective objective(2, [](const double* x, double* g) {
    g[0] = 2.0 * (x[0] - 1.0) + x[1];
    g[1] = 2.0 * (x[1] - 2.0) + x[0];
    return (x[0] - 1.0) * (x[0] - 1.0) + (x[1] - 2.0) * (x[1] - 2.0) +
           x[0] * x[1];
  });
  std::vector<hs3::Parameter> parameters = unbounded({0.0, 5.0});
  parameters[1].fixed = true;
  hs3::FitOptions options;
  options.errordef = 1.0;
  const hs3::FitResult r = hs3::minimize(objective, parameters, options);
  INFO(r.message());

  CHECK(r.status == hs3::FitStatus::kConverged);
  CHECK(r.values[0] == Approx(-1.5).margin(1e-4));
  CHECK(r.values[1] == 5.0);
  CHECK(r.errors[0] == Approx(1.0).epsilon(1e-7));
  CHECK(r.errors[1] == 0.0);
  CHECK(r.covariance[1] == 0.0);
  CHECK(r.covariance[2] == 0.0);
  CHECK(r.covariance[3] == 0.0);
  CHECK(r.correlation[3] == 0.0);
  // One free parameter: Minuit's default limit 200 + 100 + 5.
  CHECK(r.callLimit == 305);
}

TEST_CASE("a singular Hessian is made positive-definite and flagged",
          "[minimizer]") {
  // f = (x + y - 1)^2 fixes only x + y: its Hessian [[2, 2], [2, 2]] is
  // singular. Minuit's MnPosDef raises the diagonal by 1e-3 of the largest
  // eigenvalue 2 of [[1, 1], [1, 1]], i.e. multiplies it by 1.002: with
  // H = 2 [[1.002, 1], [1, 1.002]] the covariance 2 H^-1 is
  // [[1.002, -1], [-1, 1.002]] / (1.002^2 - 1), so the errors are
  // sqrt(1.002 / 0.004004) = 15.82 and the correlation -1 / 1.002.
  TestObjective objective(2, [](const double* x, double* g) {
    const double r = x[0] + x[1] - 1.0;
    g[0] = 2.0 * r;
    g[1] = 2.0 * r;
    return r * r;
  });
  hs3::FitOptions options;
  options.errordef = 1.0;
  // The fit warns about the Hessian, as it should; keep the test output
  // quiet.
  const hs3::log::Level level = hs3::log::level();
  hs3::log::setLevel(hs3::log::Level::kError);
  const hs3::FitResult r =
      hs3::minimize(objective, unbounded({3.0, 2.0}), options);
  hs3::log::setLevel(level);
  INFO(r.message());
  CHECK(r.status == hs3::FitStatus::kCovarianceForcedPosDef);
  CHECK(r.isValid());
  CHECK(r.values[0] + r.values[1] == Approx(1.0).margin(1e-4));
  CHECK(r.errors[0] == Approx(std::sqrt(1.002 / 0.004004)).epsilon(1e-6));
  CHECK(r.correlation[1] == Approx(-1.0 / 1.002).epsilon(1e-6));
  CHECK(r.message().rfind("Converged with approximate errors: EDM ", 0) == 0);
  CHECK(std::string(hs3::fitStatusName(r.status)) ==
        "covariance_forced_pos_def");
}

TEST_CASE("bad parameters and options throw hs3::Error", "[minimizer]") {
  TestObjective objective(2, [](const double* x, double* g) {
    g[0] = 2.0 * x[0];
    g[1] = 2.0 * x[1];
    return x[0] * x[0] + x[1] * x[1];
  });
  auto codeOf = [&](const std::vector<hs3::Parameter>& parameters,
                    const hs3::FitOptions& options) {
    try {
      hs3::minimize(objective, parameters, options);
    } catch (const hs3::Error& e) {
      INFO(e.what());
      CHECK(e.path().empty());
      return std::make_pair(e.code(), e.message());
    }
    return std::make_pair(hs3::ErrorCode::kParse, std::string("no throw"));
  };
  const hs3::FitOptions options;

  const auto outside =
      codeOf({parameter("mu", 12.0, 0.0, 10.0), parameter("b", 0.0)}, options);
  CHECK(outside.first == hs3::ErrorCode::kInvalidArgument);
  CHECK(outside.second ==
        "parameter 'mu' starts at 12, outside its bounds "
        "[0, 10]");

  const auto inverted =
      codeOf({parameter("mu", 1.0, 5.0, 1.0), parameter("b", 0.0)}, options);
  CHECK(inverted.first == hs3::ErrorCode::kInvalidArgument);
  CHECK(inverted.second.find("'mu' has bounds [5, 1]") != std::string::npos);

  // A fixed parameter needs no bounds at all.
  std::vector<hs3::Parameter> fixed = {parameter("mu", 3.0, 0.0, 0.0),
                                       parameter("b", 1.0)};
  fixed[0].fixed = true;
  CHECK_NOTHROW(hs3::minimize(objective, fixed, options));

  hs3::FitOptions minos;
  minos.minos = {"sigma"};
  const auto unknown =
      codeOf({parameter("mu", 1.0), parameter("b", 0.0)}, minos);
  CHECK(unknown.first == hs3::ErrorCode::kInvalidArgument);
  CHECK(unknown.second.find("'sigma'") != std::string::npos);
  CHECK(unknown.second.find("valid names are mu, b") != std::string::npos);

  CHECK(codeOf({parameter("mu", 1.0)}, options).first ==
        hs3::ErrorCode::kInvalidArgument);
}

TEST_CASE("MINOS finds the analytic crossings of a Poisson likelihood",
          "[minimizer][minos]") {
  // f'' = 0.2 at the minimum, so the Hessian error is sqrt(1 / 0.2) =
  // sqrt(5) (errordef 0.5).
  // With r = mu / 5, f - fmin = 5 (r - ln r - 1), and f - fmin = 0.5 where
  // r - ln r = 1.1: about r = 0.617 and 1.516, found here by bisection.
  TestObjective objective = poisson();
  auto crossing = [](double lo, double hi) {
    auto excess = [](double r) { return r - std::log(r) - 1.1; };
    for (int i = 0; i < 200; ++i) {
      const double mid = 0.5 * (lo + hi);
      if ((excess(lo) < 0.0) == (excess(mid) < 0.0)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 5.0 * 0.5 * (lo + hi);
  };
  const double lower = crossing(0.1, 1.0);
  const double upper = crossing(1.0, 3.0);
  REQUIRE(lower == Approx(3.0841).epsilon(1e-4));
  REQUIRE(upper == Approx(7.5811).epsilon(1e-4));

  hs3::FitOptions options = poissonOptions();
  options.minos = {"mu"};
  const hs3::FitResult r =
      hs3::minimize(objective, {parameter("mu", 1.0, 1e-6, 50.0)}, options);
  INFO(r.message());
  CHECK(r.status == hs3::FitStatus::kConverged);
  CHECK(r.values[0] == Approx(5.0).margin(1e-4));
  CHECK(r.errors[0] == Approx(std::sqrt(5.0)).epsilon(1e-4));
  REQUIRE(r.minos.size() == 1);
  const hs3::MinosInterval& interval = r.minos[0];
  CHECK(interval.name == "mu");
  CHECK(interval.lowerValid);
  CHECK(interval.upperValid);
  // The crossings are found where f is within 1e-3 * errordef of
  // fmin + errordef; f' is 0.62 and 0.34 there, so to about 2e-3.
  CHECK(r.values[0] + interval.lower == Approx(lower).margin(2e-3));
  CHECK(r.values[0] + interval.upper == Approx(upper).margin(2e-3));
}

TEST_CASE("MINOS reports a crossing beyond a bound as invalid",
          "[minimizer][minos]") {
  // The same Poisson likelihood with mu >= 4: the lower crossing 3.08 lies
  // beyond the bound, so the lower end is the bound itself, 4 - 5 = -1.
  TestObjective objective = poisson();
  hs3::FitOptions options = poissonOptions();
  options.minos = {"mu"};
  const hs3::FitResult r =
      hs3::minimize(objective, {parameter("mu", 6.0, 4.0, 50.0)}, options);
  INFO(r.message());
  REQUIRE(r.minos.size() == 1);
  CHECK_FALSE(r.minos[0].lowerValid);
  CHECK(r.minos[0].lower == Approx(-1.0).margin(1e-4));
  CHECK(r.values[0] + r.minos[0].lower == 4.0);
  CHECK(r.minos[0].upperValid);
  CHECK(r.values[0] + r.minos[0].upper == Approx(7.5811).margin(2e-3));
}

TEST_CASE("MINOS on a correlated quadratic equals the Hessian errors",
          "[minimizer][minos]") {
  // For a quadratic the profile is a parabola whose width is the Hessian
  // error, which includes the correlation: with A = [[4, 1.2], [1.2, 1]]
  // (see above) the errors are 0.625 and 1.25, while fixing the other
  // parameter would give 0.5 and 1.
  TestObjective objective(2, [](const double* x, double* g) {
    const double dx = x[0] - 1.0;
    const double dy = x[1] + 2.0;
    g[0] = 4.0 * dx + 1.2 * dy;
    g[1] = 1.2 * dx + dy;
    return 0.5 * (4.0 * dx * dx + 2.4 * dx * dy + dy * dy);
  });
  hs3::FitOptions options;
  options.minos = {"x1", "x0"};
  const hs3::FitResult r =
      hs3::minimize(objective, unbounded({0.0, 0.0}), options);
  INFO(r.message());
  REQUIRE(r.minos.size() == 2);
  CHECK(r.minos[0].name == "x1");
  CHECK(r.minos[0].lower == Approx(-1.25).epsilon(2e-3));
  CHECK(r.minos[0].upper == Approx(1.25).epsilon(2e-3));
  CHECK(r.minos[1].name == "x0");
  CHECK(r.minos[1].lower == Approx(-0.625).epsilon(2e-3));
  CHECK(r.minos[1].upper == Approx(0.625).epsilon(2e-3));
  CHECK(r.minos[0].lowerValid);
  CHECK(r.minos[0].upperValid);
  CHECK(r.calls == objective.evaluations());
}

TEST_CASE("the call limit stops the fit with kCallLimit", "[minimizer]") {
  TestObjective objective = rosenbrock(2);
  hs3::FitOptions options = classicOptions();
  options.maxCalls = 10;
  const hs3::FitResult r =
      hs3::minimize(objective, unbounded(rosenbrockStart(2)), options);
  CHECK(r.status == hs3::FitStatus::kCallLimit);
  CHECK_FALSE(r.isValid());
  CHECK(r.callLimit == 10);
  CHECK(r.calls <= 10);
  CHECK(r.edm > r.edmTarget);
  CHECK(r.message().rfind("Stopped at the call limit of 10 with EDM", 0) == 0);
  CHECK(std::string(hs3::fitStatusName(r.status)) == "call_limit");

  // Two free parameters: Minuit's default limit 200 + 100 * 2 + 5 * 2^2.
  const hs3::FitResult full =
      hs3::minimize(objective, unbounded(rosenbrockStart(2)));
  CHECK(full.callLimit == 420);
}

TEST_CASE("NaN beyond the physical region only shortens the step",
          "[minimizer]") {
  // f(mu) = mu - 5 ln mu without a bound: any step to mu <= 0 gives NaN
  // or infinity, which the line search must treat as "too far".
  TestObjective objective = poisson();
  const hs3::FitResult r =
      hs3::minimize(objective, {parameter("mu", 0.05)}, poissonOptions());
  INFO(r.message());
  CHECK(r.status == hs3::FitStatus::kConverged);
  CHECK(r.values[0] == Approx(5.0).margin(1e-4));

  const hs3::FitResult bad = hs3::minimize(objective, {parameter("mu", -1.0)});
  CHECK(bad.status == hs3::FitStatus::kFailed);
  CHECK(bad.message().rfind("Failed: the objective is NaN or infinite", 0) ==
        0);
}

TEST_CASE("the message reads as one sentence with the numbers", "[minimizer]") {
  TestObjective objective = poisson();
  // Allowed only up to 3, the Poisson mean 5 is out of reach: mu stops at
  // its upper bound.
  const hs3::FitResult r =
      hs3::minimize(objective, {parameter("mu", 1.0, 0.5, 3.0)});
  CHECK(r.status == hs3::FitStatus::kConverged);
  const std::string text = r.message();
  INFO(text);
  CHECK(text.rfind("Converged: EDM ", 0) == 0);
  CHECK(text.find(" below target 1.0e-04 after ") != std::string::npos);
  CHECK(text.find("calls (limit 305); mu is at its bound 3, so its error "
                  "is not Gaussian.") != std::string::npos);
  CHECK(std::string(hs3::fitStatusName(hs3::FitStatus::kConverged)) ==
        "converged");
}
