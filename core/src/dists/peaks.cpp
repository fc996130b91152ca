// Peaks: the generalised normal and ROOT's RooGamma, whose integrals over a
// finite range are incomplete gamma functions (the graph has no node for
// them, so the Builder integrates those numerically and only the whole
// line is closed form here), the bifurcated Gaussian (closed form on any
// range, one truncated normal per side) and the relativistic Breit-Wigner
// line shape of the HS3 text (normalised numerically).

#include <cmath>

#include "dists/distributions.hpp"
#include "dists/kernels.hpp"

namespace hs3::dists {

using graph::Op;

namespace {

[[noreturn]] void failAt(Call& call, const graph::Record& record,
                         ErrorCode code, const std::string& message) {
  throw Error(code, record.path,
              call.spec().type + " '" + call.spec().name + "': " + message);
}

// A key of a channel object: its node, or `fallback` when it is absent.
NodeId recordValue(Call& call, const graph::Record& record, const char* key,
                   double fallback) {
  auto it = record.keys.find(key);
  if (it == record.keys.end()) return call.program().constant(fallback);
  return call.value(it->second);
}

// The denominator of the Blatt-Weisskopf factor of orbital momentum l, a
// polynomial in z^2 (the squared modulus of z h_l(z), h_l the spherical
// Hankel function, times z^2l), for l = 0 to 4.
NodeId barrierDenominator(graph::Program& p, NodeId z2, int l) {
  static const double kCoefficients[5][5] = {{1, 0, 0, 0, 0},
                                             {1, 1, 0, 0, 0},
                                             {9, 3, 1, 0, 0},
                                             {225, 45, 6, 1, 0},
                                             {11025, 1575, 135, 10, 1}};
  NodeId value = p.constant(kCoefficients[l][l]);
  for (int k = l; k-- > 0;) {
    value = p.apply(Op::kAdd, {p.apply(Op::kMul, {value, z2}),
                               p.constant(kCoefficients[l][k])});
  }
  return value;
}

}  // namespace

// exp(-(|x - mean| / alpha)^beta).
NodeId generalizedNormalLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId distance = p.apply(
      Op::kAbs, {p.apply(Op::kSub, {call.node("x"), call.node("mean")})});
  const NodeId scaled = p.apply(Op::kDiv, {distance, call.node("alpha")});
  return requirePositive(
      call, p.apply(Op::kNeg, {p.apply(Op::kPow, {scaled, call.node("beta")})}),
      {"alpha", "beta"});
}

// Over the whole line of x, or of the mean (the density is symmetric in
// them): 2 alpha Gamma(1 + 1/beta).
NodeId generalizedNormalLogIntegral(Call& call, const std::string& var,
                                    Range range) {
  if ((var != call.variable("x") && var != call.variable("mean")) ||
      !range.isWholeLine()) {
    return graph::kNoNode;
  }
  graph::Program& p = call.program();
  const NodeId inverseBeta =
      p.apply(Op::kDiv, {p.constant(1.0), call.node("beta")});
  return p.apply(
      Op::kAdd,
      {p.apply(Op::kLog,
               {p.apply(Op::kMul, {p.constant(2.0), call.node("alpha")})}),
       p.apply(Op::kLgamma,
               {p.apply(Op::kAdd, {p.constant(1.0), inverseBeta})})});
}

// A Gaussian with sigmaL below the mean and sigmaR from the mean up, equal
// to 1 at the mean (RooBifurGauss).
NodeId bifurcatedGaussianLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId d = p.apply(Op::kSub, {call.node("x"), call.node("mean")});
  const NodeId sigma =
      p.apply(Op::kSelect, {p.apply(Op::kLess, {d, p.constant(0.0)}),
                            call.node("sigmaL"), call.node("sigmaR")});
  const NodeId z = p.apply(Op::kDiv, {d, sigma});
  return requirePositive(
      call, p.apply(Op::kMul, {p.constant(-0.5), p.apply(Op::kMul, {z, z})}),
      {"sigmaL", "sigmaR"});
}

// Each half is a normal integral of its own width over the part of [lo, hi]
// on its side of the centre: sigma sqrt(2 pi) (Phi(b) - Phi(a)) with the
// standardised bounds clamped to that side, so a half outside the range
// contributes Phi(0) - Phi(0) = 0. As a function of the mean (centre x) the
// sides swap: mean > x is where sigmaL applies.
NodeId bifurcatedGaussianLogIntegral(Call& call, const std::string& var,
                                     Range range) {
  std::string centreKey, belowKey, aboveKey;
  if (var == call.variable("x")) {
    centreKey = "mean";
    belowKey = "sigmaL";
    aboveKey = "sigmaR";
  } else if (var == call.variable("mean")) {
    centreKey = "x";
    belowKey = "sigmaR";
    aboveKey = "sigmaL";
  } else {
    return graph::kNoNode;
  }
  graph::Program& p = call.program();
  const NodeId centre = call.node(centreKey);
  const NodeId zero = p.constant(0.0);
  auto clamped = [&](double bound, Op side, NodeId sigma) {
    if (std::isinf(bound)) {
      // The far end of its own side, or the centre for the other side.
      const bool ownSide = (bound < 0) == (side == Op::kMin);
      return ownSide ? p.constant(bound) : zero;
    }
    const NodeId offset = p.apply(Op::kSub, {p.constant(bound), centre});
    return p.apply(Op::kDiv, {p.apply(side, {offset, zero}), sigma});
  };
  auto half = [&](Op side, NodeId sigma) {
    const NodeId interval = p.apply(
        Op::kLogNormalInterval,
        {clamped(range.lo, side, sigma), clamped(range.hi, side, sigma)});
    return p.apply(Op::kMul, {sigma, p.apply(Op::kExp, {interval})});
  };
  const NodeId total = p.apply(Op::kAdd, {half(Op::kMin, call.node(belowKey)),
                                          half(Op::kMax, call.node(aboveKey))});
  return p.apply(Op::kAdd, {p.apply(Op::kLog, {total}),
                            p.constant(kernels::kLogSqrtTwoPi)});
}

// RooGamma: (x - mu)^(gamma - 1) exp(-(x - mu) / beta) above mu, zero at
// and below it.
NodeId gammaLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId d = p.apply(Op::kSub, {call.node("x"), call.node("mu")});
  const NodeId inside = p.apply(
      Op::kSub,
      {p.apply(Op::kMul,
               {p.apply(Op::kSub, {call.node("gamma"), p.constant(1.0)}),
                p.apply(Op::kLog, {d})}),
       p.apply(Op::kDiv, {d, call.node("beta")})});
  return requirePositive(
      call,
      p.apply(Op::kSelect, {p.apply(Op::kGreater, {d, p.constant(0.0)}), inside,
                            p.constant(-kInf)}),
      {"gamma", "beta"});
}

// Over the whole line of x or of mu: Gamma(gamma) beta^gamma.
NodeId gammaLogIntegral(Call& call, const std::string& var, Range range) {
  if ((var != call.variable("x") && var != call.variable("mu")) ||
      !range.isWholeLine()) {
    return graph::kNoNode;
  }
  graph::Program& p = call.program();
  const NodeId shape = call.node("gamma");
  return p.apply(
      Op::kAdd,
      {p.apply(Op::kLgamma, {shape}),
       p.apply(Op::kMul, {shape, p.apply(Op::kLog, {call.node("beta")})})});
}

// m Gamma_1(m) / |m_BW^2 - m^2 - i m_BW Gamma(m)|^2 with the running widths
// Gamma_i(m) = Gamma_BW,i n_l(z)^2 2 q_i / m of the HS3 text, z = q_i R.
//
// Keys. The HS3 text names one key, `mass`, "the mass variable", and no key
// for the resonance mass m_BW that its formula also needs. `mass` is read as
// the observable m (as for ARGUS_dist, whose `mass` is its observable too)
// and the resonance mass comes from the key `m_BW`, the text's own symbol.
//
// Form factors. The text writes h_0^2 = 1/(1+z^2), h_1^2 = 1/(9+3z^2+z^4)
// and calls them the standard Blatt-Weisskopf factors; but it also says
// that one channel with m1 = m2 = 0 and l = 0 is the constant-width
// Breit-Wigner, which holds only with the standard h_0 = 1 (q = m/2 then
// varies with m). Its two formulas are the standard h_1 and h_2, shifted by
// one, so the standard factors are used: n_l^2 = z^2l / D_l(z^2) with D_0 = 1,
// D_1 = 1 + z^2, D_2 = 9 + 3z^2 + z^4, ... up to l = 4.
//
// A channel is closed below its threshold m1 + m2 (zero width); the density
// is zero where the first channel is closed.
NodeId relativisticBreitWignerLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId m = call.node("mass");
  if (!call.has("m_BW")) {
    throw Error(ErrorCode::kSchema, call.spec().path,
                call.spec().type + " '" + call.spec().name +
                    "' needs the key 'm_BW', the resonance mass (the HS3 "
                    "text names no key for it; 'mass' is the observable)");
  }
  const NodeId pole = call.node("m_BW");
  const std::vector<graph::Record>& channels = call.field("channels").records;
  if (channels.empty()) {
    call.fail(ErrorCode::kSchema, "channels",
              "must be a list of channel objects, with at least one");
  }
  const NodeId mSquared = p.apply(Op::kMul, {m, m});
  NodeId totalWidth = p.constant(0.0);
  NodeId firstWidth = graph::kNoNode, firstOpen = graph::kNoNode;
  for (const graph::Record& channel : channels) {
    if (!channel.keys.count("Gamma")) {
      failAt(call, channel, ErrorCode::kSchema,
             "a channel needs 'Gamma', its partial width");
    }
    const graph::Ref& gamma = channel.keys.at("Gamma");
    if (gamma.isNumber() && !(gamma.number >= 0)) {
      failAt(call, channel, ErrorCode::kInvalidValue,
             "a channel's partial width 'Gamma' must not be negative");
    }
    const NodeId partial = recordValue(call, channel, "Gamma", 0.0);
    const NodeId m1 = recordValue(call, channel, "m1", 0.0);
    const NodeId m2 = recordValue(call, channel, "m2", 0.0);
    const NodeId radius = recordValue(call, channel, "R", 3.0);
    int l = 0;
    if (auto it = channel.keys.find("l"); it != channel.keys.end()) {
      const double value = it->second.number;
      if (!it->second.isNumber() || value != std::floor(value) || value < 0 ||
          value > 4) {
        failAt(call, channel, ErrorCode::kInvalidValue,
               "'l' must be a whole number from 0 to 4");
      }
      l = static_cast<int>(value);
    }
    auto thresholdFactor = [&](NodeId mass) {
      return p.apply(Op::kSub, {mSquared, p.apply(Op::kMul, {mass, mass})});
    };
    const NodeId qSquared = p.apply(
        Op::kDiv,
        {p.apply(Op::kMul, {thresholdFactor(p.apply(Op::kAdd, {m1, m2})),
                            thresholdFactor(p.apply(Op::kSub, {m1, m2}))}),
         p.apply(Op::kMul, {p.constant(4.0), mSquared})});
    const NodeId open = p.apply(Op::kGreater, {qSquared, p.constant(0.0)});
    const NodeId zSquared =
        p.apply(Op::kMul, {qSquared, p.apply(Op::kMul, {radius, radius})});
    const NodeId barrier =
        p.apply(Op::kDiv, {p.apply(Op::kPow, {zSquared, p.constant(l)}),
                           barrierDenominator(p, zSquared, l)});
    const NodeId phaseSpace = p.apply(
        Op::kDiv,
        {p.apply(Op::kMul, {p.constant(2.0), p.apply(Op::kSqrt, {qSquared})}),
         m});
    const NodeId width = p.apply(
        Op::kSelect,
        {open,
         p.apply(Op::kMul, {partial, p.apply(Op::kMul, {barrier, phaseSpace})}),
         p.constant(0.0)});
    if (firstWidth == graph::kNoNode) {
      firstWidth = width;
      firstOpen = open;
    }
    totalWidth = p.apply(Op::kAdd, {totalWidth, width});
  }
  const NodeId poleSquared = p.apply(Op::kMul, {pole, pole});
  const NodeId real = p.apply(Op::kSub, {poleSquared, mSquared});
  const NodeId imaginary = p.apply(Op::kMul, {pole, totalWidth});
  const NodeId denominator =
      p.apply(Op::kAdd, {p.apply(Op::kMul, {real, real}),
                         p.apply(Op::kMul, {imaginary, imaginary})});
  const NodeId inside = p.apply(
      Op::kSub, {p.apply(Op::kLog, {p.apply(Op::kMul, {m, firstWidth})}),
                 p.apply(Op::kLog, {denominator})});
  return p.apply(Op::kSelect, {firstOpen, inside, p.constant(-kInf)});
}

}  // namespace hs3::dists
