// The HistFactory likelihood kernel: expected rates, Poisson terms and
// constraint terms, with the gradient accumulated in the same sweep.
//
// Each sample is evaluated bins-innermost: nu_sb = base_b * binFactor_b * S,
// where base is the nominal plus histosys shifts, binFactor the product of
// per-bin factors and S the product of scalar factors. The gradient uses
// w_b = d log L / d nu_b = n_b / nu_b - 1 and products of the other factors
// (never a division by a factor, which may be zero: mu = 0 is common).

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "graph/general_model.hpp"
#include "histfactory/compiled_model.hpp"
#include "histfactory/interpolation.hpp"
#include "hs3/error.hpp"

namespace hs3 {

namespace {

constexpr double kHalfLogTwoPi = 0.91893853320467274178;

}  // namespace

struct Likelihood::Buffers {
  std::vector<double> base;             // nominal + shifts, per sample bin
  std::vector<double> binFactor;        // product of per-bin factors
  std::vector<double> nu;               // expected main counts
  std::vector<double> weight;           // d log L / d nu
  std::vector<double> factorValue;      // every scalar factor of every sample
  std::vector<double> factorSlope;      // their d kappa / d theta
  std::vector<double> product;          // product of a sample's scalar factors
  std::vector<double> othersProduct;    // product of the other factors
  std::vector<char> clamped;            // per sample bin: base held at 0
  double mainConstant = 0.0;            // -sum lgamma(n + 1)
  double gaussianConstant = 0.0;        // sum (-ln sqrt(2 pi) - ln sigma)
  std::vector<double> poissonConstant;  // -lgamma(a + 1) per term
  std::unique_ptr<graph::Tape> tape;    // general HS3 models
};

Likelihood::Likelihood(std::shared_ptr<const Model> model,
                       std::vector<double> data)
    : model_(std::move(model)), buffers_(std::make_unique<Buffers>()) {
  const Model::Compiled& c = model_->compiled();
  buffers_->base.resize(c.sampleBins);
  buffers_->binFactor.resize(c.sampleBins);
  buffers_->nu.resize(model_->mainDataSize());
  buffers_->weight.resize(model_->mainDataSize());
  buffers_->factorValue.resize(c.scalarFactors);
  buffers_->factorSlope.resize(c.scalarFactors);
  buffers_->othersProduct.resize(c.scalarFactors);
  buffers_->product.resize(c.sampleCount);
  if (c.clampNegativeSamples) buffers_->clamped.resize(c.sampleBins);
  if (c.general) {
    buffers_->tape = std::make_unique<graph::Tape>(c.general->program);
  }
  setData(std::move(data));
}

Likelihood::~Likelihood() = default;

void Likelihood::setData(std::vector<double> data) {
  const std::size_t expected = model_->mainDataSize() + model_->auxDataSize();
  if (data.size() != expected) {
    throw Error(ErrorCode::kShapeMismatch, "",
                "the data vector has " + std::to_string(data.size()) +
                    " entries, but the model needs " +
                    std::to_string(model_->mainDataSize()) + " main bins and " +
                    std::to_string(model_->auxDataSize()) + " auxiliary data");
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (!std::isfinite(data[i])) {
      throw Error(ErrorCode::kInvalidValue, "",
                  "data entry " + std::to_string(i) + " is not finite");
    }
  }
  data_ = std::move(data);
  Buffers& b = *buffers_;
  if (b.tape) {
    b.tape->invalidate();
    return;
  }
  b.mainConstant = 0.0;
  for (std::size_t i = 0; i < model_->mainDataSize(); ++i) {
    b.mainConstant -= std::lgamma(data_[i] + 1.0);
  }
  const Model::Compiled& c = model_->compiled();
  b.gaussianConstant = 0.0;
  for (const auto& term : c.gaussians) {
    b.gaussianConstant -= kHalfLogTwoPi + std::log(term.sigma);
  }
  b.poissonConstant.clear();
  const double* aux = data_.data() + model_->mainDataSize();
  for (const auto& term : c.poissons) {
    b.poissonConstant.push_back(-std::lgamma(aux[term.aux] + 1.0));
  }
}

namespace {

// Fills base and binFactor for one sample, and the values and slopes of its
// scalar factors; returns their product. With `clamped` (ROOT's rule) a
// negative base is held at zero and its bin marked.
double evaluateSample(const Model::Compiled::Sample& s, std::size_t nbins,
                      const double* x, double* base, double* binFactor,
                      double* factorValue, double* factorSlope, char* clamped) {
  for (std::size_t b = 0; b < nbins; ++b) base[b] = s.nominal[b];
  for (const auto& shift : s.shifts) {
    const double alpha = x[shift.param];
    if (hf::isAdditive(shift.code)) {
      const hf::AdditiveWeights w = hf::additiveWeights(shift.code, alpha);
      const double* up = shift.up.data();
      const double* down = shift.down.data();
      for (std::size_t b = 0; b < nbins; ++b) {
        base[b] += w.up * up[b] + w.down * down[b];
      }
    } else {
      for (std::size_t b = 0; b < nbins; ++b) {
        base[b] += hf::histosysShift(shift.code, alpha, s.nominal[b],
                                     shift.hi[b], shift.lo[b])
                       .value;
      }
    }
  }
  if (clamped) {
    for (std::size_t b = 0; b < nbins; ++b) {
      clamped[b] = base[b] < 0;
      if (clamped[b]) base[b] = 0.0;
    }
  }
  for (std::size_t b = 0; b < nbins; ++b) binFactor[b] = 1.0;
  for (const auto& factor : s.binFactors) {
    const std::size_t* params = factor.params.data();
    for (std::size_t b = 0; b < nbins; ++b) binFactor[b] *= x[params[b]];
  }
  double product = 1.0;
  for (std::size_t k = 0; k < s.factors.size(); ++k) {
    const auto& f = s.factors[k];
    if (f.interpolated) {
      const hf::ValueAndSlope v =
          hf::normsysFactor(f.code, x[f.param], f.hi, f.lo);
      factorValue[k] = v.value;
      factorSlope[k] = v.slope;
    } else {
      factorValue[k] = x[f.param];
      factorSlope[k] = 1.0;
    }
    product *= factorValue[k];
  }
  return product;
}

}  // namespace

LogpdfParts Likelihood::logpdf(const double* x) {
  LogpdfParts parts;
  const Model::Compiled& c = model_->compiled();
  Buffers& buf = *buffers_;
  if (buf.tape) {
    buf.tape->forward(x, data_.data());
    parts.main = buf.tape->value(c.general->main);
    parts.constraint = buf.tape->value(c.general->aux);
    // NaN comes from parameters outside the region where the densities are
    // defined (a density or normalisation of zero, a negative width); as
    // -inf it tells a minimizer to step back rather than to compare NaNs.
    if (std::isnan(parts.main)) parts.main = -HUGE_VAL;
    if (std::isnan(parts.constraint)) parts.constraint = -HUGE_VAL;
    return parts;
  }
  for (const auto& channel : c.channels) {
    double* nu = buf.nu.data() + channel.offset;
    for (std::size_t b = 0; b < channel.nbins; ++b) nu[b] = 0.0;
    for (const auto& s : channel.samples) {
      double* base = buf.base.data() + s.buffer;
      double* binFactor = buf.binFactor.data() + s.buffer;
      const double product = evaluateSample(
          s, channel.nbins, x, base, binFactor,
          buf.factorValue.data() + s.firstFactor,
          buf.factorSlope.data() + s.firstFactor,
          buf.clamped.empty() ? nullptr : buf.clamped.data() + s.buffer);
      buf.product[s.index] = product;
      for (std::size_t b = 0; b < channel.nbins; ++b) {
        nu[b] += base[b] * binFactor[b] * product;
      }
    }
  }
  const double* n = data_.data();
  double main = buf.mainConstant;
  for (std::size_t i = 0; i < buf.nu.size(); ++i) {
    // n ln nu with 0 ln 0 = 0, as scipy's xlogy.
    main += (n[i] == 0 ? 0.0 : n[i] * std::log(buf.nu[i])) - buf.nu[i];
  }
  parts.main = main;

  const double* aux = data_.data() + model_->mainDataSize();
  double constraint = buf.gaussianConstant;
  for (const auto& term : c.gaussians) {
    const double pull = (aux[term.aux] - x[term.param]) / term.sigma;
    constraint -= 0.5 * pull * pull;
  }
  for (std::size_t k = 0; k < c.poissons.size(); ++k) {
    const auto& term = c.poissons[k];
    const double a = aux[term.aux];
    const double rate = x[term.param] * term.tau;
    constraint +=
        (a == 0 ? 0.0 : a * std::log(rate)) - rate + buf.poissonConstant[k];
  }
  parts.constraint = constraint;
  return parts;
}

double Likelihood::value(const double* x) { return -logpdf(x).total(); }

double Likelihood::valueAndGradient(const double* x, double* grad) {
  const double nll = value(x);
  gradientAtLastPoint(x, grad);
  return nll;
}

void Likelihood::gradientAtLastPoint(const double* x, double* grad) {
  const std::size_t npar = model_->size();
  for (std::size_t p = 0; p < npar; ++p) grad[p] = 0.0;

  const Model::Compiled& c = model_->compiled();
  Buffers& buf = *buffers_;
  if (buf.tape) {
    buf.tape->gradient({c.general->main, c.general->aux}, {-1.0, -1.0}, grad);
    return;
  }
  const double* n = data_.data();
  for (std::size_t i = 0; i < buf.nu.size(); ++i) {
    buf.weight[i] = (n[i] == 0 ? 0.0 : n[i] / buf.nu[i]) - 1.0;
  }

  // Gradient of log L; the sign is flipped at the end.
  for (const auto& channel : c.channels) {
    const std::size_t nbins = channel.nbins;
    const double* w = buf.weight.data() + channel.offset;
    for (const auto& s : channel.samples) {
      const double* base = buf.base.data() + s.buffer;
      const double* binFactor = buf.binFactor.data() + s.buffer;
      const double* value = buf.factorValue.data() + s.firstFactor;
      const double* slope = buf.factorSlope.data() + s.firstFactor;
      const double product = buf.product[s.index];

      // d log L / d S = sum_b w_b base_b binFactor_b.
      double dS = 0.0;
      for (std::size_t b = 0; b < nbins; ++b) {
        dS += w[b] * base[b] * binFactor[b];
      }
      const std::size_t nf = s.factors.size();
      if (nf > 0) {
        // others[k] = product of all scalar factors but k, from prefix and
        // suffix products.
        double* others = buf.othersProduct.data() + s.firstFactor;
        double prefix = 1.0;
        for (std::size_t k = 0; k < nf; ++k) {
          others[k] = prefix;
          prefix *= value[k];
        }
        double suffix = 1.0;
        for (std::size_t k = nf; k-- > 0;) {
          others[k] *= suffix;
          suffix *= value[k];
        }
        for (std::size_t k = 0; k < nf; ++k) {
          grad[s.factors[k].param] += dS * others[k] * slope[k];
        }
      }

      const std::size_t nbf = s.binFactors.size();
      for (std::size_t f = 0; f < nbf; ++f) {
        const std::size_t* params = s.binFactors[f].params.data();
        for (std::size_t b = 0; b < nbins; ++b) {
          double othersAtBin = 1.0;
          for (std::size_t g = 0; g < nbf; ++g) {
            if (g != f) othersAtBin *= x[s.binFactors[g].params[b]];
          }
          grad[params[b]] += w[b] * base[b] * othersAtBin * product;
        }
      }

      // A base held at zero does not move with the shifts.
      const char* clamped =
          buf.clamped.empty() ? nullptr : buf.clamped.data() + s.buffer;
      for (const auto& shift : s.shifts) {
        const double alpha = x[shift.param];
        double dAlpha = 0.0;
        if (hf::isAdditive(shift.code)) {
          const hf::AdditiveWeights aw = hf::additiveWeights(shift.code, alpha);
          const double* up = shift.up.data();
          const double* down = shift.down.data();
          for (std::size_t b = 0; b < nbins; ++b) {
            if (clamped && clamped[b]) continue;
            dAlpha += w[b] * binFactor[b] *
                      (aw.upSlope * up[b] + aw.downSlope * down[b]);
          }
        } else {
          for (std::size_t b = 0; b < nbins; ++b) {
            if (clamped && clamped[b]) continue;
            dAlpha += w[b] * binFactor[b] *
                      hf::histosysShift(shift.code, alpha, s.nominal[b],
                                        shift.hi[b], shift.lo[b])
                          .slope;
          }
        }
        grad[shift.param] += dAlpha * product;
      }
    }
  }

  const double* aux = data_.data() + model_->mainDataSize();
  for (const auto& term : c.gaussians) {
    grad[term.param] +=
        (aux[term.aux] - x[term.param]) / (term.sigma * term.sigma);
  }
  for (const auto& term : c.poissons) {
    const double a = aux[term.aux];
    grad[term.param] += (a == 0 ? 0.0 : a / x[term.param]) - term.tau;
  }
  for (std::size_t p = 0; p < npar; ++p) grad[p] = -grad[p];
}

const std::vector<double>& Likelihood::lastExpectedMain() const {
  return buffers_->nu;
}

std::vector<double> Likelihood::lastSampleYields() const {
  const Model::Compiled& c = model_->compiled();
  std::vector<double> out;
  out.reserve(c.sampleBins);
  for (const auto& channel : c.channels) {
    for (const auto& s : channel.samples) {
      for (std::size_t b = 0; b < channel.nbins; ++b) {
        out.push_back(buffers_->base[s.buffer + b] *
                      buffers_->binFactor[s.buffer + b] *
                      buffers_->product[s.index]);
      }
    }
  }
  return out;
}

std::string Likelihood::explainNonFinite(const double* x) {
  const LogpdfParts parts = logpdf(x);
  if (std::isfinite(parts.total())) return "";
  const Model::Compiled& c = model_->compiled();
  if (c.general) {
    const graph::NodeId hf = c.general->histFactoryNode;
    if (hf != graph::kNoNode && !std::isfinite(buffers_->tape->value(hf))) {
      const graph::EmbeddedHistFactory& channels = *c.general->histFactory;
      Likelihood alone(channels.model, channels.dataOf(data_.data()));
      return "the histfactory_dist channels: " +
             alone.explainNonFinite(
                 channels.parametersOf(*buffers_->tape).data());
    }
    for (const auto& term : c.general->terms) {
      const double* v = buffers_->tape->values(term.perEvent);
      const std::size_t n = c.general->program.length(term.perEvent);
      for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(v[i])) {
          std::ostringstream text;
          text << "distribution '" << term.distribution << "' has log density "
               << v[i] << " at entry " << i << " of data '" << term.data << "'";
          return text.str();
        }
      }
    }
    return std::isfinite(parts.main) ? "the auxiliary terms are not finite"
                                     : "the main terms are not finite";
  }
  const double* n = data_.data();
  for (const auto& channel : c.channels) {
    for (std::size_t b = 0; b < channel.nbins; ++b) {
      const double nu = buffers_->nu[channel.offset + b];
      const double observed = n[channel.offset + b];
      if (!std::isfinite(nu) || (nu <= 0 && observed > 0) || nu < 0) {
        std::ostringstream text;
        text << "channel '" << channel.name << "' bin " << b << " expects "
             << nu << " events against " << observed << " observed";
        for (const auto& s : channel.samples) {
          const double yield =
              buffers_->base[s.buffer + b] * buffers_->binFactor[s.buffer + b];
          if (!std::isfinite(yield) || yield < 0) {
            text << "; sample '" << s.name << "' gives " << yield
                 << " before its normalisation factors";
          }
        }
        return text.str();
      }
    }
  }
  for (const auto& term : c.poissons) {
    if (!(x[term.param] > 0)) {
      return "parameter '" + model_->parameters()[term.param].name +
             "' is not positive, so its Poisson constraint is undefined";
    }
  }
  for (std::size_t p = 0; p < model_->size(); ++p) {
    if (!std::isfinite(x[p])) {
      return "parameter '" + model_->parameters()[p].name +
             "' is not a finite number";
    }
  }
  return "the constraint terms are not finite";
}

std::vector<double> Model::generalExpectedData(const graph::Tape& tape) const {
  // Expected counts of each bin: the expected events (extended) or the
  // observed total, times the density at the bin centre and its volume.
  std::vector<double> out(observed_.size());
  if (const auto& channels = compiled_->general->histFactory) {
    // HistFactory channels: their main bins and aux data, as in pyhf.
    const std::vector<double> expected =
        channels->model->expectedData(channels->parametersOf(tape));
    const std::size_t main = channels->model->mainDataSize();
    std::copy(expected.begin(), expected.begin() + main,
              out.begin() + channels->mainOffset);
    std::copy(expected.begin() + main, expected.end(),
              out.begin() + channels->auxOffset);
  }
  for (const auto& term : compiled_->general->terms) {
    if (!term.binned) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "Asimov data are undefined for unbinned data set '" +
                      term.data +
                      "': expected data exist only for binned data");
    }
    double total = 0.0;
    for (std::size_t i = 0; i < term.length; ++i) {
      total += observed_[term.offset + i];
    }
    if (term.expected != graph::kNoNode) total = tape.value(term.expected);
    const double* logf = tape.values(term.perEvent);
    const bool scalar = compiled_->general->program.length(term.perEvent) == 1;
    for (std::size_t i = 0; i < term.length; ++i) {
      out[term.offset + i] =
          total * std::exp(logf[scalar ? 0 : i]) * term.volumes[i];
    }
  }
  return out;
}

std::vector<double> Model::expectedData(
    const std::vector<double>& params) const {
  if (compiled_->general) {
    Likelihood likelihood(shared_from_this(), observed_);
    likelihood.logpdf(params.data());
    return generalExpectedData(*likelihood.buffers_->tape);
  }
  Likelihood likelihood(shared_from_this(), observed_);
  likelihood.logpdf(params.data());
  std::vector<double> out = likelihood.lastExpectedMain();
  out.resize(mainSize_ + auxdata_.size());
  for (const auto& term : compiled_->gaussians) {
    out[mainSize_ + term.aux] = params[term.param];
  }
  for (const auto& term : compiled_->poissons) {
    out[mainSize_ + term.aux] = params[term.param] * term.tau;
  }
  return out;
}

std::vector<double> Model::expectedSampleYields(
    const std::vector<double>& params) const {
  if (compiled_->general) {
    const auto& channels = compiled_->general->histFactory;
    if (!channels) return expectedData(params);
    // The order of channels(): the HistFactory samples, then one entry per
    // bin of every other term.
    Likelihood likelihood(shared_from_this(), observed_);
    likelihood.logpdf(params.data());
    const graph::Tape& tape = *likelihood.buffers_->tape;
    std::vector<double> out =
        channels->model->expectedSampleYields(channels->parametersOf(tape));
    const std::vector<double> expected = generalExpectedData(tape);
    for (const auto& term : compiled_->general->terms) {
      out.insert(out.end(), expected.begin() + term.offset,
                 expected.begin() + term.offset + term.length);
    }
    return out;
  }
  Likelihood likelihood(shared_from_this(), observed_);
  likelihood.logpdf(params.data());
  return likelihood.lastSampleYields();
}

}  // namespace hs3
