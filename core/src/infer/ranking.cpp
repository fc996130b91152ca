// Pulls, impacts and yields: what a physicist reads off a fit beyond the
// best-fit values.

#include <algorithm>
#include <cmath>

#include "hs3/error.hpp"
#include "hs3/infer.hpp"
#include "hs3/parallel.hpp"

namespace hs3 {

namespace {

// The prefit width and nominal value of a constrained parameter, in
// parameter units: sigma for a Gaussian, 1/sqrt(tau) around 1 for a
// Poisson constraint.
bool prefitOf(const Constraint& c, double& nominal, double& width) {
  if (c.kind == ConstraintKind::kGaussian) {
    nominal = c.auxdata;
    width = c.sigma;
    return true;
  }
  if (c.kind == ConstraintKind::kPoisson) {
    nominal = c.auxdata / c.tau;
    width = 1.0 / std::sqrt(c.tau);
    return true;
  }
  return false;
}

FitOptions withErrors(FitOptions options) {
  options.computeErrors = true;
  return options;
}

}  // namespace

PullsResult Inference::pulls() {
  PullsResult result;
  const FitOptions errorOptions = withErrors(options_.fit);
  result.fit = fit({}, &errorOptions);
  for (std::size_t i = 0; i < model_->size(); ++i) {
    if (parameters_[i].fixed || static_cast<int>(i) == model_->poiIndex()) {
      continue;
    }
    PullEntry entry;
    entry.name = parameters_[i].name;
    entry.value = result.fit.values[i];
    entry.error = result.fit.errors.empty() ? 0.0 : result.fit.errors[i];
    entry.constrained =
        prefitOf(model_->constraints()[i], entry.nominal, entry.prefitError);
    if (entry.constrained) {
      entry.pull = (entry.value - entry.nominal) / entry.prefitError;
      entry.constraint = entry.error / entry.prefitError;
    }
    result.entries.push_back(entry);
  }
  return result;
}

RankingResult Inference::ranking(unsigned threads) {
  if (!model_->hasPoi()) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "the model has no parameter of interest to rank impacts on");
  }
  const std::size_t poi = model_->poiIndex();
  const FitOptions errorOptions = withErrors(options_.fit);
  const FitResult best = fit({}, &errorOptions);
  RankingResult result;
  result.poi = parameters_[poi].name;
  result.poiValue = best.values[poi];
  result.poiError = best.errors.empty() ? 0.0 : best.errors[poi];

  std::vector<std::size_t> ranked;
  for (std::size_t i = 0; i < model_->size(); ++i) {
    double nominal = 0.0, width = 0.0;
    if (i != poi && !parameters_[i].fixed &&
        prefitOf(model_->constraints()[i], nominal, width)) {
      ranked.push_back(i);
    }
  }
  result.entries.resize(ranked.size());
  parallelFor(ranked.size(), threads, [&](std::size_t k) {
    const std::size_t i = ranked[k];
    Likelihood likelihood(model_, data_);
    double nominal = 0.0, prefit = 0.0;
    prefitOf(model_->constraints()[i], nominal, prefit);
    const double postfit = best.errors.empty() ? prefit : best.errors[i];
    ImpactEntry& entry = result.entries[k];
    entry.name = parameters_[i].name;
    entry.value = best.values[i];
    entry.error = postfit;
    auto shifted = [&](double value) {
      std::vector<Parameter> pars = parameters_;
      for (std::size_t j = 0; j < pars.size(); ++j) {
        pars[j].init =
            std::min(std::max(best.values[j], pars[j].lower), pars[j].upper);
      }
      pars[i].fixed = true;
      pars[i].init =
          std::min(std::max(value, parameters_[i].lower), parameters_[i].upper);
      const FitResult r = minimize(likelihood, pars, options_.fit);
      return r.values[poi] - result.poiValue;
    };
    entry.prefitUp = shifted(best.values[i] + prefit);
    entry.prefitDown = shifted(best.values[i] - prefit);
    entry.postfitUp = shifted(best.values[i] + postfit);
    entry.postfitDown = shifted(best.values[i] - postfit);
  });
  std::stable_sort(
      result.entries.begin(), result.entries.end(),
      [](const ImpactEntry& a, const ImpactEntry& b) {
        return std::max(std::fabs(a.postfitUp), std::fabs(a.postfitDown)) >
               std::max(std::fabs(b.postfitUp), std::fabs(b.postfitDown));
      });
  return result;
}

namespace {

// Yields and their uncertainties: sigma^2 = J C J^T with the Jacobian J of
// the yields by central differences (yields are smooth in every parameter;
// steps of 1e-3 of each parameter's width keep truncation far below the
// errors' own precision).
void propagate(const Model& model, const std::vector<double>& x,
               const std::vector<double>& covariance,
               const std::vector<std::size_t>& free,
               std::vector<double>& yields, std::vector<double>& errors,
               std::vector<double>& totals, std::vector<double>& totalErrors) {
  yields = model.expectedSampleYields(x);
  const std::size_t n = model.size();
  std::vector<std::vector<double>> jacobian(free.size());
  std::vector<std::vector<double>> totalJacobian(free.size());
  auto channelTotals = [&model](const std::vector<double>& y) {
    std::vector<double> out;
    std::size_t k = 0;
    for (const ChannelInfo& c : model.channels()) {
      std::vector<double> sum(c.nbins, 0.0);
      for (std::size_t s = 0; s < c.samples.size(); ++s) {
        for (std::size_t b = 0; b < c.nbins; ++b) sum[b] += y[k++];
      }
      out.insert(out.end(), sum.begin(), sum.end());
    }
    return out;
  };
  totals = channelTotals(yields);
  for (std::size_t a = 0; a < free.size(); ++a) {
    const std::size_t i = free[a];
    const double width = std::sqrt(std::max(covariance[i * n + i], 0.0));
    const double h = std::max(1e-3 * width, 1e-9);
    std::vector<double> up = x, down = x;
    up[i] += h;
    down[i] -= h;
    const auto yUp = model.expectedSampleYields(up);
    const auto yDown = model.expectedSampleYields(down);
    jacobian[a].resize(yields.size());
    for (std::size_t k = 0; k < yields.size(); ++k) {
      jacobian[a][k] = (yUp[k] - yDown[k]) / (2 * h);
    }
    const auto tUp = channelTotals(yUp);
    const auto tDown = channelTotals(yDown);
    totalJacobian[a].resize(totals.size());
    for (std::size_t k = 0; k < totals.size(); ++k) {
      totalJacobian[a][k] = (tUp[k] - tDown[k]) / (2 * h);
    }
  }
  auto spread = [&](const std::vector<std::vector<double>>& j,
                    std::size_t size) {
    std::vector<double> out(size, 0.0);
    for (std::size_t k = 0; k < size; ++k) {
      double variance = 0.0;
      for (std::size_t a = 0; a < free.size(); ++a) {
        for (std::size_t b = 0; b < free.size(); ++b) {
          variance += j[a][k] * covariance[free[a] * n + free[b]] * j[b][k];
        }
      }
      out[k] = std::sqrt(std::max(variance, 0.0));
    }
    return out;
  };
  errors = spread(jacobian, yields.size());
  totalErrors = spread(totalJacobian, totals.size());
}

}  // namespace

YieldsResult Inference::yields() {
  YieldsResult result;
  const FitOptions errorOptions = withErrors(options_.fit);
  result.fit = fit({}, &errorOptions);
  const std::size_t n = model_->size();
  std::vector<std::size_t> free;
  std::vector<double> prefitCovariance(n * n, 0.0);
  std::vector<double> prefitValues(n);
  for (std::size_t i = 0; i < n; ++i) {
    prefitValues[i] = parameters_[i].init;
    if (parameters_[i].fixed) continue;
    double nominal = 0.0, width = 0.0;
    if (prefitOf(model_->constraints()[i], nominal, width)) {
      prefitCovariance[i * n + i] = width * width;
    }
    free.push_back(i);
  }
  std::vector<double> pre, preErr, preTot, preTotErr;
  propagate(*model_, prefitValues, prefitCovariance, free, pre, preErr, preTot,
            preTotErr);
  // Without a covariance (a failed Hessian) the postfit yields carry no
  // uncertainty; the fit's status says why.
  const std::vector<double> postfitCovariance =
      result.fit.covariance.size() == n * n ? result.fit.covariance
                                            : std::vector<double>(n * n, 0.0);
  std::vector<double> post, postErr, postTot, postTotErr;
  propagate(*model_, result.fit.values, postfitCovariance, free, post, postErr,
            postTot, postTotErr);
  std::size_t k = 0, bin = 0;
  for (const ChannelInfo& c : model_->channels()) {
    YieldsResult::Channel channel;
    channel.name = c.name;
    for (const std::string& name : c.samples) {
      YieldsResult::Sample sample;
      sample.name = name;
      for (std::size_t b = 0; b < c.nbins; ++b, ++k) {
        sample.prefit.push_back(pre[k]);
        sample.prefitError.push_back(preErr[k]);
        sample.postfit.push_back(post[k]);
        sample.postfitError.push_back(postErr[k]);
      }
      channel.samples.push_back(sample);
    }
    for (std::size_t b = 0; b < c.nbins; ++b, ++bin) {
      channel.data.push_back(data_[c.offset + b]);
      channel.prefitTotal.push_back(preTot[bin]);
      channel.prefitTotalError.push_back(preTotErr[bin]);
      channel.postfitTotal.push_back(postTot[bin]);
      channel.postfitTotalError.push_back(postTotErr[bin]);
    }
    result.channels.push_back(channel);
  }
  return result;
}

}  // namespace hs3
