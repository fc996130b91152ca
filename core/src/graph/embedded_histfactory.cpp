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

}  // namespace hs3::graph
