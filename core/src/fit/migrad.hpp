// Variable-metric minimisation in the internal coordinates of a FitProblem,
// after Minuit's MIGRAD: a BFGS update of the inverse Hessian V (the
// "metric"), a line search along -V g, and the stopping rule
// EDM = g^T V g / 2 < edmTarget.
//
// The starting metric depends on the strategy, always from differences of
// the exact gradient: 0 and 1 take the curvature along each axis (1 refines
// a step that was far from the parameter's scale), 2 a full Hessian. With
// strategy 2, and with 1 when the updates have changed V a lot, the EDM is
// confirmed with a fresh full Hessian before the fit counts as converged.
// Once it is, a few more steps (about one call each) bring the EDM well
// below its target while they still lower f, since differences of fits
// need f to better than the target.
// When the line search makes no progress, the metric is rebuilt and the fit
// goes on, before it gives up. A small EDM where some curvature is negative
// (a start on a bound that f pulls away from, a saddle) is not accepted:
// the fit first tries a step downhill along that axis.
//
// All vectors and the metric are allocated once, in the constructor.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <limits>

#include "fit/fit_problem.hpp"

namespace hs3::fit {

struct MigradSettings {
  int strategy = 1;
  double errordef = 0.5;
  double edmTarget = 1e-4;
  std::size_t callLimit = 0;
};

enum class MigradEnd {
  kConverged,   // EDM below target
  kCallLimit,   // the calls ran out first
  kNoProgress,  // no lower point even after rebuilding the metric
  kNonFinite,   // f or its gradient is NaN or infinite at the start
};

class Migrad {
 public:
  Migrad(FitProblem& problem, const MigradSettings& settings);

  MigradEnd run();

  // The best point found, in internal coordinates, and f and EDM there.
  const Eigen::VectorXd& point() const { return u_; }
  double value() const { return f_; }
  double edm() const { return edm_; }
  // The inverse Hessian estimate in internal coordinates.
  const Eigen::MatrixXd& metric() const { return metric_; }
  std::size_t iterations() const { return iterations_; }

 private:
  // Weak Wolfe curvature constant of the line search, as usual for
  // quasi-Newton methods: a point where the slope has fallen to 90% of its
  // start is accepted, which keeps the BFGS update positive-definite.
  static constexpr double kWolfe = 0.9;

  bool hasCallsLeft() const;
  bool evaluate(const Eigen::VectorXd& u, double& f, Eigen::VectorXd& grad);
  void updateEdm();

  bool polish();
  bool seedMetric();
  bool rebuildMetric();
  bool diagonalMetric(bool refine);
  bool fullMetric();
  bool axisCurvature(std::size_t k, double h, double& curvature);
  double initialStep(std::size_t k) const;
  double usableStep(std::size_t k, double h) const;

  void noteCurvature(std::size_t k, double curvature);
  bool escapeRidge();
  bool lineSearch(double slope, double wolfe = kWolfe);
  void acceptAndUpdate();

  FitProblem& problem_;
  MigradSettings settings_;
  std::size_t n_;

  Eigen::VectorXd u_;
  Eigen::VectorXd grad_;
  double f_ = 0.0;
  double edm_ = 0.0;
  Eigen::MatrixXd metric_;
  bool hasMetric_ = false;
  // Minuit's measure of how much the updates have changed the metric since
  // it was last computed: 1 for a diagonal seed, 0 after a full Hessian.
  double dcovar_ = 1.0;
  // An axis along which f curves downwards at the current point (-1 if
  // none), and that curvature: a small EDM there means a ridge, not a
  // minimum.
  Eigen::Index ridgeAxis_ = -1;
  double ridgeCurvature_ = 0.0;
  std::size_t iterations_ = 0;
  int polishSteps_ = 0;
  double lastPolishGain_ = std::numeric_limits<double>::infinity();

  Eigen::VectorXd step_;
  Eigen::VectorXd uTrial_;
  Eigen::VectorXd gradTrial_;
  Eigen::VectorXd uBest_;
  Eigen::VectorXd gradBest_;
  double fBest_ = 0.0;
  Eigen::VectorXd deltaU_;
  Eigen::VectorXd deltaGrad_;
  Eigen::VectorXd metricTimes_;
  Eigen::VectorXd gradPlus_;
  Eigen::VectorXd gradMinus_;
  Eigen::MatrixXd hessian_;
};

}  // namespace hs3::fit
