#include "funcs/integration.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace hs3::funcs {

using graph::Builder;
using graph::NodeId;
using graph::ObjectSpec;
using graph::Op;
using graph::Range;

namespace {

// The variable of a one-dimensional histogram function (histogram, or step
// with contents or parameters), empty for any other object.
std::string histogramVariable(const ObjectSpec& spec) {
  if ((spec.type != "histogram" && spec.type != "step") ||
      spec.axes.size() != 1) {
    return "";
  }
  auto variables = spec.fields.find("variables");
  if (variables != spec.fields.end() && variables->second.items.size() == 1) {
    return variables->second.items.front().name;
  }
  return spec.axes.front().name;
}

// The names an object refers to: its keys' names, the names of its
// expression and its axes. Setting strings (an interpolation name, a
// domain) come along; they name no object and are harmless here.
std::vector<std::string> referencedNames(Builder& builder,
                                         const ObjectSpec& spec) {
  std::vector<std::string> out;
  for (const graph::Axis& axis : spec.axes) out.push_back(axis.name);
  for (const auto& [key, field] : spec.fields) {
    if (key == "expression") {
      for (const std::string& n : builder.expression(spec).names()) {
        out.push_back(n);
      }
      continue;
    }
    for (const graph::Ref& r : field.items) {
      if (!r.isNumber()) out.push_back(r.name);
    }
  }
  return out;
}

// False when `name` uses `variable` other than as the axis of histograms
// with the edges collected so far.
bool collectEdges(Builder& builder, const std::string& name,
                  const std::string& variable, std::vector<double>& edges,
                  std::set<std::string>& seen) {
  if (name == variable) return false;
  if (!seen.insert(name).second) return true;
  const ObjectSpec* spec = builder.findFunction(name);
  if (!spec) spec = builder.findDistribution(name);
  if (!spec) return true;  // a parameter, or another observable
  const bool isHistogram = histogramVariable(*spec) == variable;
  if (isHistogram) {
    const std::vector<double>& own = spec->axes.front().edges;
    if (edges.empty()) {
      edges = own;
    } else if (!sameEdges(edges, own)) {
      return false;
    }
  }
  for (const std::string& r : referencedNames(builder, *spec)) {
    if (r == variable && isHistogram) continue;
    if (!collectEdges(builder, r, variable, edges, seen)) return false;
  }
  return true;
}

}  // namespace

bool sameEdges(const std::vector<double>& a, const std::vector<double>& b) {
  // Relative to the edge, at least 1. Edges that one writer lists in
  // decimal and another computes from nbins, min and max differ by
  // rounding or a shortened last digit, which this accepts; only bins
  // narrower than 1e-9 of their position, which no model has, could be
  // confused, and taking such near-equal edges as one binning moves an
  // integral by no more than that.
  constexpr double kTolerance = 1e-9;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double scale = std::max(1.0, std::abs(a[i]));
    if (std::abs(a[i] - b[i]) > kTolerance * scale) return false;
  }
  return true;
}

std::vector<double> uniformEdges(double lo, double hi, std::size_t bins) {
  std::vector<double> edges;
  for (std::size_t i = 0; i <= bins; ++i) {
    edges.push_back(lo + (hi - lo) * static_cast<double>(i) /
                             static_cast<double>(bins));
  }
  return edges;
}

Range variableRange(const Builder& builder, const graph::Context& context,
                    const std::string& variable) {
  auto bound = context.ranges.find(variable);
  if (bound != context.ranges.end()) return bound->second;
  const graph::Axis* axis = builder.document().domainAxis(variable);
  Range range = Range::wholeLine();
  if (axis && axis->min) range.lo = *axis->min;
  if (axis && axis->max) range.hi = *axis->max;
  return range;
}

std::optional<std::vector<double>> piecewiseConstantEdges(
    Builder& builder, const std::vector<std::string>& names,
    const std::string& variable) {
  std::vector<double> edges;
  std::set<std::string> seen;
  for (const std::string& name : names) {
    if (!collectEdges(builder, name, variable, edges, seen)) {
      return std::nullopt;
    }
  }
  return edges;
}

std::vector<NodeId> binnedIntegrals(Builder& builder,
                                    const graph::Context& context,
                                    const std::string& variable,
                                    const std::vector<double>& edges,
                                    const std::vector<Range>& ranges,
                                    const ValueBuilder& value) {
  std::vector<double> centres;
  for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
    centres.push_back(0.5 * (edges[b] + edges[b + 1]));
  }
  graph::Program& p = builder.program();
  graph::Context& atCentres = builder.newContext(centres.size());
  atCentres.ranges = context.ranges;
  atCentres.bound[variable] = p.column(std::move(centres));
  const NodeId v = value(builder, atCentres);
  std::vector<NodeId> out;
  for (const Range& range : ranges) {
    std::vector<double> overlaps;
    for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
      overlaps.push_back(std::max(0.0, std::min(range.hi, edges[b + 1]) -
                                           std::max(range.lo, edges[b])));
    }
    if (p.length(v) == 1) {
      double width = 0.0;
      for (double o : overlaps) width += o;
      out.push_back(p.apply(Op::kMul, {v, p.constant(width)}));
    } else {
      out.push_back(
          p.sum(p.apply(Op::kMul, {v, p.column(std::move(overlaps))})));
    }
  }
  return out;
}

NodeId signedIntegral(Builder& builder, const graph::Context& context,
                      const std::vector<std::string>& variables,
                      const ValueBuilder& value, const std::string& where) {
  // log max(+-f, 0) is -inf where the part vanishes; the quadrature then
  // adds nothing there, and an identically vanishing part integrates to 0.
  auto logIntegralOfPart = [&](bool negative) {
    return builder.logIntegralNumeric(
        variables, context,
        [&value, negative](Builder& in, graph::Context& points) {
          graph::Program& q = in.program();
          NodeId v = value(in, points);
          if (negative) v = q.apply(Op::kNeg, {v});
          return q.apply(Op::kLog, {q.apply(Op::kMax, {v, q.constant(0.0)})});
        },
        where);
  };
  graph::Program& p = builder.program();
  return p.apply(Op::kSub, {p.apply(Op::kExp, {logIntegralOfPart(false)}),
                            p.apply(Op::kExp, {logIntegralOfPart(true)})});
}

std::vector<NodeId> valueIntegrals(Builder& builder,
                                   const graph::Context& context,
                                   const std::vector<std::string>& parts,
                                   const std::string& variable,
                                   const std::vector<Range>& ranges,
                                   const ValueBuilder& value,
                                   const std::string& where) {
  const std::optional<std::vector<double>> edges =
      piecewiseConstantEdges(builder, parts, variable);
  bool exact = edges && !edges->empty();
  for (const Range& r : ranges) {
    exact = exact && r.lo >= edges->front() && r.hi <= edges->back();
  }
  if (exact) {
    return binnedIntegrals(builder, context, variable, *edges, ranges, value);
  }
  std::vector<NodeId> out;
  for (const Range& r : ranges) {
    graph::Context& box = builder.newContext(1);
    box.ranges = context.ranges;
    box.ranges[variable] = r;
    out.push_back(signedIntegral(builder, box, {variable}, value, where));
  }
  return out;
}

}  // namespace hs3::funcs
