// The Barlow-Beeston-lite constraint of HistFactory's statistical
// uncertainties, one factor per bin:
//   sum_i tau_i ln(gamma_i tau_i) - gamma_i tau_i - lgamma(tau_i + 1),
// the continued Poisson probability of the auxiliary count tau_i when
// gamma_i tau_i is expected (keys: x = the gamma_i, expected = the tau_i).
//
// The HS3 text writes the factor as Poisson(x_i tau_i; tau_i), which read
// literally makes x_i tau_i the observed count and tau_i the mean: a
// different function of gamma (its width and its maximum move). It
// describes the constraint of histfactory_dist, and every HistFactory
// implementation (ROOT, pyhf, pyhs3) uses Poisson(tau_i; gamma_i tau_i)
// there, so that is the meaning taken here.
//
// A mass function of its observed counts, it needs no normalisation.

#include "dists/distributions.hpp"

namespace hs3::dists {

using graph::Op;

NodeId barlowBeestonLiteLogDensity(Call& call) {
  graph::Program& p = call.program();
  const std::vector<NodeId> gamma = call.nodes("x");
  const std::vector<NodeId> tau = call.nodes("expected");
  if (tau.size() != gamma.size()) {
    call.fail(ErrorCode::kShapeMismatch, "expected",
              "has " + std::to_string(tau.size()) + " entries for " +
                  std::to_string(gamma.size()) + " in 'x'");
  }
  // A bin without Monte Carlo events has no statistical uncertainty to
  // constrain (HistFactory leaves such bins out), and the Poisson term of
  // zero expected events is not defined.
  for (const graph::Ref& r : call.field("expected").items) {
    if (r.isNumber() && !(r.number > 0)) {
      call.fail(ErrorCode::kInvalidValue, "expected",
                "the expected counts must be positive, not " +
                    std::to_string(r.number));
    }
  }
  NodeId total = p.constant(0.0);
  for (std::size_t i = 0; i < gamma.size(); ++i) {
    const NodeId mean = p.apply(Op::kMul, {gamma[i], tau[i]});
    total = p.apply(Op::kAdd, {total, logPoisson(p, tau[i], mean)});
  }
  return total;
}

}  // namespace hs3::dists
