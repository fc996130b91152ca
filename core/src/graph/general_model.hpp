// The compiled form of a general HS3 likelihood: its program, the two
// outputs (main terms and auxiliary terms) and, per (distribution, data)
// pair, where its data sit in the data vector. A likelihood that mixes
// histfactory_dist channels with other terms evaluates the channels as one
// node of the program (graph/embedded_histfactory.hpp); their log L, with
// their constraint terms, counts as main terms, as HS3 counts it as the
// term of their pairs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/embedded_histfactory.hpp"
#include "graph/program.hpp"

namespace hs3 {
class Model;
}

namespace hs3::graph {

struct GeneralModel {
  struct Term {
    std::string distribution;
    std::string data;
    NodeId perEvent = kNoNode;  // normalised log density per entry
    NodeId expected = kNoNode;  // extended: expected events
    std::size_t offset = 0;     // first weight in the data vector
    std::size_t length = 0;
    bool binned = false;
    std::vector<double> volumes;  // binned: volume of each bin
  };
  Program program;
  NodeId main = kNoNode;
  NodeId aux = kNoNode;
  std::vector<Term> terms;
  // Mixed likelihoods: the histfactory_dist channels and their node; null
  // and kNoNode otherwise.
  std::shared_ptr<const EmbeddedHistFactory> histFactory;
  NodeId histFactoryNode = kNoNode;
};

}  // namespace hs3::graph
