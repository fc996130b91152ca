// Distributions of counts in bins, and the distributions made of functions
// that binned models use:
//  - weighted_sum_dist (RooRealSumPdf): sum_i c_i s_i normalised over its
//    observables, exactly when the samples are histograms; extended with
//    that integral as the expected count when `extended` is true;
//  - rate_density_dist: the Poisson point process of a rate density f,
//    with rate the integral of f and shape f over that;
//  - bincounts_extended_dist and bincounts_density_dist: Poisson counts
//    in the bins of binned data, with expected counts rate times the
//    probability of each bin, or the integral of f over each bin;
//  - binsampling_dist (RooBinSamplingPdf): a pdf averaged over each bin of
//    its observable's binning.
//
// Bin counts support one-dimensional binnings; the integrals over bins are
// closed forms where the distribution has one for its variable, else
// quadratures.

#include <algorithm>

#include "dists/distributions.hpp"
#include "funcs/functions.hpp"
#include "funcs/integration.hpp"
#include "hs3/log.hpp"

namespace hs3::dists {

using graph::Builder;
using graph::Context;
using graph::Op;

namespace {

// The names among the values of `keys`.
std::vector<std::string> namesIn(Call& call,
                                 std::initializer_list<const char*> keys) {
  std::vector<std::string> out;
  for (const char* key : keys) {
    if (!call.has(key)) continue;
    for (const graph::Ref& r : call.field(key).items) {
      if (!r.isNumber()) out.push_back(r.name);
    }
  }
  return out;
}

// Integrals along one variable see that variable alone; refuses objects
// that also use other observables bound per entry.
void requireOnly(Call& call, const std::string& key, const std::string& target,
                 const std::string& variable) {
  for (const std::string& o :
       call.builder().observablesOf(target, call.context())) {
    if (o != variable) {
      call.fail(ErrorCode::kInvalidValue, key,
                "'" + target + "' depends on the observable '" + o +
                    "' besides '" + variable +
                    "'; only one-dimensional integrals are supported here");
    }
  }
}

// log of the integral over `variable` in `range` of the unnormalised
// density of distribution `name`: its closed form when its type has one for
// that variable, else by quadrature, where composites normalise their parts
// over `whole`.
NodeId logMass(Call& call, const std::string& name, const std::string& variable,
               Range range, Range whole) {
  Builder& b = call.builder();
  const graph::ObjectSpec& spec = *b.findDistribution(name);
  for (const graph::DistributionKind& kind : graph::distributionKinds()) {
    if (spec.type != kind.type) continue;
    if (kind.logIntegral && !kind.normalised && !kind.selfNormalised) {
      Context& closed = b.newContext(1);
      closed.ranges = call.context().ranges;
      closed.ranges[variable] = whole;
      closed.integrated.insert(variable);
      Call inner(b, spec, closed);
      const NodeId logIntegral = kind.logIntegral(inner, variable, range);
      if (logIntegral != graph::kNoNode) return logIntegral;
    }
    break;
  }
  Context& box = b.newContext(1);
  box.ranges = call.context().ranges;
  box.ranges[variable] = range;
  const std::string where = call.spec().path;
  return b.logIntegralNumeric(
      {variable}, box,
      [name, variable, whole, where](Builder& in, Context& points) {
        points.ranges[variable] = whole;
        return in.unnormalisedLogDensity(name, points, where);
      },
      where);
}

struct Binning {
  std::string variable;
  std::vector<double> edges;
};

std::vector<Range> binRanges(const std::vector<double>& edges) {
  std::vector<Range> out;
  for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
    out.push_back({edges[b], edges[b + 1]});
  }
  return out;
}

// The binning of a bin-count distribution: its `axes`, else those of a
// binned `dist`, else the binning of the data on `variable`. The data must
// be binned on it, with the same edges.
Binning binningOf(Call& call, const graph::ObjectSpec* dist,
                  const std::string& variable) {
  const std::vector<graph::Axis>* axes = nullptr;
  if (!call.spec().axes.empty()) {
    axes = &call.spec().axes;
  } else if (dist && !dist->axes.empty()) {
    axes = &dist->axes;
  }
  Binning binning;
  if (axes) {
    if (axes->size() != 1) {
      call.fail(ErrorCode::kInvalidValue, "axes",
                "only one-dimensional binnings are supported");
    }
    binning.variable = axes->front().name;
    binning.edges = axes->front().edges;
  } else {
    binning.variable = variable;
  }
  if (binning.variable.empty()) {
    call.fail(ErrorCode::kSchema, "axes",
              "needs 'axes', or a distribution with one observable here");
  }
  const Context& context = call.context();
  auto data = context.edges.find(binning.variable);
  if (data == context.edges.end()) {
    call.fail(
        ErrorCode::kSchema, "axes",
        "counts in bins pair with binned data on '" + binning.variable + "'");
  }
  if (binning.edges.empty()) {
    binning.edges = data->second;
  } else if (!funcs::sameEdges(binning.edges, data->second)) {
    call.fail(ErrorCode::kShapeMismatch, "axes",
              "the data on '" + binning.variable +
                  "' are binned differently from the distribution");
  }
  return binning;
}

// Per-bin expected counts as a likelihood term: Poisson counts, and the
// same as an extended density (expected = their sum).
LogPdf countsInBins(Call& call, const Binning& binning,
                    const std::vector<NodeId>& counts) {
  graph::Program& p = call.program();
  const NodeId x = call.context().bound.at(binning.variable);
  const NodeId total = funcs::fold(p, Op::kAdd, counts, 0.0);
  std::vector<NodeId> densities;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    const double width = binning.edges[b + 1] - binning.edges[b];
    densities.push_back(p.apply(
        Op::kDiv, {counts[b], p.apply(Op::kMul, {total, p.constant(width)})}));
  }
  LogPdf out;
  out.binExpected = p.binLookup(x, counts, binning.edges);
  out.expected = total;
  out.perEvent = p.apply(Op::kLog, {p.binLookup(x, densities, binning.edges)});
  return out;
}

}  // namespace

LogPdf weightedSumDist(Call& call) {
  graph::Program& p = call.program();
  Builder& b = call.builder();
  const graph::ObjectSpec& spec = call.spec();
  const funcs::ValueBuilder value = [&spec](Builder& in, Context& q) {
    Call inner(in, spec, q);
    return funcs::weightedSum(inner);
  };
  LogPdf out;
  out.perEvent = p.apply(Op::kLog, {funcs::weightedSum(call)});
  const std::vector<std::string> observables =
      b.observablesOf(spec.name, call.context());
  if (observables.empty()) {
    HS3_LOG(kWarning, "graph")
        << "weighted_sum_dist '" << spec.name
        << "' depends on no observable here; it is used unnormalised";
    return out;
  }
  NodeId integral;
  if (observables.size() == 1) {
    const std::string& x = observables.front();
    integral =
        funcs::valueIntegrals(b, call.context(),
                              namesIn(call, {"samples", "coefficients"}), x,
                              {call.context().ranges.at(x)}, value, spec.path)
            .front();
  } else {
    integral =
        funcs::signedIntegral(b, call.context(), observables, value, spec.path);
  }
  out.perEvent =
      p.apply(Op::kSub, {out.perEvent, p.apply(Op::kLog, {integral})});
  if (call.number("extended", 0.0) != 0) out.expected = integral;
  return out;
}

LogPdf rateDensity(Call& call) {
  graph::Program& p = call.program();
  const std::string x = call.name("x");
  const std::string density = call.name("density");
  if (!call.builder().findFunction(density)) {
    call.fail(ErrorCode::kUnknownName, "density",
              "no function named '" + density + "'");
  }
  auto range = call.context().ranges.find(x);
  if (range == call.context().ranges.end()) {
    call.fail(ErrorCode::kSchema, "x",
              "a rate density pairs with data on its variable '" + x + "'");
  }
  requireOnly(call, "density", density, x);
  const std::string where = call.spec().path;
  const funcs::ValueBuilder value = [density, where](Builder& in, Context& q) {
    return in.value(density, q, where);
  };
  const NodeId rate =
      funcs::valueIntegrals(call.builder(), call.context(), {density}, x,
                            {range->second}, value, where)
          .front();
  LogPdf out;
  out.perEvent = p.apply(Op::kSub, {p.apply(Op::kLog, {call.node("density")}),
                                    p.apply(Op::kLog, {rate})});
  out.expected = rate;
  return out;
}

LogPdf bincountsExtended(Call& call) {
  graph::Program& p = call.program();
  Builder& b = call.builder();
  const std::string dist = call.name("dist");
  const graph::ObjectSpec* spec = b.findDistribution(dist);
  if (!spec) {
    call.fail(ErrorCode::kUnknownName, "dist",
              "no distribution named '" + dist + "'");
  }
  // Without axes the variable is the one observable of `dist` here.
  const std::vector<std::string> observables =
      b.observablesOf(dist, call.context());
  const Binning binning =
      binningOf(call, spec, observables.size() == 1 ? observables.front() : "");
  requireOnly(call, "dist", dist, binning.variable);
  const Range whole = call.context().ranges.at(binning.variable);
  const NodeId logNorm = logMass(call, dist, binning.variable, whole, whole);
  const NodeId rate = call.node("rate");
  std::vector<NodeId> counts;
  for (const Range& bin : binRanges(binning.edges)) {
    const NodeId probability = p.apply(
        Op::kExp,
        {p.apply(Op::kSub, {logMass(call, dist, binning.variable, bin, whole),
                            logNorm})});
    counts.push_back(p.apply(Op::kMul, {rate, probability}));
  }
  return countsInBins(call, binning, counts);
}

LogPdf bincountsDensity(Call& call) {
  const std::string x = call.name("x");
  const std::string density = call.name("density");
  if (!call.builder().findFunction(density)) {
    call.fail(ErrorCode::kUnknownName, "density",
              "no function named '" + density + "'");
  }
  const Binning binning = binningOf(call, nullptr, x);
  if (binning.variable != x) {
    call.fail(
        ErrorCode::kSchema, "axes",
        "bins '" + binning.variable + "' but the variable is '" + x + "'");
  }
  requireOnly(call, "density", density, x);
  const std::string where = call.spec().path;
  const funcs::ValueBuilder value = [density, where](Builder& in, Context& q) {
    return in.value(density, q, where);
  };
  return countsInBins(
      call, binning,
      funcs::valueIntegrals(call.builder(), call.context(), {density}, x,
                            binRanges(binning.edges), value, where));
}

// RooBinSamplingPdf: the probability of the bin of x under `pdf` over the
// bin's width, with the observable's binning of the file's domains (ROOT
// writes it there), else ROOT's default of 100 bins over its range. The
// integrals are exact or adaptive, whatever `epsilon` asks of ROOT's
// integrator.
LogPdf binSampling(Call& call) {
  graph::Program& p = call.program();
  Builder& b = call.builder();
  const std::string pdf = call.name("pdf");
  const std::string x = call.name("observable");
  if (!b.findDistribution(pdf)) {
    call.fail(ErrorCode::kUnknownName, "pdf",
              "no distribution named '" + pdf + "'");
  }
  if (call.has("epsilon") && !(call.number("epsilon", 0.0) > 0)) {
    call.fail(ErrorCode::kInvalidValue, "epsilon", "must be positive");
  }
  auto bound = call.context().bound.find(x);
  if (bound == call.context().bound.end()) {
    call.fail(ErrorCode::kSchema, "observable",
              "pairs with data on its observable '" + x + "'");
  }
  requireOnly(call, "pdf", pdf, x);
  const Range whole = call.context().ranges.at(x);
  std::vector<double> edges;
  if (const graph::Axis* axis =
          b.document().domainAxis(x, graph::AxisKind::kBinned)) {
    edges = axis->edges;
  } else {
    if (!whole.isFinite()) {
      call.fail(ErrorCode::kInvalidValue, "observable",
                "'" + x + "' has neither a binning nor a finite range");
    }
    edges = funcs::uniformEdges(whole.lo, whole.hi, 100);
  }
  // Each bin is an integral of its own, by quadrature where the pdf has no
  // closed form (some 70 kB and 0.2 ms a bin); the binning comes from a
  // domain, not from data of that size, so a typo in 'nbins' must not
  // build a million of them.
  constexpr std::size_t kMaxBins = 10000;
  if (edges.size() - 1 > kMaxBins) {
    call.fail(ErrorCode::kLimitExceeded, "observable",
              "the binning of '" + x + "' has " +
                  std::to_string(edges.size() - 1) + " bins, more than the " +
                  std::to_string(kMaxBins) + " supported");
  }
  const NodeId logNorm = logMass(call, pdf, x, whole, whole);
  std::vector<NodeId> averages;
  for (const Range& bin : binRanges(edges)) {
    const Range inside{std::max(bin.lo, whole.lo), std::min(bin.hi, whole.hi)};
    if (!(inside.hi > inside.lo)) {
      averages.push_back(p.constant(0.0));
      continue;
    }
    const NodeId probability = p.apply(
        Op::kExp,
        {p.apply(Op::kSub, {logMass(call, pdf, x, inside, whole), logNorm})});
    averages.push_back(
        p.apply(Op::kDiv, {probability, p.constant(bin.hi - bin.lo)}));
  }
  LogPdf out;
  out.perEvent =
      p.apply(Op::kLog, {p.binLookup(bound->second, averages, edges)});
  return out;
}

}  // namespace hs3::dists
