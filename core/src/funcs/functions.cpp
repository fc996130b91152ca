// Deterministic functions of parameters and observables.

#include "funcs/functions.hpp"

#include <cmath>

#include "dists/kernels.hpp"

namespace hs3::funcs {

using graph::Call;
using graph::NodeId;
using graph::Op;

NodeId fold(graph::Program& p, Op op, const std::vector<NodeId>& items,
            double empty) {
  if (items.empty()) return p.constant(empty);
  NodeId total = items.front();
  for (std::size_t i = 1; i < items.size(); ++i) {
    total = p.apply(op, {total, items[i]});
  }
  return total;
}

MixtureWeights mixtureWeights(Call& call, std::size_t parts,
                              const std::string& partsKey,
                              FullCoefficients full) {
  graph::Program& p = call.program();
  const std::vector<NodeId> c = call.nodes("coefficients");
  if (parts == 0 || (c.size() != parts && c.size() + 1 != parts)) {
    call.fail(ErrorCode::kShapeMismatch, "coefficients",
              "has " + std::to_string(c.size()) + " entries for " +
                  std::to_string(parts) + " " + partsKey + " (give N or N-1)");
  }
  MixtureWeights out{c, fold(p, Op::kAdd, c, 0.0), c.size() == parts};
  if (!out.full) {
    out.weights.push_back(p.apply(Op::kSub, {p.constant(1.0), out.sum}));
  } else if (full == FullCoefficients::kDividedBySum) {
    for (NodeId& w : out.weights) w = p.apply(Op::kDiv, {w, out.sum});
  }
  return out;
}

namespace {

kernels::InterpCode codeOf(Call& call, double code, bool flexible) {
  switch (static_cast<int>(code)) {
    case 0:
      return kernels::InterpCode::kLinear;
    case 1:
      return kernels::InterpCode::kExponential;
    case 2:
    case 3:
      return kernels::InterpCode::kParabolic;
    case 4:
      return flexible ? kernels::InterpCode::kPoly6Exp
                      : kernels::InterpCode::kPoly6Linear;
    case 5:
      return kernels::InterpCode::kPoly6Exp;
    case 6:
      if (!flexible) return kernels::InterpCode::kPoly6LinearMul;
      break;
    default:
      break;
  }
  call.fail(ErrorCode::kUnknownType, "interpolationCodes",
            "interpolation code " + std::to_string(code) +
                " is not supported (0 to 6 for interpolation, 0 to 5 for "
                "interpolation0d)");
}

// ROOT's combination: start from the nominal, add the shifts of additive
// codes, multiply by the factors of multiplicative ones.
NodeId interpolate(Call& call, NodeId nominal, const std::vector<NodeId>& hi,
                   const std::vector<NodeId>& lo, bool flexible) {
  graph::Program& p = call.program();
  const std::vector<NodeId> vars = call.nodes("vars");
  if (hi.size() != vars.size() || lo.size() != vars.size()) {
    call.fail(ErrorCode::kShapeMismatch, "vars",
              "needs one high and one low variation per variable");
  }
  std::vector<double> codes(vars.size(), 4.0);
  if (call.has("interpolationCodes")) {
    codes.clear();
    for (const graph::Ref& r : call.field("interpolationCodes").items) {
      if (!r.isNumber()) {
        call.fail(
            ErrorCode::kSchema, "interpolationCodes",
            "interpolation codes are numbers, not the name '" + r.name + "'");
      }
      codes.push_back(r.number);
    }
    if (codes.size() != vars.size()) {
      call.fail(ErrorCode::kShapeMismatch, "interpolationCodes",
                "needs one code per variable");
    }
  }
  NodeId total = nominal;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    const kernels::InterpCode code = codeOf(call, codes[i], flexible);
    const NodeId v = p.apply(Op::kInterpolate, {vars[i], nominal, hi[i], lo[i]},
                             static_cast<std::uint32_t>(code));
    total = p.apply(kernels::isAdditiveCode(code) ? Op::kAdd : Op::kMul,
                    {total, v});
  }
  if (call.number("positiveDefinite", 0.0) != 0) {
    total = p.apply(Op::kMax, {total, p.constant(0.0)});
  }
  return total;
}

}  // namespace

NodeId sum(Call& call) {
  return fold(call.program(), Op::kAdd, call.nodes("summands"), 0.0);
}

NodeId product(Call& call) {
  return fold(call.program(), Op::kMul, call.nodes("factors"), 1.0);
}

NodeId generic(Call& call) {
  graph::Builder& b = call.builder();
  graph::Context& context = call.context();
  const std::string& where = call.spec().path;
  return emitExpression(
      b.expression(call.spec()), call.program(),
      [&](const std::string& name) { return b.value(name, context, where); });
}

NodeId polynomial(Call& call) {
  graph::Program& p = call.program();
  const std::vector<NodeId> a = call.nodes("coefficients");
  const NodeId x = call.node("x");
  NodeId value = p.constant(0.0);
  for (std::size_t i = a.size(); i-- > 0;) {
    value = p.apply(Op::kAdd, {p.apply(Op::kMul, {value, x}), a[i]});
  }
  return value;
}

NodeId interpolation(Call& call) {
  return interpolate(call, call.node("nom"), call.nodes("high"),
                     call.nodes("low"), false);
}

NodeId interpolation0d(Call& call) {
  return interpolate(call, call.node("nom"), call.nodes("high"),
                     call.nodes("low"), true);
}

// ROOT's ParamHistFunc: the parameter of the bin the variable falls in.
NodeId step(Call& call) {
  const graph::ObjectSpec& spec = call.spec();
  if (spec.axes.size() != 1) {
    call.fail(ErrorCode::kInvalidValue, "axes",
              "only one-dimensional steps are supported");
  }
  const graph::Axis& axis = spec.axes.front();
  std::vector<NodeId> values;
  if (call.has("parameters")) {
    values = call.nodes("parameters");
  } else {
    for (double c : spec.contents) values.push_back(call.program().constant(c));
  }
  if (values.size() != axis.bins()) {
    call.fail(ErrorCode::kShapeMismatch, "parameters",
              "needs one value per bin (" + std::to_string(axis.bins()) + ")");
  }
  const std::string var = call.has("variables")
                              ? call.field("variables").items.front().name
                              : axis.name;
  const NodeId x = call.builder().value(var, call.context(), spec.path);
  return call.program().binLookup(x, values, axis.edges);
}

NodeId histogram(Call& call) { return step(call); }

// CMS combine's ProcessNormalization.
NodeId processNormalization(Call& call) {
  graph::Program& p = call.program();
  NodeId exponent = p.constant(0.0);
  if (call.has("thetaList")) {
    const std::vector<NodeId> theta = call.nodes("thetaList");
    const std::vector<NodeId> kappa = call.nodes("logKappa");
    if (kappa.size() != theta.size()) {
      call.fail(ErrorCode::kShapeMismatch, "logKappa", "needs one per theta");
    }
    for (std::size_t i = 0; i < theta.size(); ++i) {
      exponent = p.apply(Op::kAdd,
                         {exponent, p.apply(Op::kMul, {kappa[i], theta[i]})});
    }
  }
  if (call.has("asymmThetaList")) {
    const std::vector<NodeId> theta = call.nodes("asymmThetaList");
    const auto& kappas = call.field("logAsymmKappa").matrix;
    if (kappas.size() != theta.size()) {
      call.fail(ErrorCode::kShapeMismatch, "logAsymmKappa",
                "needs one [lo, hi] pair per theta");
    }
    for (std::size_t i = 0; i < theta.size(); ++i) {
      if (kappas[i].size() != 2) {
        call.fail(ErrorCode::kShapeMismatch, "logAsymmKappa",
                  "entries are [lo, hi] pairs");
      }
      const double s = kappas[i][1] + kappas[i][0];
      const double d = kappas[i][1] - kappas[i][0];
      const NodeId term = p.apply(
          Op::kMul,
          {p.constant(0.5),
           p.apply(Op::kAdd,
                   {p.apply(Op::kMul, {p.constant(d), theta[i]}),
                    p.apply(Op::kMul, {p.constant(s), p.apply(Op::kSmoothAbs,
                                                              {theta[i]})})})});
      exponent = p.apply(Op::kAdd, {exponent, term});
    }
  }
  NodeId value = p.apply(
      Op::kMul, {call.node("nominalValue"), p.apply(Op::kExp, {exponent})});
  if (call.has("otherFactorList")) {
    for (NodeId f : call.nodes("otherFactorList")) {
      value = p.apply(Op::kMul, {value, f});
    }
  }
  return value;
}

// kappa_hi^theta above zero, kappa_lo^-theta below.
NodeId asymmetricPower(Call& call) {
  graph::Program& p = call.program();
  const NodeId theta = call.node("theta");
  const NodeId hi = p.apply(Op::kPow, {call.node("kappaHigh"), theta});
  const NodeId lo =
      p.apply(Op::kPow, {call.node("kappaLow"), p.apply(Op::kNeg, {theta})});
  return p.apply(
      Op::kSelect,
      {p.apply(Op::kGreaterEqual, {theta, p.constant(0.0)}), hi, lo});
}

NodeId recursiveFraction(Call& call) {
  graph::Program& p = call.program();
  const std::vector<NodeId> a = call.nodes("list");
  if (a.empty()) call.fail(ErrorCode::kSchema, "list", "is empty");
  if (call.number("recursive", 1.0) != 0) {
    NodeId value = a.front();
    for (std::size_t i = 1; i < a.size(); ++i) {
      value = p.apply(Op::kMul,
                      {value, p.apply(Op::kSub, {p.constant(1.0), a[i]})});
    }
    return value;
  }
  return p.apply(Op::kDiv, {a.front(), fold(p, Op::kAdd, a, 0.0)});
}

// RooRealSumFunc: sum_i c_i s_i; with one coefficient fewer than samples,
// the last is 1 - sum of the others.
NodeId weightedSum(Call& call) {
  graph::Program& p = call.program();
  const std::vector<NodeId> samples = call.nodes("samples");
  const std::vector<NodeId> weights =
      mixtureWeights(call, samples.size(), "samples",
                     FullCoefficients::kAsWeights)
          .weights;
  std::vector<NodeId> terms;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    terms.push_back(p.apply(Op::kMul, {weights[i], samples[i]}));
  }
  return fold(p, Op::kAdd, terms, 0.0);
}

namespace {

// RooBinWidthFunction: the volume (product of bin widths) of the bin of the
// referenced histogram that holds its variables, 1 outside its range.
NodeId binVolumeOf(Call& call, bool inverse) {
  graph::Program& p = call.program();
  const graph::Ref& ref = call.ref("histogram");
  const graph::ObjectSpec* histogram =
      ref.isNumber() ? nullptr : call.builder().findFunction(ref.name);
  if (!histogram || histogram->axes.empty()) {
    call.fail(ErrorCode::kSchema, "histogram",
              "must name a histogram function (with axes)");
  }
  // A step (ParamHistFunc) names its variables; a histogram's are its axes.
  auto variables = histogram->fields.find("variables");
  NodeId volume = p.constant(1.0), inside = p.constant(1.0);
  for (std::size_t d = 0; d < histogram->axes.size(); ++d) {
    const graph::Axis& axis = histogram->axes[d];
    const bool named = variables != histogram->fields.end() &&
                       variables->second.items.size() > d;
    const std::string name =
        named ? variables->second.items[d].name : axis.name;
    const NodeId x =
        call.builder().value(name, call.context(), histogram->path);
    std::vector<NodeId> widths;
    for (std::size_t b = 0; b < axis.bins(); ++b) {
      widths.push_back(p.constant(axis.edges[b + 1] - axis.edges[b]));
    }
    volume = p.apply(Op::kMul, {volume, p.binLookup(x, widths, axis.edges)});
    const NodeId within = p.apply(
        Op::kAnd,
        {p.apply(Op::kGreaterEqual, {x, p.constant(axis.edges.front())}),
         p.apply(Op::kLessEqual, {x, p.constant(axis.edges.back())})});
    inside = p.apply(Op::kAnd, {inside, within});
  }
  volume = p.apply(Op::kSelect, {inside, volume, p.constant(1.0)});
  return inverse ? p.apply(Op::kDiv, {p.constant(1.0), volume}) : volume;
}

}  // namespace

NodeId binVolume(Call& call) { return binVolumeOf(call, false); }

NodeId inverseBinVolume(Call& call) { return binVolumeOf(call, true); }

// The older spelling: binwidth with the flag divideByBinWidth.
NodeId binWidth(Call& call) {
  return binVolumeOf(call, call.number("divideByBinWidth", 0.0) != 0);
}

}  // namespace hs3::funcs
