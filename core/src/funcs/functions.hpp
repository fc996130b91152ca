// The function families; graph/registry.cpp maps their HS3 type keys here.
#pragma once

#include <string>
#include <vector>

#include "graph/builder.hpp"

namespace hs3::funcs {

// items[0] op items[1] op ...; `empty` when there are none.
graph::NodeId fold(graph::Program& p, graph::Op op,
                   const std::vector<graph::NodeId>& items, double empty);

// What N coefficients of N parts mean: weights as they are (RooRealSumPdf,
// RooRealSumFunc), or fractions of their sum (RooAddPdf, RooAddModel).
enum class FullCoefficients { kAsWeights, kDividedBySum };

struct MixtureWeights {
  std::vector<graph::NodeId> weights;  // one per part
  graph::NodeId sum;                   // of the coefficients given
  bool full;                           // N coefficients, not N-1
};

// The weights of `parts` parts (listed under `partsKey`) from the key
// "coefficients": N of them, read as `full` says, or N-1, with the last
// weight 1 minus the sum of the others. Other counts are refused.
MixtureWeights mixtureWeights(graph::Call& call, std::size_t parts,
                              const std::string& partsKey,
                              FullCoefficients full);

graph::NodeId sum(graph::Call& call);
graph::NodeId product(graph::Call& call);
graph::NodeId generic(graph::Call& call);
graph::NodeId polynomial(graph::Call& call);
graph::NodeId interpolation(graph::Call& call);
graph::NodeId interpolation0d(graph::Call& call);
graph::NodeId step(graph::Call& call);
graph::NodeId histogram(graph::Call& call);
graph::NodeId processNormalization(graph::Call& call);
graph::NodeId asymmetricPower(graph::Call& call);
graph::NodeId recursiveFraction(graph::Call& call);
graph::NodeId weightedSum(graph::Call& call);
graph::NodeId binVolume(graph::Call& call);
graph::NodeId inverseBinVolume(graph::Call& call);
graph::NodeId binWidth(graph::Call& call);

// spline.cpp
graph::NodeId spline(graph::Call& call);

// calculus.cpp
graph::NodeId derivative(graph::Call& call);
graph::NodeId integral(graph::Call& call);

}  // namespace hs3::funcs
