// Peak and edge shapes without closed-form integrals (normalised by
// quadrature), and histograms.

#include <algorithm>
#include <cmath>
#include <limits>

#include "dists/distributions.hpp"

namespace hs3::dists {

using graph::Op;

namespace {

NodeId minusInfinity(graph::Program& p) {
  return p.constant(-std::numeric_limits<double>::infinity());
}

}  // namespace

// m (1 - (m/m0)^2)^p exp(c (1 - (m/m0)^2)) below m0, zero above.
NodeId argusLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId m = call.node("mass");
  const NodeId ratio = p.apply(Op::kDiv, {m, call.node("resonance")});
  const NodeId u =
      p.apply(Op::kSub, {p.constant(1.0), p.apply(Op::kMul, {ratio, ratio})});
  const NodeId inside =
      p.apply(Op::kAdd,
              {p.apply(Op::kAdd, {p.apply(Op::kLog, {m}),
                                  p.apply(Op::kMul, {call.node("power"),
                                                     p.apply(Op::kLog, {u})})}),
               p.apply(Op::kMul, {call.node("slope"), u})});
  return p.apply(Op::kSelect, {p.apply(Op::kGreater, {u, p.constant(0.0)}),
                               inside, minusInfinity(p)});
}

// Crystal Ball: a Gaussian core with power-law tails. With alpha/n/sigma it
// is ROOT's one-sided RooCBShape (tail on the left, on the right for
// negative alpha); with _L/_R keys the two-sided shape of the HS3 text.
NodeId crystalBallLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId m = call.node(call.pick({"m", "x"}));
  const NodeId m0 = call.node(call.pick({"m0", "mean"}));
  const bool twoSided = call.has("alpha_L") || call.has("alpha_R");
  auto side = [&](const char* base, const char* suffix) {
    const std::string key = std::string(base) + suffix;
    return call.has(key) ? call.node(key) : call.node(base);
  };
  // log of the tail A (B + s t)^-n for the side with sign s (t the
  // standardised distance), and its switch-over point.
  auto tail = [&](NodeId t, NodeId alpha, NodeId n) {
    const NodeId absAlpha = p.apply(Op::kAbs, {alpha});
    const NodeId nOverAlpha = p.apply(Op::kDiv, {n, absAlpha});
    const NodeId logA = p.apply(
        Op::kSub,
        {p.apply(Op::kMul, {n, p.apply(Op::kLog, {nOverAlpha})}),
         p.apply(Op::kMul,
                 {p.constant(0.5), p.apply(Op::kMul, {absAlpha, absAlpha})})});
    const NodeId b = p.apply(Op::kSub, {nOverAlpha, absAlpha});
    return p.apply(
        Op::kSub,
        {logA, p.apply(Op::kMul,
                       {n, p.apply(Op::kLog, {p.apply(Op::kSub, {b, t})})})});
  };
  auto core = [&](NodeId t) {
    return p.apply(Op::kMul, {p.constant(-0.5), p.apply(Op::kMul, {t, t})});
  };
  if (!twoSided) {
    const NodeId alpha = call.node("alpha");
    const NodeId n = call.node("n");
    NodeId t =
        p.apply(Op::kDiv, {p.apply(Op::kSub, {m, m0}), call.node("sigma")});
    t = p.apply(Op::kSelect, {p.apply(Op::kLess, {alpha, p.constant(0.0)}),
                              p.apply(Op::kNeg, {t}), t});
    const NodeId absAlpha = p.apply(Op::kAbs, {alpha});
    return p.apply(Op::kSelect,
                   {p.apply(Op::kLess, {t, p.apply(Op::kNeg, {absAlpha})}),
                    tail(t, alpha, n), core(t)});
  }
  const NodeId d = p.apply(Op::kSub, {m, m0});
  const NodeId tL = p.apply(Op::kDiv, {d, side("sigma", "_L")});
  const NodeId tR = p.apply(Op::kDiv, {d, side("sigma", "_R")});
  const NodeId aL = side("alpha", "_L"), aR = side("alpha", "_R");
  const NodeId left = p.apply(
      Op::kSelect,
      {p.apply(Op::kLess, {tL, p.apply(Op::kNeg, {p.apply(Op::kAbs, {aL})})}),
       tail(tL, aL, side("n", "_L")), core(tL)});
  const NodeId right =
      p.apply(Op::kSelect,
              {p.apply(Op::kGreater, {tR, p.apply(Op::kAbs, {aR})}),
               tail(p.apply(Op::kNeg, {tR}), aR, side("n", "_R")), core(tR)});
  return p.apply(Op::kSelect,
                 {p.apply(Op::kLess, {d, p.constant(0.0)}), left, right});
}

// A one-dimensional histogram as a density: content over bin width, each
// bin's share of the total.
NodeId histogramLogDensity(Call& call) {
  const graph::ObjectSpec& spec = call.spec();
  if (spec.axes.size() != 1) {
    call.fail(ErrorCode::kInvalidValue, "data",
              "only one-dimensional histograms are supported");
  }
  graph::Program& p = call.program();
  const graph::Axis& axis = spec.axes.front();
  std::vector<NodeId> densities;
  for (std::size_t b = 0; b < axis.bins(); ++b) {
    densities.push_back(
        p.constant(spec.contents[b] / (axis.edges[b + 1] - axis.edges[b])));
  }
  const NodeId x = call.builder().value(axis.name, call.context(), spec.path);
  return p.apply(Op::kLog, {p.binLookup(x, densities, axis.edges)});
}

// The contents of the bins within the range, partly covered bins in
// proportion.
NodeId histogramLogIntegral(Call& call, const std::string& var, Range range) {
  const graph::ObjectSpec& spec = call.spec();
  if (spec.axes.size() != 1 || spec.axes.front().name != var) {
    return graph::kNoNode;
  }
  const std::vector<double>& edges = spec.axes.front().edges;
  double total = 0.0;
  for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
    const double covered =
        std::min(range.hi, edges[b + 1]) - std::max(range.lo, edges[b]);
    if (covered > 0) {
      total += spec.contents[b] * covered / (edges[b + 1] - edges[b]);
    }
  }
  return call.program().constant(std::log(total));
}

}  // namespace hs3::dists
