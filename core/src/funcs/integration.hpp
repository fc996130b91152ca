// Integrals that functions and distributions take of other objects: the
// range a variable runs over, the binnings of histograms, exact integrals of
// values that are constant on the bins of their histograms, and integrals of
// values of either sign by quadrature.
//
//   const graph::Range r = variableRange(builder, context, "x");
//   if (auto edges = piecewiseConstantEdges(builder, {"h"}, "x")) ...
//     binnedIntegrals(builder, context, "x", *edges, {r}, build);
//   NodeId i = signedIntegral(builder, box, {"x"}, build, where);
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "graph/builder.hpp"

namespace hs3::funcs {

// Builds the value to integrate in a context (of the builder it is given).
using ValueBuilder =
    std::function<graph::NodeId(graph::Builder&, graph::Context&)>;

// The range of `variable`: its range in `context`, else its axis in the
// default_domain, else in any domain that has it; unbounded where none
// says.
graph::Range variableRange(const graph::Builder& builder,
                           const graph::Context& context,
                           const std::string& variable);

// Whether two lists of bin edges make the same binning: edges that differ
// by rounding, as when one writer lists edges that another computes from
// nbins, min and max, count as equal.
bool sameEdges(const std::vector<double>& a, const std::vector<double>& b);

// The edges of `bins` equal bins from lo to hi, each computed from lo and
// hi directly so that no rounding accumulates along the axis.
std::vector<double> uniformEdges(double lo, double hi, std::size_t bins);

// The bin edges along `variable` of the one-dimensional histograms through
// which alone the objects `names` depend on it, so that they are constant on
// each of those bins. Empty when they do not depend on `variable`; nothing
// when they use it otherwise, or through histograms binned differently.
std::optional<std::vector<double>> piecewiseConstantEdges(
    graph::Builder& builder, const std::vector<std::string>& names,
    const std::string& variable);

// The integrals over each of `ranges` of a value that is constant on the
// bins of `edges` along `variable`, built once by `value` in a context
// where `variable` runs over the bin centres: exact. The ranges lie within
// the edges.
std::vector<graph::NodeId> binnedIntegrals(
    graph::Builder& builder, const graph::Context& context,
    const std::string& variable, const std::vector<double>& edges,
    const std::vector<graph::Range>& ranges, const ValueBuilder& value);

// The integrals over each of `ranges` along `variable` of a value of either
// sign made of the objects `parts`: exact when they depend on `variable`
// through histograms alone (binnedIntegrals), else by signedIntegral. The
// other variables keep their ranges in `context`.
std::vector<graph::NodeId> valueIntegrals(
    graph::Builder& builder, const graph::Context& context,
    const std::vector<std::string>& parts, const std::string& variable,
    const std::vector<graph::Range>& ranges, const ValueBuilder& value,
    const std::string& where);

// The integral of a value of either sign over `variables` in the ranges of
// `context`: the difference of the quadratures of its positive and negative
// parts (Builder::logIntegralNumeric integrates positive values only).
graph::NodeId signedIntegral(graph::Builder& builder,
                             const graph::Context& context,
                             const std::vector<std::string>& variables,
                             const ValueBuilder& value,
                             const std::string& where);

}  // namespace hs3::funcs
