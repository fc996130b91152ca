// The adaptive cubature behind numerical normalisation, against integrals
// known in closed form.

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

#include "graph/program.hpp"
#include "graph/quadrature.hpp"

namespace {

using hs3::graph::NodeId;
using hs3::graph::Op;
using hs3::graph::Program;
using hs3::graph::Quadrature;
using hs3::graph::Tape;

// A program whose output is log of the integral of exp(logF(x; mu, sigma))
// over [lo, hi]^dimensions, logF = -sum_d (x_d - mu)^2 / (2 sigma^2).
struct GaussianIntegral {
  Program program;
  NodeId output;

  GaussianIntegral(std::size_t dimensions, double lo, double hi) {
    auto q = std::make_shared<Quadrature>();
    q->lower.assign(dimensions, lo);
    q->upper.assign(dimensions, hi);
    Program& f = q->integrand;
    const std::size_t n = q->batchLength();
    const NodeId mu = f.parameter(0);
    const NodeId sigma = f.parameter(1);
    NodeId sum = f.constant(0.0);
    for (std::size_t d = 0; d < dimensions; ++d) {
      const NodeId z =
          f.apply(Op::kDiv, {f.apply(Op::kSub, {f.data(d * n, n), mu}), sigma});
      sum = f.apply(Op::kAdd, {sum, f.apply(Op::kMul, {z, z})});
    }
    q->logF = f.apply(Op::kMul, {f.constant(-0.5), sum});
    output = program.quadrature(std::move(q),
                                {program.parameter(0), program.parameter(1)});
  }
};

// The same integral from the error function, per dimension.
double gaussianLogIntegral(std::size_t dimensions, double lo, double hi,
                           double mu, double sigma) {
  const double s = sigma * std::sqrt(2.0);
  const double one = sigma * std::sqrt(M_PI / 2) *
                     (std::erf((hi - mu) / s) - std::erf((lo - mu) / s));
  return dimensions * std::log(one);
}

}  // namespace

TEST_CASE("the Kronrod rule integrates polynomials of degree 22 exactly",
          "[quadrature]") {
  // x^k on [0, 1]: 1 / (k + 1); the rule sees [0, 1] as 16 cells, so this
  // checks the nodes and weights through the whole pipeline.
  for (int k : {0, 1, 5, 14, 22}) {
    auto q = std::make_shared<Quadrature>();
    q->lower = {0.0};
    q->upper = {1.0};
    Program& f = q->integrand;
    const std::size_t n = q->batchLength();
    q->logF = f.apply(Op::kMul, {f.constant(static_cast<double>(k)),
                                 f.apply(Op::kLog, {f.data(0, n)})});
    Program p;
    const NodeId out = p.quadrature(std::move(q), {});
    Tape tape(p);
    tape.forward(nullptr, nullptr);
    CHECK(std::exp(tape.value(out)) == Approx(1.0 / (k + 1)).epsilon(1e-14));
  }
}

TEST_CASE("adaptive cubature matches the error function in 1 to 3 dimensions",
          "[quadrature]") {
  for (std::size_t dims : {1u, 2u, 3u}) {
    GaussianIntegral g(dims, -10.0, 30.0);
    Tape tape(g.program);
    // Peaks down to 1/800 of the range (1/200 in three dimensions, where
    // the cell budget is smaller).
    const double narrowest = dims == 3 ? 0.2 : 0.05;
    for (double sigma : {narrowest, 1.0, 7.0}) {
      const double x[2] = {0.3, sigma};
      tape.forward(x, nullptr);
      const double expected = gaussianLogIntegral(dims, -10, 30, 0.3, sigma);
      INFO("dimensions " << dims << ", sigma " << sigma);
      CHECK(tape.value(g.output) == Approx(expected).epsilon(1e-10));

      // d/dmu and d/dsigma of the log integral, by central differences of
      // the closed form.
      double grad[2] = {0.0, 0.0};
      tape.gradient({g.output}, {1.0}, grad);
      const double h = 1e-6;
      const double dMu = (gaussianLogIntegral(dims, -10, 30, 0.3 + h, sigma) -
                          gaussianLogIntegral(dims, -10, 30, 0.3 - h, sigma)) /
                         (2 * h);
      const double dSigma =
          (gaussianLogIntegral(dims, -10, 30, 0.3, sigma + h) -
           gaussianLogIntegral(dims, -10, 30, 0.3, sigma - h)) /
          (2 * h);
      CHECK(grad[0] == Approx(dMu).margin(1e-6));
      CHECK(grad[1] == Approx(dSigma).epsilon(1e-6));
    }
  }
}
