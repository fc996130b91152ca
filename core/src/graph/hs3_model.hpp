// From an HS3 document to a Model: HistFactory likelihoods through a
// Workspace and Model::build, everything else through the general graph.
// A likelihood that mixes histfactory_dist channels with other
// distributions, or gives them aux terms other than Gaussian constraints of
// their modifiers, goes through the graph with the channels built by
// Model::build as one node of it: the channels' parameters come first, in
// HistFactory's order, and are shared by name; the data vector holds the
// channels' main bins, the other pairs' data, then the channels' aux data.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "graph/document.hpp"
#include "hs3/model.hpp"

namespace hs3::graph {

struct Selection {
  std::string analysis;
  std::string likelihood;
  std::string distribution;
  std::string data;
  std::string point;
};

// The selected likelihood as a pyhf-style Workspace with one measurement,
// or nothing when it is not made of histfactory_dist channels and their
// constraints only.
std::optional<Workspace> histFactoryWorkspace(const Document& document,
                                              const Selection& selection);

std::shared_ptr<const Model> buildHs3Model(const Document& document,
                                           const Selection& selection,
                                           const ModelOptions& options);

}  // namespace hs3::graph
