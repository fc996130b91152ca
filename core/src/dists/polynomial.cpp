// Polynomial densities: monomials (HS3 polynomial_dist, a_0 + a_1 x + ...),
// Chebychev and Bernstein series on the observable's range. All integrate
// in closed form, linearly in their coefficients.

#include <cmath>

#include "dists/distributions.hpp"

namespace hs3::dists {

using graph::Op;

namespace {

NodeId weightedSum(graph::Program& p, const std::vector<NodeId>& coefficients,
                   const std::vector<NodeId>& terms) {
  NodeId total = p.constant(0.0);
  for (std::size_t i = 0; i < terms.size(); ++i) {
    total = p.apply(Op::kAdd,
                    {total, p.apply(Op::kMul, {coefficients[i], terms[i]})});
  }
  return total;
}

Range rangeOf(Call& call, const std::string& key) {
  const std::string var = call.variable(key);
  auto it = call.context().ranges.find(var);
  if (it == call.context().ranges.end() || !it->second.isFinite()) {
    call.fail(ErrorCode::kInvalidValue, key,
              "its variable '" + var +
                  "' needs a finite range (it is rescaled to [-1, 1])");
  }
  return it->second;
}

// x mapped linearly from [lo, hi] onto [a, b].
NodeId rescale(Call& call, NodeId x, Range r, double a, double b) {
  graph::Program& p = call.program();
  const double scale = (b - a) / (r.hi - r.lo);
  return p.apply(Op::kAdd,
                 {p.apply(Op::kMul, {p.constant(scale),
                                     p.apply(Op::kSub, {x, p.constant(r.lo)})}),
                  p.constant(a)});
}

}  // namespace

NodeId polynomialLogDensity(Call& call) {
  graph::Program& p = call.program();
  const std::vector<NodeId> a = call.nodes("coefficients");
  const NodeId x = call.node("x");
  NodeId value = p.constant(0.0);
  for (std::size_t i = a.size(); i-- > 0;) {
    value = p.apply(Op::kAdd, {p.apply(Op::kMul, {value, x}), a[i]});
  }
  return p.apply(Op::kLog, {value});
}

NodeId polynomialLogIntegral(Call& call, const std::string& var, Range range) {
  if (var != call.variable("x") || !range.isFinite()) {
    return graph::kNoNode;
  }
  graph::Program& p = call.program();
  const std::vector<NodeId> a = call.nodes("coefficients");
  std::vector<NodeId> moments;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double k = static_cast<double>(i + 1);
    moments.push_back(
        p.constant((std::pow(range.hi, k) - std::pow(range.lo, k)) / k));
  }
  return p.apply(Op::kLog, {weightedSum(p, a, moments)});
}

// f = 1 + sum_{i>=1} a_i T_i(z), z the variable rescaled to [-1, 1].
NodeId chebychevLogDensity(Call& call) {
  graph::Program& p = call.program();
  const std::vector<NodeId> a = call.nodes("coefficients");
  const NodeId z = rescale(call, call.node("x"), rangeOf(call, "x"), -1.0, 1.0);
  NodeId previous = p.constant(1.0), current = z;
  std::vector<NodeId> terms;
  for (std::size_t i = 0; i < a.size(); ++i) {
    terms.push_back(current);
    const NodeId next = p.apply(
        Op::kSub,
        {p.apply(Op::kMul, {p.apply(Op::kMul, {p.constant(2.0), z}), current}),
         previous});
    previous = current;
    current = next;
  }
  return p.apply(
      Op::kLog,
      {p.apply(Op::kAdd, {p.constant(1.0), weightedSum(p, a, terms)})});
}

NodeId chebychevLogIntegral(Call& call, const std::string& var, Range range) {
  if (var != call.variable("x") || !range.isFinite()) {
    return graph::kNoNode;
  }
  graph::Program& p = call.program();
  const std::vector<NodeId> a = call.nodes("coefficients");
  // The integral of T_n over [-1, 1]: 0 for odd n, 2 / (1 - n^2) for even.
  std::vector<NodeId> integrals;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double n = static_cast<double>(i + 1);
    integrals.push_back(
        p.constant(static_cast<int>(n) % 2 ? 0.0 : 2.0 / (1 - n * n)));
  }
  const NodeId inner =
      p.apply(Op::kAdd, {p.constant(2.0), weightedSum(p, a, integrals)});
  return p.apply(Op::kAdd, {p.apply(Op::kLog, {inner}),
                            p.constant(std::log(0.5 * (range.hi - range.lo)))});
}

NodeId bernsteinLogDensity(Call& call) {
  graph::Program& p = call.program();
  const std::vector<NodeId> c = call.nodes("coefficients");
  if (c.empty()) call.fail(ErrorCode::kSchema, "coefficients", "is empty");
  const NodeId t = rescale(call, call.node("x"), rangeOf(call, "x"), 0.0, 1.0);
  const NodeId u = p.apply(Op::kSub, {p.constant(1.0), t});
  const std::size_t n = c.size() - 1;
  std::vector<NodeId> terms;
  double binomial = 1.0;
  for (std::size_t i = 0; i <= n; ++i) {
    const NodeId basis = p.apply(
        Op::kMul,
        {p.apply(Op::kPow, {t, p.constant(static_cast<double>(i))}),
         p.apply(Op::kPow, {u, p.constant(static_cast<double>(n - i))})});
    terms.push_back(p.apply(Op::kMul, {p.constant(binomial), basis}));
    binomial =
        binomial * static_cast<double>(n - i) / static_cast<double>(i + 1);
  }
  return p.apply(Op::kLog, {weightedSum(p, c, terms)});
}

NodeId bernsteinLogIntegral(Call& call, const std::string& var, Range range) {
  if (var != call.variable("x") || !range.isFinite()) {
    return graph::kNoNode;
  }
  graph::Program& p = call.program();
  const std::vector<NodeId> c = call.nodes("coefficients");
  NodeId total = p.constant(0.0);
  for (NodeId ci : c) total = p.apply(Op::kAdd, {total, ci});
  const double scale = (range.hi - range.lo) / static_cast<double>(c.size());
  return p.apply(Op::kLog, {p.apply(Op::kMul, {total, p.constant(scale)})});
}

}  // namespace hs3::dists
