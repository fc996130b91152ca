// Gaussian densities: the normal distribution, normalised in closed form over
// its variable or its mean (the same integral, by symmetry), and the
// multivariate normal.

#include <Eigen/Dense>
#include <cmath>

#include "dists/distributions.hpp"
#include "dists/kernels.hpp"

namespace hs3::dists {

using graph::Op;

NodeId gaussianLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId z =
      p.apply(Op::kDiv, {p.apply(Op::kSub, {call.node("x"), call.node("mean")}),
                         call.node("sigma")});
  return p.apply(Op::kMul, {p.constant(-0.5), p.apply(Op::kMul, {z, z})});
}

NodeId gaussianLogIntegral(Call& call, const std::string& var, Range range) {
  std::string centre;
  if (var == call.variable("x")) {
    centre = "mean";
  } else if (var == call.variable("mean")) {
    centre = "x";
  } else {
    return graph::kNoNode;
  }
  graph::Program& p = call.program();
  const NodeId c = call.node(centre);
  const NodeId sigma = call.node("sigma");
  auto standardise = [&](double bound) {
    if (!std::isfinite(bound)) return p.constant(bound);
    return p.apply(Op::kDiv,
                   {p.apply(Op::kSub, {p.constant(bound), c}), sigma});
  };
  const NodeId interval = p.apply(
      Op::kLogNormalInterval, {standardise(range.lo), standardise(range.hi)});
  return p.apply(Op::kAdd,
                 {p.apply(Op::kAdd, {p.apply(Op::kLog, {sigma}),
                                     p.constant(kernels::kLogSqrtTwoPi)}),
                  interval});
}

// Normalised over the whole space of its k variables: truncation to the
// observables' box is not applied (it is negligible in the files seen so
// far, and has no closed form).
LogPdf multivariateNormal(Call& call) {
  graph::Program& p = call.program();
  const std::vector<NodeId> x = call.nodes("x");
  const std::vector<NodeId> mean = call.nodes("mean");
  const std::size_t k = x.size();
  if (mean.size() != k) {
    call.fail(ErrorCode::kShapeMismatch, "mean",
              "has " + std::to_string(mean.size()) + " entries for " +
                  std::to_string(k) + " variables");
  }
  Eigen::MatrixXd cov(k, k);
  const auto& m = call.field(call.pick({"covariances", "covariance"})).matrix;
  if (m.size() != k) {
    call.fail(
        ErrorCode::kShapeMismatch, "covariances",
        "must be a " + std::to_string(k) + "x" + std::to_string(k) + " matrix");
  }
  for (std::size_t i = 0; i < k; ++i) {
    if (m[i].size() != k) {
      call.fail(ErrorCode::kShapeMismatch, "covariances",
                "must be a " + std::to_string(k) + "x" + std::to_string(k) +
                    " matrix");
    }
    for (std::size_t j = 0; j < k; ++j) cov(i, j) = m[i][j];
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(cov);
  if (llt.info() != Eigen::Success) {
    call.fail(ErrorCode::kInvalidValue, "covariances",
              "the covariance matrix is not positive definite");
  }
  const Eigen::MatrixXd inverse = llt.solve(Eigen::MatrixXd::Identity(k, k));
  double logDet = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    logDet += 2.0 * std::log(llt.matrixL()(i, i));
  }
  std::vector<NodeId> d;
  for (std::size_t i = 0; i < k; ++i)
    d.push_back(p.apply(Op::kSub, {x[i], mean[i]}));
  NodeId quadratic = p.constant(0.0);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      if (inverse(i, j) == 0) continue;
      quadratic = p.apply(
          Op::kAdd,
          {quadratic, p.apply(Op::kMul, {p.constant(inverse(i, j)),
                                         p.apply(Op::kMul, {d[i], d[j]})})});
    }
  }
  LogPdf out;
  out.perEvent = p.apply(
      Op::kSub, {p.apply(Op::kMul, {p.constant(-0.5), quadratic}),
                 p.constant(0.5 * logDet + k * kernels::kLogSqrtTwoPi)});
  return out;
}

}  // namespace hs3::dists
