// The flat, index-resolved form of a HistFactory model that the likelihood
// kernel runs: every name is already a parameter index, every array has its
// final length, and nothing here is allocated during evaluation.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "hs3/model.hpp"

namespace hs3 {

namespace graph {
struct GeneralModel;
}

struct Model::Compiled {
  // A factor common to all bins of a sample: normfactor and lumi (the
  // parameter itself) or normsys (interpolated).
  struct ScalarFactor {
    std::size_t param = 0;
    bool interpolated = false;  // normsys
    double hi = 1.0;
    double lo = 1.0;
    Interpolation code = Interpolation::kCode4;
  };
  // A factor per bin (shapesys, staterror, shapefactor): parameter index of
  // each bin.
  struct BinFactor {
    std::vector<std::size_t> params;
  };
  // A histosys shift of the template.
  struct Shift {
    std::size_t param = 0;
    std::vector<double> up;    // hi - nom
    std::vector<double> down;  // nom - lo
    std::vector<double> hi;    // raw templates, for multiplicative codes
    std::vector<double> lo;
    Interpolation code = Interpolation::kCode4p;
  };
  struct Sample {
    std::string name;
    std::vector<double> nominal;
    std::vector<ScalarFactor> factors;
    std::vector<BinFactor> binFactors;
    std::vector<Shift> shifts;
    std::size_t buffer = 0;       // offset of this sample's bins in the buffers
    std::size_t firstFactor = 0;  // offset of its scalar factors
    std::size_t index = 0;        // position among all samples
  };
  struct Channel {
    std::string name;
    std::size_t offset = 0;  // first bin in the main data
    std::size_t nbins = 0;
    std::vector<Sample> samples;
  };
  struct GaussianTerm {
    std::size_t param = 0;
    std::size_t aux = 0;  // index into the auxiliary data
    double sigma = 1.0;
  };
  struct PoissonTerm {
    std::size_t param = 0;
    std::size_t aux = 0;
    double tau = 1.0;
  };

  std::vector<Channel> channels;
  std::vector<GaussianTerm> gaussians;
  std::vector<PoissonTerm> poissons;
  Interpolation normsysCode = Interpolation::kCode4;
  Interpolation histosysCode = Interpolation::kCode4p;
  bool clampNegativeSamples = false;  // ModelOptions::clampNegativeSamples
  std::size_t sampleBins = 0;         // sum over channels of samples x bins
  std::size_t scalarFactors = 0;      // scalar factors over all samples
  std::size_t sampleCount = 0;
  // Set for general HS3 models (graph/general_model.hpp); the HistFactory
  // members above are then empty.
  std::shared_ptr<const graph::GeneralModel> general;
};

}  // namespace hs3
