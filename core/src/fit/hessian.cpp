#include "fit/hessian.hpp"

#include <algorithm>
#include <cmath>

namespace hs3::fit {

namespace {

// Below this ratio of smallest to largest eigenvalue (of the matrix scaled
// to unit diagonal) a matrix counts as not positive-definite; Minuit's value.
constexpr double kPosDefEpsilon = 1e-6;
// Finite-difference step as a fraction of the parameter's error: small
// enough that the third and fourth derivatives of a Poisson likelihood
// change the curvature by about 1e-4 / n, large enough that rounding in the
// gradient stays far below that.
constexpr double kStepFraction = 0.01;
// Smallest step relative to 1 + |x|, so that x + h differs from x.
constexpr double kMinRelativeStep = 1e-9;
// Attempts with a ten times smaller step when the gradient is not finite.
constexpr int kShrinkAttempts = 4;

// Buffers for the gradients of one Hessian column.
struct ColumnWork {
  std::vector<double> point;
  std::vector<double> gradient0;
  std::vector<double> gradient1;
  std::vector<double> gradient2;
};

// Column k of the Hessian: the derivative of the gradient as free parameter
// k moves by about h. Uses the points x + h and x - h, or, where one of them
// lies beyond a bound, x + h and x + 2h on the open side; the three-point
// formula for unequal offsets d1, d2 covers all three cases.
bool hessianColumn(FitProblem& problem, ColumnWork& work, std::size_t k,
                   double h, Eigen::VectorXd& column) {
  const std::size_t i = problem.freeIndex(k);
  const ParameterTransform& transform = problem.transform(k);
  const double x0 = work.point[i];
  if (transform.kind() == ParameterTransform::Kind::kBoth) {
    h = std::min(h, 0.25 * (transform.upper() - transform.lower()));
  }

  for (int attempt = 0; attempt < kShrinkAttempts; ++attempt, h *= 0.1) {
    const bool upOpen = !(x0 + h > transform.upper());
    const bool downOpen = !(x0 - h < transform.lower());
    double offset1 = h;
    double offset2 = -h;
    if (!downOpen) {
      offset2 = 2.0 * h;
    } else if (!upOpen) {
      offset1 = -h;
      offset2 = -2.0 * h;
    }

    work.point[i] = x0 + offset1;
    const double d1 = work.point[i] - x0;
    const double f1 =
        problem.externalValueAndGradient(work.point, work.gradient1);
    work.point[i] = x0 + offset2;
    const double d2 = work.point[i] - x0;
    const double f2 =
        problem.externalValueAndGradient(work.point, work.gradient2);
    work.point[i] = x0;
    if (!std::isfinite(f1) || !std::isfinite(f2) || d1 == 0.0) continue;

    const double c0 = -(d1 + d2) / (d1 * d2);
    const double c1 = d2 / (d1 * (d2 - d1));
    const double c2 = -d1 / (d2 * (d2 - d1));
    for (std::size_t m = 0; m < problem.size(); ++m) {
      const std::size_t j = problem.freeIndex(m);
      column[m] = c0 * work.gradient0[j] + c1 * work.gradient1[j] +
                  c2 * work.gradient2[j];
    }
    if (column.allFinite()) return true;
  }
  return false;
}

}  // namespace

bool makePositiveDefinite(Eigen::MatrixXd& matrix) {
  const Eigen::Index n = matrix.rows();
  if (n == 0) return false;

  // A curvature that is not positive cannot be scaled to 1; its magnitude,
  // or 1 for a parameter f does not depend on, is the least bad guess.
  bool changed = false;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(matrix(i, i) > 0.0)) {
      matrix(i, i) = matrix(i, i) < 0.0 ? -matrix(i, i) : 1.0;
      changed = true;
    }
  }

  const Eigen::VectorXd scale = matrix.diagonal().cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd unit = scale.asDiagonal() * matrix * scale.asDiagonal();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(
      unit, Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) return changed;
  const double smallest = solver.eigenvalues()(0);
  const double largest = std::max(std::abs(solver.eigenvalues()(n - 1)), 1.0);
  if (smallest > kPosDefEpsilon * largest) return changed;

  const double add = 1e-3 * largest - smallest;
  matrix.diagonal() *= 1.0 + add;
  return true;
}

bool invertPositiveDefinite(const Eigen::MatrixXd& matrix,
                            Eigen::MatrixXd& inverse) {
  const Eigen::Index n = matrix.rows();
  if (!(matrix.diagonal().array() > 0.0).all()) return false;

  const Eigen::VectorXd scale = matrix.diagonal().cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd unit = scale.asDiagonal() * matrix * scale.asDiagonal();
  const Eigen::LLT<Eigen::MatrixXd> llt(unit);
  if (llt.info() != Eigen::Success) return false;
  inverse = scale.asDiagonal() * llt.solve(Eigen::MatrixXd::Identity(n, n)) *
            scale.asDiagonal();
  return inverse.allFinite();
}

bool externalHessian(FitProblem& problem, const std::vector<double>& x,
                     const Eigen::VectorXd& sigma, double errordef,
                     Eigen::MatrixXd& hessian) {
  const std::size_t n = problem.size();
  const std::size_t dimension = problem.dimension();
  ColumnWork work{x, std::vector<double>(dimension),
                  std::vector<double>(dimension),
                  std::vector<double>(dimension)};
  const double f0 = problem.externalValueAndGradient(x, work.gradient0);
  if (!std::isfinite(f0)) return false;

  hessian.resize(n, n);
  Eigen::VectorXd column(n);
  Eigen::VectorXd refined(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double scale = 1.0 + std::abs(x[problem.freeIndex(k)]);
    const double minStep = kMinRelativeStep * scale;
    double h = kStepFraction * sigma[k];
    if (!(std::isfinite(h) && h > 0.0)) h = 1e-4 * scale;
    h = std::max(h, minStep);
    if (!hessianColumn(problem, work, k, h, column)) return false;

    // The error guess comes from the minimizer's metric, which is poor for a
    // parameter at a bound (there dx/du -> 0); the column's own curvature
    // tells whether the step was far from a hundredth of the error.
    const double curvature = column[k];
    if (curvature > 0.0) {
      const double ideal = std::max(
          kStepFraction * std::sqrt(2.0 * errordef / curvature), minStep);
      if ((ideal < 0.1 * h || ideal > 10.0 * h) &&
          hessianColumn(problem, work, k, ideal, refined)) {
        column = refined;
      }
    }
    hessian.col(static_cast<Eigen::Index>(k)) = column;
  }

  const Eigen::MatrixXd transposed = hessian.transpose();
  hessian = 0.5 * (hessian + transposed);
  return hessian.allFinite();
}

}  // namespace hs3::fit
