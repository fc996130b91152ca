// landau_dist (ROOT's RooLandau): the Landau density of z = (x - mean) /
// sigma, unnormalised as ROOT evaluates it, and its closed-form
// normalisation over x, sigma (Phi(z_hi) - Phi(z_lo)), which is what ROOT
// uses as well. The two kernels follow the published CERNLIB G110
// approximations piece by piece; their derivatives are those of each piece.

#include "dists/landau.hpp"

#include <cmath>
#include <cstddef>

#include "dists/distributions.hpp"

namespace hs3::kernels {

namespace {

// The constant 1/sqrt(2 pi) to the ten digits the approximation was fitted
// with.
constexpr double kTailScale = 0.3989422803;

// n(t) / d(t) for polynomials of degree N - 1 in t, with its derivative.
template <std::size_t N>
ValueAndSlope rational(const double (&n)[N], const double (&d)[N], double t) {
  double num = n[N - 1], den = d[N - 1];
  double dNum = 0.0, dDen = 0.0;
  for (std::size_t k = N - 1; k-- > 0;) {
    dNum = dNum * t + num;
    num = num * t + n[k];
    dDen = dDen * t + den;
    den = den * t + d[k];
  }
  return {num / den, (dNum * den - num * dDen) / (den * den)};
}

// Beyond z = 300 both functions use u = 1 / (z - z ln z / (z + 1)); this is
// u and du/dz.
ValueAndSlope farTailVariable(double z) {
  const double logZ = std::log(z);
  const double w = z - z * logZ / (z + 1);
  const double u = 1 / w;
  const double dw = 1 - (logZ + z + 1) / ((z + 1) * (z + 1));
  return {u, -u * u * dw};
}

// DENLAN: numerators and denominators per interval of z, lowest power
// first.
namespace density {
constexpr double kLeftP[5] = {0.4259894875, -0.1249762550, 0.03984243700,
                              -0.006298287635, 0.001511162253};
constexpr double kLeftQ[5] = {1.0, -0.3388260629, 0.09594393323, -0.01608042283,
                              0.003778942063};
constexpr double kPeakP[5] = {0.1788541609, 0.1173957403, 0.01488850518,
                              -0.001394989411, 0.0001283617211};
constexpr double kPeakQ[5] = {1.0, 0.7428795082, 0.3153932961, 0.06694219548,
                              0.008790609714};
constexpr double kRightP[5] = {0.1788544503, 0.09359161662, 0.006325387654,
                               0.00006611667319, -0.000002031049101};
constexpr double kRightQ[5] = {1.0, 0.6097809921, 0.2560616665, 0.04746722384,
                               0.006957301675};
// In u = 1/z for z in [5, 12), [12, 50) and [50, 300).
constexpr double kTail1P[5] = {0.9874054407, 118.6723273, 849.2794360,
                               -743.7792444, 427.0262186};
constexpr double kTail1Q[5] = {1.0, 106.8615961, 337.6496214, 2016.712389,
                               1597.063511};
constexpr double kTail2P[5] = {1.003675074, 167.5702434, 4789.711289,
                               21217.86767, -22324.94910};
constexpr double kTail2Q[5] = {1.0, 156.9424537, 3745.310488, 9834.698876,
                               66924.28357};
constexpr double kTail3P[5] = {1.000827619, 664.9143136, 62972.92665,
                               475554.6998, -5743609.109};
constexpr double kTail3Q[5] = {1.0, 651.4101098, 56974.73333, 165917.4725,
                               -2815759.939};
// Asymptotic series: below z = -5.5 in u = exp(z + 1), above 300 in u.
constexpr double kFarLeft[3] = {0.04166666667, -0.01996527778, 0.02709538966};
constexpr double kFarRight[2] = {-1.845568670, -4.284640743};
}  // namespace density

// DISLAN, the same way.
namespace distribution {
constexpr double kLeftP[5] = {0.2514091491, -0.6250580444e-1, 0.1458381230e-1,
                              -0.2108817737e-2, 0.7411247290e-3};
constexpr double kLeftQ[5] = {1.0, -0.5571175625e-2, 0.6225310236e-1,
                              -0.3137378427e-2, 0.1931496439e-2};
constexpr double kPeakP[4] = {0.2868328584, 0.3564363231, 0.1523518695,
                              0.2251304883e-1};
constexpr double kPeakQ[4] = {1.0, 0.6191136137, 0.1720721448, 0.2278594771e-1};
constexpr double kRightP[4] = {0.2868329066, 0.3003828436, 0.9950951941e-1,
                               0.8733827185e-2};
constexpr double kRightQ[4] = {1.0, 0.4237190502, 0.1095631512,
                               0.8693851567e-2};
// In u = 1/z for z in [4, 12), [12, 50) and [50, 300).
constexpr double kTail1P[4] = {1.000351630, 4.503592498, 10.85883880,
                               7.536052269};
constexpr double kTail1Q[4] = {1.0, 5.539969678, 19.33581111, 27.21321508};
constexpr double kTail2P[4] = {1.000006517, 49.09414111, 85.05544753,
                               153.2153455};
constexpr double kTail2Q[4] = {1.0, 50.09928881, 139.9819104, 420.0002909};
constexpr double kTail3P[4] = {1.000000983, 132.9868456, 916.2149244,
                               -960.5054274};
constexpr double kTail3Q[4] = {1.0, 133.9887843, 1055.990413, 553.2224619};
constexpr double kFarLeft[3] = {-0.4583333333, 0.6675347222, -1.641741416};
constexpr double kFarRight[3] = {1.0, -0.4227843351, -2.043403138};
}  // namespace distribution

// 1 + c0 u + c1 u^2 + c2 u^3 and its derivative in u.
ValueAndSlope cubicSeries(const double (&c)[3], double u) {
  return {1 + (c[0] + (c[1] + c[2] * u) * u) * u,
          c[0] + (2 * c[1] + 3 * c[2] * u) * u};
}

// u^2 r(u) for u = 1/z, differentiated in z.
ValueAndSlope inverseTail(ValueAndSlope r, double u) {
  return {u * u * r.value, -(2 * u * r.value + u * u * r.slope) * u * u};
}

}  // namespace

ValueAndSlope landauDensity(double z) {
  using namespace density;
  if (z < -5.5) {
    // phi = c exp(-1/u) u^(-1/2) s(u) with du/dz = u.
    const double u = std::exp(z + 1.0);
    if (u < 1e-10) return {0.0, 0.0};
    const double front = kTailScale * (std::exp(-1 / u) / std::sqrt(u));
    const ValueAndSlope s = cubicSeries(kFarLeft, u);
    return {front * s.value, front * ((1 / u - 0.5) * s.value + u * s.slope)};
  }
  if (z < -1) {
    // phi = exp(-u) u^(1/2) r(z) with du/dz = -u.
    const double u = std::exp(-z - 1);
    const double front = std::exp(-u) * std::sqrt(u);
    const ValueAndSlope r = rational(kLeftP, kLeftQ, z);
    return {front * r.value, front * ((u - 0.5) * r.value + r.slope)};
  }
  if (z < 1) return rational(kPeakP, kPeakQ, z);
  if (z < 5) return rational(kRightP, kRightQ, z);
  if (z < 12) return inverseTail(rational(kTail1P, kTail1Q, 1 / z), 1 / z);
  if (z < 50) return inverseTail(rational(kTail2P, kTail2Q, 1 / z), 1 / z);
  if (z < 300) return inverseTail(rational(kTail3P, kTail3Q, 1 / z), 1 / z);
  if (z == HUGE_VAL) return {0.0, 0.0};
  // phi = u^2 (1 + a u + b u^2).
  const ValueAndSlope u = farTailVariable(z);
  const double a = kFarRight[0], b = kFarRight[1];
  const double value = u.value * u.value * (1 + (a + b * u.value) * u.value);
  const double dU = u.value * (2 + (3 * a + 4 * b * u.value) * u.value);
  return {value, dU * u.slope};
}

ValueAndSlope landauLogDensity(double z) {
  using namespace density;
  if (z < -5.5) {
    // log phi = log c - 1/u - (z + 1)/2 + log s(u); phi itself underflows
    // long before ROOT's cut at u = 1e-10.
    const double u = std::exp(z + 1.0);
    if (u < 1e-10) return {-HUGE_VAL, 0.0};
    const ValueAndSlope s = cubicSeries(kFarLeft, u);
    return {std::log(kTailScale) - 1 / u - 0.5 * (z + 1.0) + std::log(s.value),
            1 / u - 0.5 + u * s.slope / s.value};
  }
  if (z >= 300 && z < HUGE_VAL) {
    // log phi = 2 log u + log(1 + a u + b u^2), finite for any large z.
    const ValueAndSlope u = farTailVariable(z);
    const double a = kFarRight[0], b = kFarRight[1];
    const double series = 1 + (a + b * u.value) * u.value;
    const double dSeries = a + 2 * b * u.value;
    return {2 * std::log(u.value) + std::log(series),
            (2 / u.value + dSeries / series) * u.slope};
  }
  const ValueAndSlope phi = landauDensity(z);
  if (!(phi.value > 0)) return {std::log(phi.value), 0.0};
  return {std::log(phi.value), phi.slope / phi.value};
}

ValueAndSlope landauDistribution(double z) {
  using namespace distribution;
  if (z < -5.5) {
    // Phi = c exp(-1/u) u^(1/2) s(u) with du/dz = u.
    const double u = std::exp(z + 1);
    const double front = kTailScale * std::exp(-1. / u) * std::sqrt(u);
    if (front == 0) return {0.0, 0.0};
    const ValueAndSlope s = cubicSeries(kFarLeft, u);
    return {front * s.value, front * ((1 / u + 0.5) * s.value + u * s.slope)};
  }
  if (z < -1) {
    // Phi = exp(-u) u^(-1/2) r(z) with du/dz = -u.
    const double u = std::exp(-z - 1);
    const double front = std::exp(-u) / std::sqrt(u);
    const ValueAndSlope r = rational(kLeftP, kLeftQ, z);
    return {front * r.value, front * ((u + 0.5) * r.value + r.slope)};
  }
  if (z < 1) return rational(kPeakP, kPeakQ, z);
  if (z < 4) return rational(kRightP, kRightQ, z);
  auto inTail = [z](ValueAndSlope r) {
    const double u = 1. / z;
    return ValueAndSlope{r.value, -r.slope * u * u};
  };
  if (z < 12) return inTail(rational(kTail1P, kTail1Q, 1. / z));
  if (z < 50) return inTail(rational(kTail2P, kTail2Q, 1. / z));
  if (z < 300) return inTail(rational(kTail3P, kTail3Q, 1. / z));
  if (z == HUGE_VAL) return {1.0, 0.0};
  // Phi = 1 - u (a + (b + c u) u).
  const ValueAndSlope u = farTailVariable(z);
  const double a = kFarRight[0], b = kFarRight[1], c = kFarRight[2];
  const double value = 1 - (a + (b + c * u.value) * u.value) * u.value;
  const double dU = -(a + (2 * b + 3 * c * u.value) * u.value);
  return {value, dU * u.slope};
}

}  // namespace hs3::kernels

namespace hs3::dists {

using graph::Op;

namespace {

NodeId standardised(Call& call, NodeId x) {
  graph::Program& p = call.program();
  return p.apply(Op::kDiv, {p.apply(Op::kSub, {x, call.node("mean")}),
                            call.node("sigma")});
}

}  // namespace

NodeId landauLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId z = standardised(call, call.node("x"));
  return requirePositive(call, p.apply(Op::kLogLandau, {z}), {"sigma"});
}

// ROOT integrates RooLandau in closed form over x only.
NodeId landauLogIntegral(Call& call, const std::string& var, Range range) {
  if (var != call.variable("x")) return graph::kNoNode;
  graph::Program& p = call.program();
  auto distributionAt = [&](double bound) {
    return p.apply(Op::kLandauDistribution,
                   {standardised(call, p.constant(bound))});
  };
  const NodeId mass =
      p.apply(Op::kSub, {distributionAt(range.hi), distributionAt(range.lo)});
  return p.apply(Op::kAdd, {p.apply(Op::kLog, {call.node("sigma")}),
                            p.apply(Op::kLog, {mass})});
}

}  // namespace hs3::dists
