// Distributions made of other distributions or of functions: mixtures,
// products, extended rates, efficiency products, generic expressions and
// densities given by a function.

#include <algorithm>
#include <cmath>
#include <numeric>

#include "dists/distributions.hpp"
#include "funcs/functions.hpp"
#include "hs3/log.hpp"

namespace hs3::dists {

using graph::Op;

namespace {

NodeId add(graph::Program& p, NodeId a, NodeId b) {
  if (a == graph::kNoNode) return b;
  if (b == graph::kNoNode) return a;
  return p.apply(Op::kAdd, {a, b});
}

}  // namespace

// sum_i c_i f_i with each f_i normalised. N coefficients: divided by their
// sum, and extended with that sum as the expected count unless the file
// says "extended": false; N-1 coefficients: the last is 1 - sum.
LogPdf mixture(Call& call) {
  graph::Program& p = call.program();
  graph::Builder& b = call.builder();
  const std::vector<std::string> summands = call.names("summands");
  const funcs::MixtureWeights w =
      funcs::mixtureWeights(call, summands.size(), "summands",
                            funcs::FullCoefficients::kDividedBySum);
  NodeId total = graph::kNoNode;
  for (std::size_t i = 0; i < summands.size(); ++i) {
    const NodeId logF =
        b.logPdf(summands[i], call.context(), call.spec().path).perEvent;
    total = add(p, total,
                p.apply(Op::kMul, {w.weights[i], p.apply(Op::kExp, {logF})}));
  }
  LogPdf out;
  out.perEvent = p.apply(Op::kLog, {total});
  if (w.full && call.number("extended", 1.0) != 0) out.expected = w.sum;
  return out;
}

// Factors sharing observables are normalised jointly (numerically); factors
// with observables of their own keep their own normalisation; factors with
// no observable in the context (constraints) count once, not per event.
LogPdf product(Call& call) {
  graph::Program& p = call.program();
  graph::Builder& b = call.builder();
  const std::vector<std::string> factors =
      call.has("factors") || !call.has("pdfs") ? call.names("factors")
                                               : call.names("pdfs");
  std::vector<std::vector<std::string>> observables;
  for (const std::string& f : factors) {
    observables.push_back(b.observablesOf(f, call.context()));
  }
  // Groups of factors connected by shared observables.
  std::vector<std::size_t> group(factors.size());
  std::iota(group.begin(), group.end(), 0);
  for (std::size_t i = 0; i < factors.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const bool shared = std::any_of(
          observables[i].begin(), observables[i].end(),
          [&](const std::string& o) {
            return std::find(observables[j].begin(), observables[j].end(), o) !=
                   observables[j].end();
          });
      if (!shared) continue;
      const std::size_t from = group[i], to = group[j];
      for (std::size_t& g : group) {
        if (g == from) g = to;
      }
    }
  }
  LogPdf out;
  const std::string& where = call.spec().path;
  for (std::size_t g = 0; g < factors.size(); ++g) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < factors.size(); ++i) {
      if (group[i] == g) members.push_back(i);
    }
    if (members.empty()) continue;
    if (members.size() == 1) {
      const std::size_t i = members.front();
      const LogPdf f = b.logPdf(factors[i], call.context(), where);
      if (observables[i].empty()) {
        out.once.emplace(factors[i], f.perEvent);
      } else {
        out.perEvent = add(p, out.perEvent, f.perEvent);
      }
      out.once.insert(f.once.begin(), f.once.end());
      if (f.expected != graph::kNoNode) {
        out.expected = out.expected == graph::kNoNode
                           ? f.expected
                           : p.apply(Op::kMul, {out.expected, f.expected});
      }
      continue;
    }
    std::vector<std::string> joint;
    for (std::size_t i : members) {
      for (const std::string& o : observables[i]) {
        if (std::find(joint.begin(), joint.end(), o) == joint.end()) {
          joint.push_back(o);
        }
      }
    }
    auto logProduct = [&](graph::Builder& in, graph::Context& context) {
      NodeId total = graph::kNoNode;
      for (std::size_t i : members) {
        total = add(in.program(), total,
                    in.unnormalisedLogDensity(factors[i], context, where));
      }
      return total;
    };
    const NodeId logZ =
        b.logIntegralNumeric(joint, call.context(), logProduct, where);
    out.perEvent =
        add(p, out.perEvent,
            p.apply(Op::kSub, {logProduct(b, call.context()), logZ}));
  }
  if (out.perEvent == graph::kNoNode) out.perEvent = p.constant(0.0);
  return out;
}

LogPdf rateExtended(Call& call) {
  LogPdf out;
  const graph::Ref& dist = call.ref(call.pick({"dist", "pdf"}));
  out.perEvent = call.builder()
                     .logPdf(dist.name, call.context(), call.spec().path)
                     .perEvent;
  out.expected = call.node(call.pick({"rate", "norm"}));
  return out;
}

NodeId efficiencyProductLogDensity(Call& call) {
  graph::Program& p = call.program();
  const NodeId logF = call.builder().unnormalisedLogDensity(
      call.ref("pdf").name, call.context(), call.spec().path);
  return p.apply(Op::kAdd, {logF, p.apply(Op::kLog, {call.node("eff")})});
}

NodeId genericLogDensity(Call& call) {
  graph::Builder& b = call.builder();
  graph::Context& context = call.context();
  const std::string& where = call.spec().path;
  const NodeId value = funcs::emitExpression(
      b.expression(call.spec()), call.program(),
      [&](const std::string& name) { return b.value(name, context, where); });
  return call.program().apply(Op::kLog, {value});
}

NodeId densityFunctionLogDensity(Call& call) {
  return call.program().apply(Op::kLog, {call.node("function")});
}

// density_function_dist: normalised numerically over its observables unless
// the file says the function already is a density (ROOT reads
// "selfNormalized", writes "selfnormalized").
LogPdf selfNormalisedDensityFunction(Call& call) {
  LogPdf out;
  out.perEvent = densityFunctionLogDensity(call);
  const bool self = call.number("selfNormalized", 0.0) != 0 ||
                    call.number("selfnormalized", 0.0) != 0;
  const std::vector<std::string> observables =
      call.builder().observablesOf(call.spec().name, call.context());
  if (self || observables.empty()) return out;
  const std::string name = call.spec().name;
  const NodeId logZ = call.builder().logIntegralNumeric(
      observables, call.context(),
      [&](graph::Builder& in, graph::Context& q) {
        Call inner(in, call.spec(), q);
        return densityFunctionLogDensity(inner);
      },
      call.spec().path);
  out.perEvent = call.program().apply(Op::kSub, {out.perEvent, logZ});
  return out;
}

NodeId logDensityFunctionLogDensity(Call& call) {
  return call.node("function");
}

}  // namespace hs3::dists
