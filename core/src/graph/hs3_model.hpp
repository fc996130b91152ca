// From an HS3 document to a Model: HistFactory likelihoods through a
// Workspace and Model::build, everything else through the general graph.
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
// or nothing when it is not made of histfactory_dist channels only.
std::optional<Workspace> histFactoryWorkspace(const Document& document,
                                              const Selection& selection);

std::shared_ptr<const Model> buildHs3Model(const Document& document,
                                           const Selection& selection,
                                           const ModelOptions& options);

}  // namespace hs3::graph
