// projected_dist (RooProjectedPdf): the marginal of a distribution over some
// of its observables y, p(x) = int p(x, y) dy / int int p(x, y) dx dy over
// the ranges of the observables, a density of the observables x it keeps.
//
// The input is read as this engine builds a product: its factors (through
// nested products) in groups connected by shared observables, each group
// normalised on its own. So the marginal is a product over the groups: a
// group without y stays as it is, a group of y alone integrates to one and
// drops out, and only a group using both x and y is integrated, per event
// by an EventQuadrature and over everything by the scalar quadrature. When
// no group mixes them the projection is exact and costs nothing more than
// the factors it keeps.
//
// RooProjectedPdf cannot be extended, so neither is the projection: the
// expected counts of the input are not carried over.

#include <algorithm>
#include <cmath>
#include <numeric>

#include "dists/distributions.hpp"
#include "funcs/integration.hpp"

namespace hs3::dists {

using graph::Builder;
using graph::Context;
using graph::Op;

namespace {

// The factors of `name` through nested products, or `name` itself.
void collectFactors(Builder& builder, const std::string& name,
                    std::vector<std::string>& out) {
  const graph::ObjectSpec* spec = builder.findDistribution(name);
  if (!spec || spec->type != "product_dist") {
    out.push_back(name);
    return;
  }
  auto factors =
      spec->fields.find(spec->hasField("factors") ? "factors" : "pdfs");
  if (factors == spec->fields.end()) return;
  for (const graph::Ref& r : factors->second.items) {
    if (!r.isNumber()) collectFactors(builder, r.name, out);
  }
}

// A group of factors connected by shared observables.
struct Group {
  std::vector<std::string> factors;
  std::vector<std::string> kept;        // bound, not integrated over
  std::vector<std::string> integrated;  // of the projection's
};

void insertOnce(std::vector<std::string>& into, const std::string& name) {
  if (std::find(into.begin(), into.end(), name) == into.end()) {
    into.push_back(name);
  }
}

std::vector<Group> groupFactors(Builder& builder, const Context& context,
                                const std::vector<std::string>& factors,
                                const std::vector<std::string>& integrated) {
  std::vector<std::vector<std::string>> kept, over;
  for (const std::string& f : factors) {
    kept.emplace_back();
    over.emplace_back();
    for (const std::string& o : builder.observablesOf(f, context)) {
      if (std::find(integrated.begin(), integrated.end(), o) ==
          integrated.end()) {
        kept.back().push_back(o);
      }
    }
    for (const std::string& y : integrated) {
      if (builder.dependsOn(f, y)) over.back().push_back(y);
    }
  }
  auto shares = [](const std::vector<std::string>& a,
                   const std::vector<std::string>& b) {
    return std::any_of(a.begin(), a.end(), [&](const std::string& o) {
      return std::find(b.begin(), b.end(), o) != b.end();
    });
  };
  std::vector<std::size_t> label(factors.size());
  std::iota(label.begin(), label.end(), 0);
  for (std::size_t i = 0; i < factors.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!shares(kept[i], kept[j]) && !shares(over[i], over[j])) continue;
      const std::size_t from = label[i], to = label[j];
      for (std::size_t& l : label) {
        if (l == from) l = to;
      }
    }
  }
  std::vector<Group> groups;
  for (std::size_t g = 0; g < factors.size(); ++g) {
    Group group;
    for (std::size_t i = 0; i < factors.size(); ++i) {
      if (label[i] != g) continue;
      group.factors.push_back(factors[i]);
      for (const std::string& o : kept[i]) insertOnce(group.kept, o);
      for (const std::string& y : over[i]) insertOnce(group.integrated, y);
    }
    if (!group.factors.empty()) groups.push_back(std::move(group));
  }
  return groups;
}

// log of the marginal of a group of factors that uses kept and integrated
// observables: the per-event integral over the integrated ones, divided by
// the integral over all of them. Both integrate the same unnormalised
// product, so that the normalisations of its composite factors cancel.
NodeId logMarginal(Call& call, const Group& group) {
  Builder& b = call.builder();
  const std::string& where = call.spec().path;
  Context& box = b.newContext(call.context().length);
  box.bound = call.context().bound;
  box.ranges = call.context().ranges;
  for (const std::string& y : group.integrated) {
    const Range range = funcs::variableRange(b, call.context(), y);
    if (!range.isFinite()) {
      call.fail(ErrorCode::kInvalidValue, "observables",
                "the integrated observable '" + y +
                    "' has no finite range; give it a min and max in the "
                    "default_domain");
    }
    box.ranges[y] = range;
  }
  auto logProduct = [&group, &where](Builder& in, Context& q) {
    graph::Program& p = in.program();
    NodeId total = graph::kNoNode;
    for (const std::string& f : group.factors) {
      const NodeId logF = in.unnormalisedLogDensity(f, q, where);
      total = total == graph::kNoNode ? logF : p.apply(Op::kAdd, {total, logF});
    }
    return total;
  };
  std::vector<std::string> all = group.integrated;
  all.insert(all.end(), group.kept.begin(), group.kept.end());
  const NodeId logZ = b.logIntegralNumeric(all, box, logProduct, where);
  const NodeId logIntegrals = b.logIntegralsPerEvent(
      group.integrated, group.kept, box, logProduct, where);
  return call.program().apply(Op::kSub, {logIntegrals, logZ});
}

}  // namespace

LogPdf projection(Call& call) {
  Builder& b = call.builder();
  graph::Program& p = call.program();
  const std::string input = call.name("input_pdf");
  if (!b.findDistribution(input)) {
    call.fail(ErrorCode::kUnknownName, "input_pdf",
              "no distribution named '" + input + "'");
  }
  // Observables the input does not depend on are ignored, as ROOT does.
  std::vector<std::string> integrated;
  for (const std::string& o : call.names("observables")) {
    if (b.dependsOn(input, o)) insertOnce(integrated, o);
  }

  std::vector<std::string> factors;
  collectFactors(b, input, factors);
  LogPdf out;
  // The groups kept whole are built as one product, which normalises them
  // as the input does.
  graph::ObjectSpec keptProduct;
  keptProduct.name = call.spec().name;
  keptProduct.type = "product_dist";
  keptProduct.path = call.spec().path;
  graph::Field& keptFactors = keptProduct.fields["factors"];
  keptFactors.isList = true;
  keptFactors.path = call.spec().path;
  for (const Group& group :
       groupFactors(b, call.context(), factors, integrated)) {
    if (group.integrated.empty()) {
      for (const std::string& f : group.factors) {
        keptFactors.items.push_back({f, 0.0});
      }
      continue;
    }
    if (group.kept.empty()) continue;
    const NodeId logF = logMarginal(call, group);
    out.perEvent = out.perEvent == graph::kNoNode
                       ? logF
                       : p.apply(Op::kAdd, {out.perEvent, logF});
  }
  if (!keptFactors.items.empty()) {
    Call keptCall(b, keptProduct, call.context());
    const LogPdf kept = product(keptCall);
    out.once = kept.once;
    out.perEvent = out.perEvent == graph::kNoNode
                       ? kept.perEvent
                       : p.apply(Op::kAdd, {out.perEvent, kept.perEvent});
  }
  if (out.perEvent == graph::kNoNode) out.perEvent = p.constant(0.0);
  return out;
}

}  // namespace hs3::dists
