#include "graph/embedded_histfactory.hpp"

namespace hs3::graph {

std::vector<double> EmbeddedHistFactory::parametersOf(const double* x) const {
  std::vector<double> out(parameters.size());
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    out[k] = x[parameters[k]];
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
      x_(embedded.parameters.size()),
      gradient_(embedded.parameters.size()) {}

void HistFactoryRun::setData(const double* data) {
  likelihood_.setData(embedded_->dataOf(data));
}

double HistFactoryRun::logLikelihood(const double* x) {
  for (std::size_t k = 0; k < x_.size(); ++k) {
    x_[k] = x[embedded_->parameters[k]];
  }
  return -likelihood_.value(x_.data());
}

void HistFactoryRun::addGradient(double seed, double* grad) {
  if (seed == 0) return;
  // The Likelihood's buffers still hold the evaluation at x_: the Tape asks
  // for a gradient only after a forward sweep at the same parameters.
  likelihood_.gradientAtLastPoint(x_.data(), gradient_.data());
  for (std::size_t k = 0; k < x_.size(); ++k) {
    grad[embedded_->parameters[k]] -= seed * gradient_[k];
  }
}

}  // namespace hs3::graph
