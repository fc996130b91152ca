// HistFactory channels as one node of a general Program, for HS3
// likelihoods that pair histfactory_dist channels with other distributions
// or add aux terms HistFactory has no word for. The channels keep the
// HistFactory kernel (Model::build, its fused value and analytic gradient);
// the rest of the graph shares their parameters by name.
//
// EmbeddedHistFactory describes the node and belongs to the Program, which
// stays immutable. Each Tape owns a HistFactoryRun: a Likelihood of the
// channels with its own buffers, so Programs remain shareable between
// threads.
//
//   auto channels = std::make_shared<EmbeddedHistFactory>();
//   channels->model = Model::build(workspace);
//   channels->inputs = {muNode, customNode};  // nodes it reads
//   channels->sources = {{0, 0}, {1, 0}, {1, 1}};  // model parameter <- value
//   channels->auxOffset = mainBins;    // its aux data in the data vector
//   NodeId logL = program.histFactory(channels);
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "graph/program.hpp"
#include "hs3/model.hpp"

namespace hs3::graph {

struct EmbeddedHistFactory {
  std::shared_ptr<const Model> model;
  // The graph nodes whose values the channels read: the parameter nodes of
  // their parameters, and the functions of their custom factors.
  std::vector<NodeId> inputs;
  // Where each parameter of `model`, in the model's order, takes its value:
  // an element of one of `inputs`.
  struct Source {
    std::size_t input;
    std::size_t element;
  };
  std::vector<Source> sources;
  // Where the model's data sit in the graph's data vector: its main bins
  // from mainOffset, its auxiliary data from auxOffset.
  std::size_t mainOffset = 0;
  std::size_t auxOffset = 0;

  // The model's parameter vector taken from a tape that evaluated the
  // graph.
  std::vector<double> parametersOf(const Tape& tape) const;
  // The model's data vector (main bins, then aux data) taken from the
  // graph's.
  std::vector<double> dataOf(const double* data) const;
};

// The channels' likelihood in one Tape.
class HistFactoryRun {
 public:
  explicit HistFactoryRun(const EmbeddedHistFactory& embedded);

  // Takes the channels' slices of a new data vector of the graph.
  void setData(const double* data);
  // log L of the channels and their constraint terms, reading the values
  // of the inputs.
  double logLikelihood(const std::vector<const double*>& inputs);
  // Adds seed * d log L / d(input) to the adjoints of the inputs (null for
  // an input that does not vary), at the values of the last call of
  // logLikelihood.
  void addGradient(double seed, const std::vector<double*>& adjoints);

 private:
  const EmbeddedHistFactory* embedded_;
  Likelihood likelihood_;
  std::vector<double> x_;         // the channels' parameters, last call
  std::vector<double> gradient_;  // d(-log L)/dx_ there
};

}  // namespace hs3::graph
