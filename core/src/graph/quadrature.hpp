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
//
// EventQuadrature is the same rule for integrals that depend on the event:
// log of the integral over the box of f(x_i, y) dy for each event i, where
// x_i are observables bound per event (data columns, or the points of an
// outer quadrature) that the integrand reads from further slices of its data
// vector. All events share one set of cells, refined where the event worst
// served by it needs it, so that the rule is a fixed one per evaluation and
// the gradient again that of the sum the value used.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "graph/program.hpp"

namespace hs3::graph {

struct Quadrature {
  Program integrand;
  NodeId logF = kNoNode;      // per point of a batch, or one scalar
  std::vector<double> lower;  // the box, per observable
  std::vector<double> upper;
  std::string where;  // the JSON path of what is integrated, for messages

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

struct EventQuadrature {
  Program integrand;
  NodeId logF = kNoNode;      // per point of a batch, or one scalar
  std::vector<double> lower;  // the box, per integrated variable
  std::vector<double> upper;
  std::string where;  // the JSON path of what is integrated, for messages
  // Observables read per event: data slices after the integrated
  // variables' ones, and the first operands of the graph's node.
  std::size_t conditions = 0;

  std::size_t dimensions() const { return lower.size(); }
  std::size_t pointsPerCell() const;
  // (event, cell) pairs evaluated together in one sweep of the integrand.
  std::size_t pairsPerBatch() const;
  // Length of the integrand's vectors, and of each of its data slices.
  std::size_t batchLength() const { return pointsPerCell() * pairsPerBatch(); }
};

// The state of one event quadrature in one Tape.
//
// Accuracy: every event is held to the scalar quadrature's tolerance, the
// sum of its Kronrod-Gauss differences below 1e-10 of its integral; only
// at the cap on cells (128, 64 and 32 in 1, 2 and 3 dimensions) does an
// event stay above it, with one warning. Cost: the cells start as a grid
// of 16 (8 in 3 dimensions) and grow by halving, so an evaluation samples
// at most 2 * cap - initial cells of 15^dimensions points per event (3600
// points in 1 dimension), a smooth density in 1 dimension usually the 240
// of the grid; the gradient samples the final cells once more. It keeps
// two numbers per event and cell.
class EventQuadratureRun {
 public:
  explicit EventQuadratureRun(const EventQuadrature& quadrature);

  // out[i] = log of the integral for event i of `events`, at parameters x.
  // observables[k][i * strides[k]] is the k-th condition at event i.
  void logIntegrals(const double* x,
                    const std::vector<const double*>& observables,
                    const std::vector<std::size_t>& strides, std::size_t events,
                    double* out);
  // Adds sum_i seeds[i] * d out[i] / dx at the parameters and observables of
  // the last call. The observables are data: no gradient flows to them.
  void addGradient(const double* seeds, double* grad);

 private:
  struct Cell {
    std::vector<double> lower;
    std::vector<double> upper;
    std::vector<double> kronrod;  // per event, scaled by exp(-shifts_[i])
    std::vector<double> error;
  };
  struct Pair {
    std::size_t cell;
    std::size_t event;
  };
  // Samples the integrand on `pairs` into logF_.
  void sample(const std::vector<Pair>& pairs);
  // Adds the rule's sums of the cells [first, end) for every event.
  void estimate(std::size_t first);

  const EventQuadrature* quadrature_;
  Tape tape_;
  std::vector<double> ruleNodes_;
  std::vector<double> kronrodWeights_;
  std::vector<double> gaussWeights_;
  std::vector<double> x_;
  std::size_t events_ = 0;
  std::vector<double> conditions_;  // condition-major, events_ each
  std::vector<double> points_;
  std::vector<double> logF_;
  std::vector<Cell> cells_;
  std::vector<double> shifts_;     // per event
  std::vector<double> integrals_;  // per event, scaled
  bool warned_ = false;
};

}  // namespace hs3::graph
