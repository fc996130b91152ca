#include "fit/migrad.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fit/hessian.hpp"

namespace hs3::fit {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

// Line search: sufficient decrease (Armijo) constant as usual; the weak
// Wolfe constant is Migrad::kWolfe.
constexpr double kArmijo = 1e-4;
constexpr int kMaxTrials = 30;
constexpr int kMaxExpansions = 10;
// How often the metric may be rebuilt from a fresh Hessian in one fit.
constexpr int kMaxRebuilds = 5;
// Above this dcovar the metric counts as inaccurate (Minuit's threshold for
// running HESSE at the end of MIGRAD with strategy 1).
constexpr double kDcovarLimit = 0.05;
// Steps for the curvature estimates, as a fraction of the error that the
// metric implies.
constexpr double kMetricStepFraction = 0.05;
constexpr int kShrinkAttempts = 6;
// After convergence, up to this many further steps while each lowers f by
// more than this fraction of the EDM target, with this curvature constant.
constexpr int kPolishSteps = 10;
constexpr double kPolishFactor = 1e-3;
constexpr double kPolishWolfe = 0.1;
// Minuit's eps2 = 2 sqrt(machine epsilon): relative changes of f below it
// are lost to rounding in a typical likelihood.
constexpr double kMachineEdm = 2.98e-8;

// Minimum of the cubic that matches f and f' at a and b (Nocedal & Wright,
// eq. 3.59), or of the parabola through f(a), f'(a) and f(b) when the cubic
// has none; the caller keeps the result inside the bracket.
double interpolateMinimum(double a, double fa, double da, double b, double fb,
                          double db) {
  const double d1 = da + db - 3.0 * (fa - fb) / (a - b);
  const double discriminant = d1 * d1 - da * db;
  if (discriminant >= 0.0) {
    const double d2 = std::copysign(std::sqrt(discriminant), b - a);
    const double t = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
    if (std::isfinite(t)) return t;
  }
  const double width = b - a;
  const double curvature = fb - fa - da * width;
  if (curvature > 0.0) return a - da * width * width / (2.0 * curvature);
  return a + 0.5 * width;
}

}  // namespace

Migrad::Migrad(FitProblem& problem, const MigradSettings& settings)
    : problem_(problem), settings_(settings), n_(problem.size()) {
  const auto n = static_cast<Eigen::Index>(n_);
  u_.resize(n);
  grad_.resize(n);
  metric_.setZero(n, n);
  step_.resize(n);
  uTrial_.resize(n);
  gradTrial_.resize(n);
  uBest_.resize(n);
  gradBest_.resize(n);
  deltaU_.resize(n);
  deltaGrad_.resize(n);
  metricTimes_.resize(n);
  gradPlus_.resize(n);
  gradMinus_.resize(n);
  hessian_.resize(n, n);
}

bool Migrad::hasCallsLeft() const {
  return problem_.calls() < settings_.callLimit;
}

bool Migrad::evaluate(const Eigen::VectorXd& u, double& f,
                      Eigen::VectorXd& grad) {
  f = problem_.valueAndGradient(u, grad);
  return std::isfinite(f) && grad.allFinite();
}

void Migrad::updateEdm() {
  metricTimes_.noalias() = metric_ * grad_;
  edm_ = 0.5 * grad_.dot(metricTimes_);
}

MigradEnd Migrad::run() {
  u_ = problem_.internalStart();
  if (!hasCallsLeft()) return MigradEnd::kCallLimit;
  if (!evaluate(u_, f_, grad_)) return MigradEnd::kNonFinite;
  if (!seedMetric()) return MigradEnd::kCallLimit;

  const int strategy = settings_.strategy;
  int rebuilds = 0;
  bool progressSinceRebuild = true;
  bool freshHessian = strategy >= 2;
  for (;;) {
    if (edm_ >= 0.0 && edm_ < settings_.edmTarget) {
      if (ridgeAxis_ >= 0 && escapeRidge()) {
        ++iterations_;
        progressSinceRebuild = true;
        freshHessian = false;
        continue;
      }
      // A metric built up from a diagonal seed can underestimate the EDM;
      // Minuit confirms it with a true Hessian when asked to be careful.
      const bool confirm =
          !freshHessian && rebuilds < kMaxRebuilds &&
          (strategy >= 2 || (strategy == 1 && dcovar_ > kDcovarLimit));
      if (confirm && fullMetric()) {
        ++rebuilds;
        freshHessian = true;
        continue;
      }
      // A polishing step only lowers f further; it needs no new Hessian.
      if (!polish()) return MigradEnd::kConverged;
      ++iterations_;
      continue;
    }
    if (!hasCallsLeft()) return MigradEnd::kCallLimit;

    step_.noalias() = -metric_ * grad_;
    const double slope = step_.dot(grad_);
    if (slope < 0.0 && lineSearch(slope)) {
      acceptAndUpdate();
      ++iterations_;
      progressSinceRebuild = true;
      freshHessian = false;
      continue;
    }

    // No lower point along -V g (or V lost its positive-definiteness to
    // rounding): start again from a fresh metric, once per stretch of
    // progress.
    if (!hasCallsLeft()) return MigradEnd::kCallLimit;
    if (!progressSinceRebuild || rebuilds >= kMaxRebuilds) {
      // Minuit's verdict when f cannot be lowered any more: close enough if
      // the EDM is within ten times its target, or below what rounding of f
      // lets a line search resolve.
      const bool closeEnough =
          edm_ >= 0.0 && (edm_ < 10.0 * settings_.edmTarget ||
                          edm_ < kMachineEdm * std::abs(f_));
      return closeEnough ? MigradEnd::kConverged : MigradEnd::kNoProgress;
    }
    if (!rebuildMetric()) return MigradEnd::kCallLimit;
    ++rebuilds;
    progressSinceRebuild = false;
    freshHessian = strategy >= 1;
  }
}

bool Migrad::polish() {
  // The EDM target bounds f - fmin only to about 1e-4, and less where the
  // metric is poor: near a bound the sine map makes f quartic in u, and
  // each quasi-Newton step covers only a third of the way. Differences of
  // fits (the test statistics of CLs) need f to 1e-7, so go on while steps
  // still gain, each with a line search that goes on until the slope has
  // fallen to a tenth, which covers the whole way.
  if (polishSteps_ >= kPolishSteps || !hasCallsLeft() ||
      !(lastPolishGain_ > kPolishFactor * settings_.edmTarget)) {
    return false;
  }
  ++polishSteps_;
  step_.noalias() = -metric_ * grad_;
  const double slope = step_.dot(grad_);
  const double before = f_;
  if (!(slope < 0.0) || !lineSearch(slope, kPolishWolfe)) return false;
  acceptAndUpdate();
  lastPolishGain_ = before - f_;
  return true;
}

bool Migrad::seedMetric() {
  switch (settings_.strategy) {
    case 0:
      return diagonalMetric(false);
    case 1:
      return diagonalMetric(true);
    default:
      return diagonalMetric(true) && fullMetric();
  }
}

bool Migrad::rebuildMetric() {
  if (settings_.strategy == 0) return diagonalMetric(true);
  return fullMetric();
}

double Migrad::usableStep(std::size_t k, double h) const {
  const double scale = 1.0 + std::abs(u_[static_cast<Eigen::Index>(k)]);
  h = std::max(h, 1e-10 * scale);
  // A sine-mapped parameter repeats itself with period 2 pi in u.
  if (problem_.transform(k).kind() == ParameterTransform::Kind::kBoth) {
    h = std::min(h, 0.5);
  }
  return h;
}

double Migrad::initialStep(std::size_t k) const {
  const auto i = static_cast<Eigen::Index>(k);
  double h = 1e-3 * (1.0 + std::abs(u_[i]));
  if (hasMetric_ && metric_(i, i) > 0.0) {
    const double sigma = std::sqrt(2.0 * settings_.errordef * metric_(i, i));
    if (std::isfinite(sigma)) h = kMetricStepFraction * sigma;
  }
  return usableStep(k, h);
}

bool Migrad::axisCurvature(std::size_t k, double h, double& curvature) {
  const auto i = static_cast<Eigen::Index>(k);
  for (int attempt = 0; attempt < kShrinkAttempts; ++attempt) {
    if (!hasCallsLeft()) return false;
    uTrial_ = u_;
    uTrial_[i] += h;
    const double delta = uTrial_[i] - u_[i];
    double f = 0.0;
    if (delta != 0.0 && evaluate(uTrial_, f, gradTrial_)) {
      curvature = (gradTrial_[i] - grad_[i]) / delta;
      return true;
    }
    // NaN or infinity there: try the other side, then a smaller step.
    h = attempt % 2 == 0 ? -h : -0.1 * h;
  }
  curvature = std::numeric_limits<double>::quiet_NaN();
  return true;
}

bool Migrad::diagonalMetric(bool refine) {
  Eigen::VectorXd& curvatures = step_;
  ridgeAxis_ = -1;
  for (std::size_t k = 0; k < n_; ++k) {
    const double h = initialStep(k);
    double c = 0.0;
    if (!axisCurvature(k, h, c)) return false;

    // The first step knows nothing of the scale; on a Poisson-constrained
    // parameter with tau = 1e11 it is ten thousand errors long. Redo it
    // at a twentieth of the error the first curvature implies.
    if (refine && c > 0.0) {
      const double ideal = usableStep(
          k, kMetricStepFraction * std::sqrt(2.0 * settings_.errordef / c));
      double refined = 0.0;
      if (ideal < 0.1 * h || ideal > 10.0 * h) {
        if (!axisCurvature(k, ideal, refined)) return false;
        if (refined > 0.0) c = refined;
      }
    }

    noteCurvature(k, c);
    // Negative curvature (the start lies on a ridge) still gives a scale;
    // zero means f does not depend on the parameter here, so let it move by
    // a tenth of its size.
    if (!(c > 0.0)) {
      const double size =
          0.1 * (1.0 + std::abs(u_[static_cast<Eigen::Index>(k)]));
      c = std::isfinite(c) && c < 0.0
              ? -c
              : 2.0 * settings_.errordef / (size * size);
    }
    curvatures[static_cast<Eigen::Index>(k)] = c;
  }

  metric_.setZero();
  metric_.diagonal() = curvatures.cwiseInverse();
  hasMetric_ = true;
  dcovar_ = 1.0;
  updateEdm();
  return true;
}

bool Migrad::fullMetric() {
  ridgeAxis_ = -1;
  for (std::size_t k = 0; k < n_; ++k) {
    const auto i = static_cast<Eigen::Index>(k);
    double h = initialStep(k);
    bool done = false;
    for (int attempt = 0; attempt < kShrinkAttempts && !done; ++attempt) {
      if (problem_.calls() + 2 > settings_.callLimit) return false;
      uTrial_ = u_;
      uTrial_[i] = u_[i] + h;
      const double deltaPlus = uTrial_[i] - u_[i];
      double f = 0.0;
      const bool plusOk = evaluate(uTrial_, f, gradPlus_);
      uTrial_[i] = u_[i] - h;
      const double deltaMinus = uTrial_[i] - u_[i];
      const bool minusOk = evaluate(uTrial_, f, gradMinus_);
      if (plusOk && minusOk && deltaPlus != deltaMinus) {
        hessian_.col(i) = (gradPlus_ - gradMinus_) / (deltaPlus - deltaMinus);
        done = true;
      }
      h *= 0.1;
    }
    if (!done) {
      // The gradient is not finite anywhere near: keep what the old metric
      // knew about this parameter and nothing about its correlations.
      hessian_.col(i).setZero();
      hessian_(i, i) =
          hasMetric_ && metric_(i, i) > 0.0 ? 1.0 / metric_(i, i) : 1.0;
    }
    noteCurvature(k, hessian_(i, i));
  }

  for (Eigen::Index j = 0; j < hessian_.cols(); ++j) {
    for (Eigen::Index i = 0; i < j; ++i) {
      const double mean = 0.5 * (hessian_(i, j) + hessian_(j, i));
      hessian_(i, j) = mean;
      hessian_(j, i) = mean;
    }
  }
  makePositiveDefinite(hessian_);
  if (!invertPositiveDefinite(hessian_, metric_)) {
    metric_.setZero();
    metric_.diagonal() = hessian_.diagonal().cwiseAbs().cwiseInverse();
  }
  hasMetric_ = true;
  dcovar_ = 0.0;
  updateEdm();
  return true;
}

void Migrad::noteCurvature(std::size_t k, double curvature) {
  if (!(curvature < 0.0)) return;
  if (ridgeAxis_ < 0 || curvature < ridgeCurvature_) {
    ridgeAxis_ = static_cast<Eigen::Index>(k);
    ridgeCurvature_ = curvature;
  }
}

bool Migrad::escapeRidge() {
  // A start exactly on a bound is moved 1e-3 inside in u, where the sine
  // map makes the gradient tiny: if f pulls away from the bound, u sits
  // just off a maximum of f(u). One step of the size the curvature
  // suggests, downhill, and the line search's expansion leave it.
  const Eigen::Index k = ridgeAxis_;
  ridgeAxis_ = -1;
  const double size =
      usableStep(static_cast<std::size_t>(k),
                 std::sqrt(2.0 * settings_.errordef / -ridgeCurvature_));
  step_.setZero();
  step_[k] = grad_[k] > 0.0 ? -size : size;
  if (!lineSearch(step_.dot(grad_))) return false;
  acceptAndUpdate();
  return true;
}

bool Migrad::lineSearch(double slope, double wolfe) {
  // [alphaLo, alphaHi] brackets acceptable steps: alphaLo gives sufficient
  // decrease, alphaHi does not (or gives NaN), until a step also meets the
  // curvature condition.
  double alphaLo = 0.0;
  double fLo = f_;
  double slopeLo = slope;
  double alphaHi = kInfinity;
  double fHi = 0.0;
  double slopeHi = 0.0;
  bool hiFinite = false;
  bool found = false;
  fBest_ = f_;

  const double stepSize = step_.lpNorm<Eigen::Infinity>();
  const double pointSize = 1.0 + u_.lpNorm<Eigen::Infinity>();
  double alpha = 1.0;
  int expansions = 0;
  for (int trial = 0; trial < kMaxTrials && hasCallsLeft(); ++trial) {
    uTrial_.noalias() = u_ + alpha * step_;
    double f = 0.0;
    const bool finite = evaluate(uTrial_, f, gradTrial_);
    const double slopeHere = finite ? gradTrial_.dot(step_) : 0.0;
    if (!finite || !(f < f_) || f > f_ + kArmijo * alpha * slope) {
      alphaHi = alpha;
      fHi = f;
      slopeHi = slopeHere;
      hiFinite = finite;
    } else {
      const bool curvatureOk = slopeHere >= wolfe * slope;
      if (f < fBest_ || curvatureOk) {
        uBest_ = uTrial_;
        gradBest_ = gradTrial_;
        fBest_ = f;
        found = true;
      }
      if (curvatureOk) return true;
      alphaLo = alpha;
      fLo = f;
      slopeLo = slopeHere;
    }

    // Along a flat direction the full step is too short: expand.
    if (alphaHi == kInfinity) {
      if (++expansions > kMaxExpansions) break;
      alpha *= 4.0;
      continue;
    }

    const double width = alphaHi - alphaLo;
    if (width * stepSize <= 4.0 * kEpsilon * pointSize) break;
    // A NaN says only "too far", so shrink hard; otherwise interpolate.
    double next = alphaLo + 0.1 * width;
    if (hiFinite) {
      next = interpolateMinimum(alphaLo, fLo, slopeLo, alphaHi, fHi, slopeHi);
      if (!std::isfinite(next)) next = alphaLo + 0.5 * width;
    }
    alpha = std::clamp(next, alphaLo + 1e-3 * width, alphaHi - 0.1 * width);
  }
  return found;
}

void Migrad::acceptAndUpdate() {
  deltaU_ = uBest_ - u_;
  deltaGrad_ = gradBest_ - grad_;
  u_.swap(uBest_);
  grad_.swap(gradBest_);
  f_ = fBest_;
  ridgeAxis_ = -1;

  // BFGS update of the inverse Hessian, skipped when the step saw no
  // positive curvature (possible only when the line search had to settle
  // for sufficient decrease alone).
  const double sy = deltaU_.dot(deltaGrad_);
  if (sy > kEpsilon * deltaU_.norm() * deltaGrad_.norm()) {
    metricTimes_.noalias() = metric_ * deltaGrad_;
    const double yVy = deltaGrad_.dot(metricTimes_);
    const double a = (sy + yVy) / (sy * sy);
    const double b = 1.0 / sy;
    double changed = 0.0;
    double total = 0.0;
    for (Eigen::Index j = 0; j < metric_.cols(); ++j) {
      for (Eigen::Index i = 0; i < metric_.rows(); ++i) {
        const double d =
            a * deltaU_[i] * deltaU_[j] -
            b * (metricTimes_[i] * deltaU_[j] + deltaU_[i] * metricTimes_[j]);
        metric_(i, j) += d;
        changed += std::abs(d);
        total += std::abs(metric_(i, j));
      }
    }
    if (total > 0.0) dcovar_ = 0.5 * (dcovar_ + changed / total);
  }
  updateEdm();
}

}  // namespace hs3::fit
