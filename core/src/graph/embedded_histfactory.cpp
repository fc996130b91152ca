#include "graph/embedded_histfactory.hpp"

namespace hs3::graph {

std::vector<double> EmbeddedHistFactory::parametersOf(const Tape& tape) const {
  std::vector<double> out(sources.size());
  for (std::size_t k = 0; k < sources.size(); ++k) {
    out[k] = tape.values(inputs[sources[k].input])[sources[k].element];
  }
  return out;
}

std::vector<double> EmbeddedHistFactory::dataOf(const double* data) const {
  const std::size_t main = model->mainDataSize();
  const std::size_t aux = model->auxDataSize();
  std::vector<double> out(data + mainOffset, data + mainOffset + main);
  out.insert(out.end(), data + auxOffset, data + auxOffset + aux);
  return out;
}

HistFactoryRun::HistFactoryRun(const EmbeddedHistFactory& embedded)
    : embedded_(&embedded),
      // The model's own data until the Tape hands over the graph's.
      likelihood_(embedded.model, embedded.model->observedData()),
      x_(embedded.sources.size()),
      gradient_(embedded.sources.size()) {}

void HistFactoryRun::setData(const double* data) {
  likelihood_.setData(embedded_->dataOf(data));
}

double HistFactoryRun::logLikelihood(const std::vector<const double*>& inputs) {
  for (std::size_t k = 0; k < x_.size(); ++k) {
    const auto& source = embedded_->sources[k];
    x_[k] = inputs[source.input][source.element];
  }
  return -likelihood_.value(x_.data());
}

void HistFactoryRun::addGradient(double seed,
                                 const std::vector<double*>& adjoints) {
  if (seed == 0) return;
  // The Likelihood's buffers still hold the evaluation at x_: the Tape asks
  // for a gradient only after a forward sweep at the same values.
  likelihood_.gradientAtLastPoint(x_.data(), gradient_.data());
  for (std::size_t k = 0; k < x_.size(); ++k) {
    const auto& source = embedded_->sources[k];
    if (double* adjoint = adjoints[source.input]) {
      adjoint[source.element] -= seed * gradient_[k];
    }
  }
}

}  // namespace hs3::graph
