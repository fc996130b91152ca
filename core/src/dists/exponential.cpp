// Densities with elementary closed-form integrals: exponential (HS3's sign,
// exp(-c x)), uniform, lognormal, and the Poisson mass function.

#include <cmath>

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
  if (var != call.variable("x") || !range.isFinite()) {
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
  if (!isVariable || !range.isFinite()) {
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
    if (!(bound > 0)) return p.constant(-kInf);
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

NodeId logPoisson(graph::Program& p, NodeId n, NodeId nu) {
  // n ln(nu) as scipy's xlogy: an empty bin where nothing is expected
  // costs nothing. The product stays wherever ln(nu) is finite, so that
  // its derivative in n at n = 0 is still ln(nu); where it is replaced by
  // 0 the selection passes no adjoint on, so ln(0) gives no 0 * inf.
  const NodeId product = p.apply(Op::kMul, {n, p.apply(Op::kLog, {nu})});
  const NodeId finiteLog =
      p.apply(Op::kAnd, {p.apply(Op::kGreater, {nu, p.constant(0.0)}),
                         p.apply(Op::kLess, {nu, p.constant(kInf)})});
  // Only nu = 0 or +inf is replaced: a negative mean stays NaN, which the
  // likelihood reports and a minimizer steps back from.
  const NodeId zeroOrInfinite =
      p.apply(Op::kAnd, {p.apply(Op::kGreaterEqual, {nu, p.constant(0.0)}),
                         p.apply(Op::kNot, {finiteLog})});
  const NodeId keep =
      p.apply(Op::kOr, {p.apply(Op::kNotIdentical, {n, p.constant(0.0)}),
                        p.apply(Op::kNot, {zeroOrInfinite})});
  const NodeId observed =
      p.apply(Op::kSelect, {keep, product, p.constant(0.0)});
  return p.apply(
      Op::kSub,
      {p.apply(Op::kSub, {observed, nu}),
       p.apply(Op::kLgamma, {p.apply(Op::kAdd, {n, p.constant(1.0)})})});
}

// The continued Poisson, which Asimov data need; `integer: true` (ROOT)
// rounds x down first.
NodeId poissonLogDensity(Call& call) {
  graph::Program& p = call.program();
  NodeId x = call.node("x");
  if (call.has("integer") && call.number("integer", 0.0) != 0) {
    x = p.apply(Op::kFloor, {x});
  }
  return logPoisson(p, x, call.node("mean"));
}

}  // namespace hs3::dists
