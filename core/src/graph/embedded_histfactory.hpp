// HistFactory channels as one node of a general Program, for HS3
// likelihoods that pair histfactory_dist channels with other distributions
// or add aux terms HistFactory has no word for. The channels keep the
// HistFactory kernel (Model::build, its fused value and analytic gradient)
// and read their parameters from nodes of the graph: the parameters the
// rest of the graph shares by name, and the functions that give a custom
// factor its values.
//
// EmbeddedHistFactory describes the node and belongs to the Program, which
// stays immutable. Each Tape owns a HistFactoryRun: a Likelihood of the
// channels with its own buffers, so Programs remain shareable between
// threads.
//
//   auto channels = std::make_shared<EmbeddedHistFactory>();
//   channels->model = Model::build(workspace);
//   channels->inputs = {muNode, customNode};       // the nodes it reads
//   channels->sources = {{0, 0}, {1, 0}, {1, 1}};  // per model parameter
//   channels->mainOffset = 0;                      // its bins in the data
//   channels->auxOffset = mainBins;                // its aux data there
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
  // log L of the channels and their constraint terms; input(k) gives the
  // values of input k.
  template <typename Input>
  double logLikelihood(Input input) {
    for (std::size_t k = 0; k < x_.size(); ++k) {
      const auto& source = embedded_->sources[k];
      x_[k] = input(source.input)[source.element];
    }
    return -likelihood_.value(x_.data());
  }
  // Adds seed * d log L / d(input) to the adjoints of the inputs, at the
  // values of the last call of logLikelihood; adjoint(k) gives those of
  // input k, null for an input that does not vary.
  template <typename Adjoint>
  void addGradient(double seed, Adjoint adjoint) {
    if (seed == 0) return;
    // The Likelihood's buffers still hold the evaluation at x_: the Tape
    // asks for a gradient only after a forward sweep at the same values.
    likelihood_.gradientAtLastPoint(x_.data(), gradient_.data());
    for (std::size_t k = 0; k < x_.size(); ++k) {
      const auto& source = embedded_->sources[k];
      if (double* a = adjoint(source.input)) {
        a[source.element] -= seed * gradient_[k];
      }
    }
  }

 private:
  const EmbeddedHistFactory* embedded_;
  Likelihood likelihood_;
  std::vector<double> x_;         // the channels' parameters, last call
  std::vector<double> gradient_;  // d(-log L)/dx_ there
};

}  // namespace hs3::graph
