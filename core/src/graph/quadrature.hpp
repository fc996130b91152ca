// Adaptive cubature for the normalisation integrals that have no closed
// form: the integral of exp(log f) over a box of one to three observables.
//
// The integrand is a Program of its own whose observables are slices of its
// data vector, so that it can be evaluated at any points: a batch of cells
// at a time, each cell sampled by the tensor product of the 15-point
// Gauss-Kronrod rule. Cells whose Kronrod and embedded 7-point Gauss results
// differ most are halved until the sum of those differences is below a
// relative tolerance. Every evaluation starts again from the same initial
// cells, so the integral is a function of the parameters alone, not of the
// order in which they were visited.
//
// The gradient is that of the final cubature sum: the integrand's reverse
// sweep on the final cells, weighted by the rule. It is exact for the
// approximation the value used.
#pragma once

#include <cstddef>
#include <vector>

#include "graph/program.hpp"

namespace hs3::graph {

struct Quadrature {
  Program integrand;
  NodeId logF = kNoNode;      // per point of a batch, or one scalar
  std::vector<double> lower;  // the box, per observable
  std::vector<double> upper;

  std::size_t dimensions() const { return lower.size(); }
  // Points of one cell: 15^dimensions.
  std::size_t pointsPerCell() const;
  // Cells evaluated together in one sweep of the integrand.
  std::size_t cellsPerBatch() const;
  // Length of the integrand's vectors, and of each observable's data slice.
  std::size_t batchLength() const { return pointsPerCell() * cellsPerBatch(); }
};

// The state of one quadrature in one Tape: the integrand's own tape and the
// cells of the last evaluation.
class QuadratureRun {
 public:
  explicit QuadratureRun(const Quadrature& quadrature);

  // log of the integral at parameters x.
  double logIntegral(const double* x);
  // Adds seed * d logIntegral / dx at the parameters of the last call.
  void addGradient(double seed, double* grad);

 private:
  struct Cell {
    std::vector<double> lower;
    std::vector<double> upper;
    double kronrod = 0.0;  // scaled by exp(-shift_)
    double error = 0.0;
  };
  // Samples the integrand on cells [first, first + count) into logF_.
  void sample(std::size_t first, std::size_t count);
  void estimate(std::size_t first, std::size_t count);
  // The volume factor of a cell's rule: the product of its half widths.
  double halfVolume(const Cell& cell) const;

  const Quadrature* quadrature_;
  Tape tape_;
  // The tensor rule on [-1, 1]^d: nodes (point-major) and weights.
  std::vector<double> ruleNodes_;
  std::vector<double> kronrodWeights_;
  std::vector<double> gaussWeights_;
  std::vector<double> x_;
  std::vector<double> points_;  // the integrand's data vector
  std::vector<double> logF_;    // per point of the last batch
  std::vector<Cell> cells_;
  double shift_ = 0.0;     // integrals are kept as exp(-shift) * value
  double integral_ = 0.0;  // scaled
  bool warned_ = false;
};

}  // namespace hs3::graph
