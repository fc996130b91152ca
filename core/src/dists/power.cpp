// Power laws and exponentials of polynomials: ROOT's RooPowerSum (sum of
// c_i x^e_i, integrated term by term), RooLegacyExpPoly (exp of a
// polynomial, closed form while the exponent is at most linear), and the
// CMS H->ZZ->4l continuum shapes of pyhs3, whose integrals are incomplete
// gamma functions and so are left to the Builder's quadrature.

#include <cmath>

#include "dists/distributions.hpp"

namespace hs3::dists {

using graph::Op;

namespace {

struct PowerTerms {
  std::vector<NodeId> coefficients;
  std::vector<NodeId> exponents;
};

PowerTerms powerTerms(Call& call) {
  PowerTerms terms{call.nodes("coefficients"), call.nodes("exponents")};
  if (terms.coefficients.empty()) {
    call.fail(ErrorCode::kShapeMismatch, "coefficients",
              "is empty; a power sum needs at least one term");
  }
  if (terms.exponents.size() != terms.coefficients.size()) {
    call.fail(ErrorCode::kShapeMismatch, "exponents",
              "has " + std::to_string(terms.exponents.size()) +
                  " entries for " + std::to_string(terms.coefficients.size()) +
                  " coefficients; each term needs one of each");
  }
  return terms;
}

// The integral of x^(s-1) over [lo, hi] (0 < lo < hi) for an exponent that
// is a parameter: (hi^s - lo^s) / s. Near s = 0 (RooPowerSum's exponent -1)
// that difference cancels; there its Taylor series in s, which starts at
// ln(hi / lo), takes over. Six terms leave an error below 1e-15 relative for
// |s| < 1e-3, where the direct form has lost about 1e-13.
NodeId shiftedPowerIntegral(graph::Program& p, NodeId s, Range range) {
  const double a = std::log(range.hi), b = std::log(range.lo);
  constexpr int kTerms = 6;
  double factorial = 1.0;
  std::vector<double> coefficients;
  for (int n = 1; n <= kTerms; ++n) {
    factorial *= n;
    coefficients.push_back((std::pow(a, n) - std::pow(b, n)) / factorial);
  }
  NodeId series = p.constant(coefficients.back());
  for (int n = kTerms - 1; n-- > 0;) {
    series = p.apply(Op::kAdd, {p.apply(Op::kMul, {series, s}),
                                p.constant(coefficients[n])});
  }
  auto power = [&](double logBound) {
    return p.apply(Op::kExp, {p.apply(Op::kMul, {s, p.constant(logBound)})});
  };
  const NodeId direct =
      p.apply(Op::kDiv, {p.apply(Op::kSub, {power(a), power(b)}), s});
  const NodeId nearZero =
      p.apply(Op::kLess, {p.apply(Op::kAbs, {s}), p.constant(1e-3)});
  return p.apply(Op::kSelect, {nearZero, series, direct});
}

// RooLegacyExpPoly's exponent: coefficients of x^lowestOrder, x^(lowestOrder
// + 1), ... ROOT writes the orders below lowestOrder as leading literals, a
// 1 first and then 0s, and reads them back as that order; they are read the
// same way here, so that exp(sum) is ROOT's function exactly and not only up
// to the constant factor a literal 1 would add.
struct ExpPolynomial {
  int lowestOrder = 0;
  std::vector<NodeId> coefficients;
};

ExpPolynomial expPolynomial(Call& call) {
  ExpPolynomial poly;
  const std::vector<graph::Ref>& refs = call.field("coefficients").items;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const graph::Ref& r = refs[i];
    const bool leadingOne = i == 0 && r.isNumber() && r.number == 1.0;
    const bool skippedOrder =
        poly.coefficients.empty() && r.isNumber() && r.number == 0.0;
    if (leadingOne || skippedOrder) {
      ++poly.lowestOrder;
    } else {
      poly.coefficients.push_back(call.value(r));
    }
  }
  return poly;
}

}  // namespace

// log(sum_i c_i x^e_i).
NodeId powerSumLogDensity(Call& call) {
  graph::Program& p = call.program();
  const PowerTerms terms = powerTerms(call);
  const NodeId x = call.node("x");
  NodeId total = p.constant(0.0);
  for (std::size_t i = 0; i < terms.coefficients.size(); ++i) {
    total = p.apply(
        Op::kAdd,
        {total,
         p.apply(Op::kMul, {terms.coefficients[i],
                            p.apply(Op::kPow, {x, terms.exponents[i]})})});
  }
  return p.apply(Op::kLog, {total});
}

// Term by term: c (hi^(e+1) - lo^(e+1)) / (e+1), and c ln(hi/lo) for e = -1.
// A literal exponent is integrated when the program is built (any sign of
// the range its power allows); an exponent that varies needs 0 < lo.
NodeId powerSumLogIntegral(Call& call, const std::string& var, Range range) {
  if (var != call.variable("x") || !range.isFinite()) return graph::kNoNode;
  graph::Program& p = call.program();
  const PowerTerms terms = powerTerms(call);
  const std::vector<graph::Ref>& exponents = call.field("exponents").items;
  NodeId total = p.constant(0.0);
  for (std::size_t i = 0; i < terms.coefficients.size(); ++i) {
    NodeId integral;
    if (exponents[i].isNumber()) {
      const double s = exponents[i].number + 1.0;
      if (s <= 0 && range.lo <= 0 && range.hi >= 0) {
        call.fail(ErrorCode::kInvalidValue, "exponents",
                  "x^" + std::to_string(exponents[i].number) +
                      " is not integrable over a range of x that holds 0 [" +
                      std::to_string(range.lo) + ", " +
                      std::to_string(range.hi) + "]");
      }
      const double value =
          s == 0 ? std::log(std::abs(range.hi)) - std::log(std::abs(range.lo))
                 : (std::pow(range.hi, s) - std::pow(range.lo, s)) / s;
      if (!std::isfinite(value) || (s == 0 && !(range.lo * range.hi > 0))) {
        return graph::kNoNode;
      }
      integral = p.constant(value);
    } else {
      if (!(range.lo > 0)) return graph::kNoNode;
      integral = shiftedPowerIntegral(
          p, p.apply(Op::kAdd, {terms.exponents[i], p.constant(1.0)}), range);
    }
    total =
        p.apply(Op::kAdd,
                {total, p.apply(Op::kMul, {terms.coefficients[i], integral})});
  }
  return p.apply(Op::kLog, {total});
}

// sum_i c_i x^(i + lowestOrder), the log of RooLegacyExpPoly.
NodeId expPolynomialLogDensity(Call& call) {
  graph::Program& p = call.program();
  const ExpPolynomial poly = expPolynomial(call);
  if (poly.coefficients.empty()) return p.constant(0.0);
  const NodeId x = call.node("x");
  NodeId value = poly.coefficients.back();
  for (std::size_t i = poly.coefficients.size() - 1; i-- > 0;) {
    value = p.apply(Op::kAdd,
                    {p.apply(Op::kMul, {value, x}), poly.coefficients[i]});
  }
  for (int k = 0; k < poly.lowestOrder; ++k) {
    value = p.apply(Op::kMul, {value, x});
  }
  return value;
}

// Closed form while the exponent is a + b x at most: e^a times the integral
// of an exponential. A quadratic exponent has one (erf or erfi, by the sign
// of its leading coefficient, which may change during a fit) that the graph
// cannot express yet; the Builder integrates it, and higher orders,
// numerically.
NodeId expPolynomialLogIntegral(Call& call, const std::string& var,
                                Range range) {
  if (var != call.variable("x") || !range.isFinite()) return graph::kNoNode;
  graph::Program& p = call.program();
  const ExpPolynomial poly = expPolynomial(call);
  const std::size_t n = poly.coefficients.size();
  const NodeId logWidth = p.constant(std::log(range.hi - range.lo));
  if (n == 0) return logWidth;
  const std::size_t highest = poly.lowestOrder + n - 1;
  if (highest > 1) return graph::kNoNode;
  const NodeId offset =
      poly.lowestOrder == 0 ? poly.coefficients.front() : p.constant(0.0);
  if (highest == 0) return p.apply(Op::kAdd, {offset, logWidth});
  const NodeId slope = poly.coefficients.back();
  return p.apply(Op::kAdd, {offset, p.apply(Op::kLogExpIntegral,
                                            {p.apply(Op::kNeg, {slope})}, 0,
                                            range.lo, range.hi)});
}

// a1 m^a2 exp(-a3 m), pyhs3's CMS::ggZZ_background_dist.
NodeId ggZZBackgroundLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId m = call.node("m4l");
  return requirePositive(
      call,
      p.apply(Op::kSub,
              {p.apply(Op::kAdd, {p.apply(Op::kLog, {call.node("a1")}),
                                  p.apply(Op::kMul, {call.node("a2"),
                                                     p.apply(Op::kLog, {m})})}),
               p.apply(Op::kMul, {call.node("a3"), m})}),
      {"a1"});
}

// a1 (m + a2)^a3 exp(-a4 m), pyhs3's CMS::qqZZ_background_dist.
NodeId qqZZBackgroundLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId m = call.node("m4l");
  const NodeId shifted = p.apply(Op::kAdd, {m, call.node("a2")});
  return requirePositive(
      call,
      p.apply(Op::kSub,
              {p.apply(Op::kAdd,
                       {p.apply(Op::kLog, {call.node("a1")}),
                        p.apply(Op::kMul, {call.node("a3"),
                                           p.apply(Op::kLog, {shifted})})}),
               p.apply(Op::kMul, {call.node("a4"), m})}),
      {"a1"});
}

}  // namespace hs3::dists
