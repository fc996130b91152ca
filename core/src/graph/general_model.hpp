// The compiled form of a general HS3 likelihood: its program, the two
// outputs (main terms and auxiliary terms) and, per (distribution, data)
// pair, where its data sit in the data vector.
#pragma once

#include <memory>
#include <string>
#include <vector>

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
};

}  // namespace hs3::graph
