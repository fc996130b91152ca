// The function families; graph/registry.cpp maps their HS3 type keys here.
#pragma once

#include "graph/builder.hpp"

namespace hs3::funcs {

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
