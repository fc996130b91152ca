// ROOT's RooDecay: the decay basis B(t) = exp(-t/tau) for t >= 0 (single
// sided, decayType 0), exp(-|t|/tau) (double sided, 1) or exp(t/tau) for
// t <= 0 (flipped, 2), convolved with a resolution model R in t. Models:
// a normalised Gaussian (gauss_resolution_model, in the HS3 text
// gauss_model_function), the delta function (delta_resolution_model,
// truth_model_function) and mixtures of models (mixture_resolution_model,
// mixture_model). Each convolution is normalised over the range of t in
// closed form.
//
// The Gaussian convolution. With G the normal density of width sigma,
// d = t - mean and k = sigma / tau,
//   (B * G)(t) = int_0^inf exp(-s/tau) G(d - s) ds
//              = 1/2 exp(k^2/2 - d/tau) erfc((k - d/sigma) / sqrt 2),
// by completing the square in s. Far below the mean the exponential
// overflows while erfc underflows; the product is formed in logs, with
// log(erfc) from a node that stays finite where erfc itself is 0. The
// flipped basis is the mirror image, d -> -d; the double-sided one is the
// sum of both.
//
// Its integral. Writing conv(x) for the single-sided convolution above and
// z = (x - mean) / sigma, the derivative of tau (Phi(z) - conv(x)) is conv(x)
// (conv' = G - conv/tau, from differentiating under the integral and
// integrating by parts), and it vanishes at -inf, so
//   int_lo^hi conv = tau (Phi(z_hi) - Phi(z_lo) + conv(lo) - conv(hi)).
// The flipped convolution gives tau (Phi(z_hi) - Phi(z_lo) + conv_f(hi) -
// conv_f(lo)). Phi(z) and conv(x) nearly cancel only when the whole range
// lies many sigma below the mean, a range no decay puts events in.
//
// A mixture of models: the convolution is linear in the model, and each
// component is normalised over t on its own before the mixture's
// coefficients weigh them, as RooAddModel does (N coefficients are divided
// by their sum; with N-1 the last is 1 minus the others).
//
// The density this builder returns is already normalised over t, so the
// integral it reports over t's whole range is 1, and over a part of it the
// share of each component there.

#include <algorithm>
#include <cmath>

#include "dists/distributions.hpp"
#include "dists/kernels.hpp"
#include "funcs/functions.hpp"

namespace hs3::dists {

using graph::Op;

namespace {

constexpr double kLogTwo = 0.69314718055994530942;

enum class Basis { kSingleSided = 0, kDoubleSided = 1, kFlipped = 2 };

enum class ResolutionKind { kGaussian, kDelta, kMixture };

// One Gaussian or delta model of a possibly nested mixture, with the
// product of the mixture weights above it (kNoNode: weight 1).
struct Component {
  const graph::ObjectSpec* spec;
  ResolutionKind model;
  NodeId weight;
};

ResolutionKind modelOf(Call& call, const graph::ObjectSpec& spec) {
  if (spec.type == "gauss_resolution_model" ||
      spec.type == "gauss_model_function") {
    return ResolutionKind::kGaussian;
  }
  if (spec.type == "delta_resolution_model" ||
      spec.type == "truth_model_function") {
    return ResolutionKind::kDelta;
  }
  if (spec.type == "mixture_resolution_model" || spec.type == "mixture_model") {
    return ResolutionKind::kMixture;
  }
  throw Error(ErrorCode::kUnknownType, spec.path,
              "resolution model type '" + spec.type + "' of '" + spec.name +
                  "', used by " + call.spec().type + " '" + call.spec().name +
                  "', is not supported (supported: gauss_resolution_model, "
                  "gauss_model_function, delta_resolution_model, "
                  "truth_model_function, mixture_resolution_model, "
                  "mixture_model)");
}

const graph::ObjectSpec& findModel(Call& call, const std::string& name,
                                   const std::string& where) {
  const graph::ObjectSpec* spec = call.builder().findDistribution(name);
  if (!spec) spec = call.builder().findFunction(name);
  if (!spec) {
    throw Error(ErrorCode::kUnknownName, where,
                "no resolution model named '" + name + "'");
  }
  return *spec;
}

NodeId times(graph::Program& p, NodeId weight, NodeId factor) {
  return weight == graph::kNoNode ? factor
                                  : p.apply(Op::kMul, {weight, factor});
}

void expand(Call& call, const graph::ObjectSpec& spec, NodeId weight, int depth,
            std::vector<Component>& out) {
  const ResolutionKind model = modelOf(call, spec);
  Call inner(call.builder(), spec, call.context());
  if (model != ResolutionKind::kMixture) {
    // The model convolves in t; its `x` is that variable (RooFit refuses
    // any other).
    const std::string x = inner.variable("x");
    if (inner.has("x") && x != call.variable("t")) {
      inner.fail(ErrorCode::kInvalidValue, "x",
                 "a resolution model of " + call.spec().type + " '" +
                     call.spec().name + "' must convolve in its time '" +
                     call.variable("t") + "', not in '" + x + "'");
    }
    out.push_back({&spec, model, weight});
    return;
  }
  if (depth > 16) {
    throw Error(ErrorCode::kLimitExceeded, spec.path,
                "resolution models nest more than 16 mixtures deep");
  }
  graph::Program& p = call.program();
  const std::vector<std::string> summands = inner.names("summands");
  const std::vector<NodeId> weights =
      funcs::mixtureWeights(inner, summands.size(), "summands",
                            funcs::FullCoefficients::kDividedBySum)
          .weights;
  const std::string where = inner.field("summands").path;
  for (std::size_t i = 0; i < summands.size(); ++i) {
    expand(call, findModel(call, summands[i], where),
           times(p, weight, weights[i]), depth + 1, out);
  }
}

Basis basisOf(Call& call) {
  const double type = call.number("decayType", -1.0);
  if (!call.has("decayType")) {
    call.fail(ErrorCode::kSchema, "decayType",
              "needs the key 'decayType' (0 single-sided, 1 double-sided, "
              "2 flipped)");
  }
  if (type != 0 && type != 1 && type != 2) {
    call.fail(ErrorCode::kInvalidValue, "decayType",
              "must be 0 (single-sided), 1 (double-sided) or 2 (flipped)");
  }
  return static_cast<Basis>(static_cast<int>(type));
}

// The range of t where it is an observable, bound per event or being
// integrated over (bin masses, normalisation over other observables);
// elsewhere the whole line.
Range timeRange(Call& call) {
  const std::string t = call.variable("t");
  const graph::Context& context = call.context();
  auto range = context.ranges.find(t);
  const bool observable =
      context.bound.count(t) != 0 || context.integrated.count(t) != 0;
  if (observable && range != context.ranges.end()) {
    return range->second;
  }
  return Range::wholeLine();
}

NodeId logAddExp(graph::Program& p, NodeId a, NodeId b) {
  const NodeId top = p.apply(Op::kMax, {a, b});
  const NodeId sum =
      p.apply(Op::kAdd, {p.apply(Op::kExp, {p.apply(Op::kSub, {a, top})}),
                         p.apply(Op::kExp, {p.apply(Op::kSub, {b, top})})});
  return p.apply(Op::kAdd, {top, p.apply(Op::kLog, {sum})});
}

// What one component needs: tau, and for a Gaussian its mean and sigma.
struct Shape {
  NodeId tau;
  NodeId mean;
  NodeId sigma;
};

// log of the single-sided (sign +1) or flipped (sign -1) Gaussian
// convolution at offset d = t - mean.
NodeId logGaussianConvolution(graph::Program& p, const Shape& s, NodeId d,
                              double sign) {
  const NodeId k = p.apply(Op::kDiv, {s.sigma, s.tau});
  const NodeId signedD = p.apply(Op::kMul, {p.constant(sign), d});
  const NodeId argument = p.apply(
      Op::kDiv, {p.apply(Op::kSub, {k, p.apply(Op::kDiv, {signedD, s.sigma})}),
                 p.constant(kernels::kSqrtTwo)});
  const NodeId exponent =
      p.apply(Op::kSub,
              {p.apply(Op::kMul, {p.constant(0.5), p.apply(Op::kMul, {k, k})}),
               p.apply(Op::kDiv, {signedD, s.tau})});
  return p.apply(Op::kAdd, {p.apply(Op::kSub, {exponent, p.constant(kLogTwo)}),
                            p.apply(Op::kLogErfc, {argument})});
}

NodeId logGaussianDecay(graph::Program& p, const Shape& s, NodeId t,
                        Basis basis) {
  const NodeId d = p.apply(Op::kSub, {t, s.mean});
  switch (basis) {
    case Basis::kSingleSided:
      return logGaussianConvolution(p, s, d, 1.0);
    case Basis::kFlipped:
      return logGaussianConvolution(p, s, d, -1.0);
    default:
      return logAddExp(p, logGaussianConvolution(p, s, d, 1.0),
                       logGaussianConvolution(p, s, d, -1.0));
  }
}

NodeId logGaussianDecayIntegral(graph::Program& p, const Shape& s, Range range,
                                Basis basis) {
  auto standardised = [&](double bound) {
    if (std::isinf(bound)) return p.constant(bound);
    return p.apply(Op::kDiv,
                   {p.apply(Op::kSub, {p.constant(bound), s.mean}), s.sigma});
  };
  // The convolution at a bound; it vanishes at either infinity.
  auto at = [&](double bound, double sign) {
    if (std::isinf(bound)) return p.constant(0.0);
    const NodeId d = p.apply(Op::kSub, {p.constant(bound), s.mean});
    return p.apply(Op::kExp, {logGaussianConvolution(p, s, d, sign)});
  };
  const NodeId inside = p.apply(
      Op::kExp, {p.apply(Op::kLogNormalInterval,
                         {standardised(range.lo), standardised(range.hi)})});
  NodeId total = p.constant(0.0);
  if (basis != Basis::kFlipped) {
    total = p.apply(
        Op::kAdd,
        {total,
         p.apply(Op::kAdd, {inside, p.apply(Op::kSub, {at(range.lo, 1.0),
                                                       at(range.hi, 1.0)})})});
  }
  if (basis != Basis::kSingleSided) {
    total = p.apply(
        Op::kAdd,
        {total,
         p.apply(Op::kAdd, {inside, p.apply(Op::kSub, {at(range.hi, -1.0),
                                                       at(range.lo, -1.0)})})});
  }
  return p.apply(Op::kAdd,
                 {p.apply(Op::kLog, {s.tau}), p.apply(Op::kLog, {total})});
}

NodeId logDeltaDecay(graph::Program& p, NodeId tau, NodeId t, Basis basis) {
  const NodeId scaled = p.apply(Op::kDiv, {t, tau});
  const NodeId zero = p.constant(0.0);
  switch (basis) {
    case Basis::kSingleSided:
      return p.apply(Op::kSelect,
                     {p.apply(Op::kGreaterEqual, {t, zero}),
                      p.apply(Op::kNeg, {scaled}), p.constant(-kInf)});
    case Basis::kFlipped:
      return p.apply(Op::kSelect, {p.apply(Op::kLessEqual, {t, zero}), scaled,
                                   p.constant(-kInf)});
    default:
      return p.apply(Op::kNeg, {p.apply(Op::kAbs, {scaled})});
  }
}

// log of the integral of exp(-s/tau) over [a, b], 0 <= a, b up to +inf.
NodeId logExpTail(graph::Program& p, NodeId tau, double a, double b) {
  if (!(a < b)) return p.constant(-kInf);
  const NodeId logTau = p.apply(Op::kLog, {tau});
  if (std::isinf(b)) {
    return p.apply(Op::kSub, {logTau, p.apply(Op::kDiv, {p.constant(a), tau})});
  }
  return p.apply(Op::kLogExpIntegral,
                 {p.apply(Op::kDiv, {p.constant(1.0), tau})}, 0, a, b);
}

// The single-sided part covers [max(lo, 0), hi], the flipped part, mirrored
// onto s = -t, [max(-hi, 0), -lo].
NodeId logDeltaDecayIntegral(graph::Program& p, NodeId tau, Range range,
                             Basis basis) {
  const NodeId right = logExpTail(p, tau, std::max(range.lo, 0.0), range.hi);
  const NodeId left = logExpTail(p, tau, std::max(-range.hi, 0.0), -range.lo);
  switch (basis) {
    case Basis::kSingleSided:
      return right;
    case Basis::kFlipped:
      return left;
    default:
      return p.apply(Op::kLog,
                     {p.apply(Op::kAdd, {p.apply(Op::kExp, {right}),
                                         p.apply(Op::kExp, {left})})});
  }
}

}  // namespace

namespace {

// The Gaussian and delta models of the resolution model of a decay, with
// their weights.
std::vector<Component> componentsOf(Call& call) {
  const std::string model = call.name("resolutionModel");
  std::vector<Component> components;
  expand(call, findModel(call, model, call.field("resolutionModel").path),
         graph::kNoNode, 0, components);
  return components;
}

// A delta model puts nothing outside the basis' support, so that support
// must meet the range of t.
void requireSupport(Call& call, Basis basis, Range range,
                    const std::vector<Component>& components) {
  const bool empty = (basis == Basis::kSingleSided && range.hi <= 0) ||
                     (basis == Basis::kFlipped && range.lo >= 0);
  for (const Component& c : components) {
    if (!empty || c.model != ResolutionKind::kDelta) continue;
    call.fail(ErrorCode::kInvalidValue, "decayType",
              "the range of '" + call.variable("t") + "' [" +
                  std::to_string(range.lo) + ", " + std::to_string(range.hi) +
                  "] lies outside the support of this decay type, where "
                  "the density without resolution is zero");
  }
}

// log sum_i w_i exp(l_i), around the largest l_i; the weights may be
// negative during a fit, so they stay outside the logs. Where every term
// is zero, so is the sum.
NodeId logWeightedSum(graph::Program& p,
                      const std::vector<Component>& components,
                      const std::vector<NodeId>& logs) {
  if (components.size() == 1 && components.front().weight == graph::kNoNode) {
    return logs.front();
  }
  const NodeId top = funcs::fold(p, Op::kMax, logs, -kInf);
  std::vector<NodeId> terms;
  for (std::size_t i = 0; i < logs.size(); ++i) {
    const NodeId scaled =
        p.apply(Op::kExp, {p.apply(Op::kSub, {logs[i], top})});
    terms.push_back(times(p, components[i].weight, scaled));
  }
  const NodeId sum = funcs::fold(p, Op::kAdd, terms, 0.0);
  return p.apply(
      Op::kSelect,
      {p.apply(Op::kGreater, {top, p.constant(-kInf)}),
       p.apply(Op::kAdd, {top, p.apply(Op::kLog, {sum})}), p.constant(-kInf)});
}

// log of the integral of one component's convolution over `range`.
NodeId logComponentIntegral(Call& call, const Component& c, NodeId tau,
                            Range range, Basis basis) {
  graph::Program& p = call.program();
  if (c.model == ResolutionKind::kGaussian) {
    Call inner(call.builder(), *c.spec, call.context());
    const Shape shape{tau, inner.node("mean"), inner.node("sigma")};
    return logGaussianDecayIntegral(p, shape, range, basis);
  }
  return logDeltaDecayIntegral(p, tau, range, basis);
}

}  // namespace

NodeId decayLogDensity(Call& call) {
  graph::Program& p = call.program();
  const Basis basis = basisOf(call);
  const NodeId t = call.node("t");
  const NodeId tau = call.node("tau");
  const Range range = timeRange(call);
  const std::vector<Component> components = componentsOf(call);
  requireSupport(call, basis, range, components);
  std::vector<NodeId> logPdfs;
  for (const Component& c : components) {
    NodeId logConvolution;
    if (c.model == ResolutionKind::kGaussian) {
      Call inner(call.builder(), *c.spec, call.context());
      const Shape shape{tau, inner.node("mean"), inner.node("sigma")};
      logConvolution = logGaussianDecay(p, shape, t, basis);
    } else {
      logConvolution = logDeltaDecay(p, tau, t, basis);
    }
    const NodeId logIntegral = logComponentIntegral(call, c, tau, range, basis);
    logPdfs.push_back(p.apply(Op::kSub, {logConvolution, logIntegral}));
  }
  // A lifetime or resolution that is not positive gives no density at all,
  // not a mixture of the components that remain defined.
  NodeId logPdf =
      requirePositive(call, logWeightedSum(p, components, logPdfs), {"tau"});
  for (const Component& c : components) {
    if (c.model != ResolutionKind::kGaussian) continue;
    Call inner(call.builder(), *c.spec, call.context());
    logPdf = requirePositive(inner, logPdf, {"sigma"});
  }
  return logPdf;
}

// The density is normalised over the range of t, so its integral over a
// part of that range is the weighted sum of each component's share.
NodeId decayLogIntegral(Call& call, const std::string& var, Range range) {
  if (var != call.variable("t")) return graph::kNoNode;
  graph::Program& p = call.program();
  const Range whole = timeRange(call);
  if (range.lo == whole.lo && range.hi == whole.hi) return p.constant(0.0);
  const Basis basis = basisOf(call);
  const NodeId tau = call.node("tau");
  const std::vector<Component> components = componentsOf(call);
  std::vector<NodeId> logShares;
  for (const Component& c : components) {
    logShares.push_back(
        p.apply(Op::kSub, {logComponentIntegral(call, c, tau, range, basis),
                           logComponentIntegral(call, c, tau, whole, basis)}));
  }
  return logWeightedSum(p, components, logShares);
}

}  // namespace hs3::dists
