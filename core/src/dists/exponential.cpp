// Densities with elementary closed-form integrals: exponential (HS3's sign,
// exp(-c x)), uniform, lognormal, and the Poisson mass function.

#include <cmath>
#include <limits>

#include "dists/distributions.hpp"
#include "dists/kernels.hpp"

namespace hs3::dists {

using graph::Op;

NodeId exponentialLogDensity(Call& call) {
  graph::Program& p = call.program();
  return p.apply(Op::kNeg,
                 {p.apply(Op::kMul, {call.node("c"), call.node("x")})});
}

NodeId exponentialLogIntegral(Call& call, const std::string& var, Range range) {
  if (var != call.variable("x") || !std::isfinite(range.lo) ||
      !std::isfinite(range.hi)) {
    return graph::kNoNode;
  }
  return call.program().apply(Op::kLogExpIntegral, {call.node("c")}, 0,
                              range.lo, range.hi);
}

NodeId uniformLogDensity(Call& call) { return call.program().constant(0.0); }

NodeId uniformLogIntegral(Call& call, const std::string& var, Range range) {
  bool isVariable = false;
  for (const graph::Ref& r : call.field("x").items) {
    isVariable = isVariable || r.name == var;
  }
  if (!isVariable || !std::isfinite(range.lo) || !std::isfinite(range.hi)) {
    return graph::kNoNode;
  }
  return call.program().constant(std::log(range.hi - range.lo));
}

NodeId lognormalLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId logX = p.apply(Op::kLog, {call.node("x")});
  const NodeId z =
      p.apply(Op::kDiv,
              {p.apply(Op::kSub, {logX, call.node("mu")}), call.node("sigma")});
  return p.apply(
      Op::kSub,
      {p.apply(Op::kMul, {p.constant(-0.5), p.apply(Op::kMul, {z, z})}), logX});
}

NodeId lognormalLogIntegral(Call& call, const std::string& var, Range range) {
  if (var != call.variable("x")) return graph::kNoNode;
  graph::Program& p = call.program();
  const NodeId mu = call.node("mu");
  const NodeId sigma = call.node("sigma");
  auto standardise = [&](double bound) {
    if (!(bound > 0))
      return p.constant(-std::numeric_limits<double>::infinity());
    if (!std::isfinite(bound)) return p.constant(bound);
    return p.apply(
        Op::kDiv,
        {p.apply(Op::kSub, {p.constant(std::log(bound)), mu}), sigma});
  };
  return p.apply(Op::kAdd,
                 {p.apply(Op::kAdd, {p.apply(Op::kLog, {sigma}),
                                     p.constant(kernels::kLogSqrtTwoPi)}),
                  p.apply(Op::kLogNormalInterval,
                          {standardise(range.lo), standardise(range.hi)})});
}

// The continued Poisson exp(x ln l - l - lgamma(x + 1)), which Asimov data
// need; `integer: true` (ROOT) rounds x down first.
NodeId poissonLogDensity(Call& call) {
  graph::Program& p = call.program();
  NodeId x = call.node("x");
  if (call.has("integer") && call.number("integer", 0.0) != 0) {
    x = p.apply(Op::kFloor, {x});
  }
  const NodeId mean = call.node("mean");
  return p.apply(
      Op::kSub,
      {p.apply(Op::kSub,
               {p.apply(Op::kMul, {x, p.apply(Op::kLog, {mean})}), mean}),
       p.apply(Op::kLgamma, {p.apply(Op::kAdd, {x, p.constant(1.0)})})});
}

}  // namespace hs3::dists
