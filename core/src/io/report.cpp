#include "hs3/report.hpp"

#include <cmath>

#include "hs3/error.hpp"
#include "io/json_node.hpp"

namespace hs3::report {

namespace {

using io::Json;

const char* constraintName(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::kGaussian:
      return "gaussian";
    case ConstraintKind::kPoisson:
      return "poisson";
    case ConstraintKind::kNone:
      break;
  }
  return "none";
}

}  // namespace

std::string inspect(const Model& model) {
  Json out;
  out["measurement"] = model.measurementName();
  out["poi"] = model.hasPoi() ? Json(model.parameters()[model.poiIndex()].name)
                              : Json(nullptr);
  out["interpolation"] = {
      {"normsys", interpolationName(model.options().normsys)},
      {"histosys", interpolationName(model.options().histosys)}};
  Json channels = Json::array();
  for (const ChannelInfo& c : model.channels()) {
    channels.push_back(
        {{"name", c.name}, {"nbins", c.nbins}, {"samples", c.samples}});
  }
  out["channels"] = channels;
  out["main_bins"] = model.mainDataSize();
  out["aux_data"] = model.auxDataSize();
  Json sets = Json::array();
  for (const ParameterSet& s : model.parameterSets()) {
    sets.push_back({{"name", s.name}, {"type", s.type}, {"size", s.count}});
  }
  out["parameter_sets"] = sets;
  Json parameters = Json::array();
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Parameter& p = model.parameters()[i];
    const Constraint& c = model.constraints()[i];
    Json entry = {{"name", p.name},
                  {"init", p.init},
                  {"bounds", {p.lower, p.upper}},
                  {"fixed", p.fixed},
                  {"constraint", constraintName(c.kind)}};
    if (c.kind == ConstraintKind::kGaussian) entry["sigma"] = c.sigma;
    if (c.kind == ConstraintKind::kPoisson) entry["tau"] = c.tau;
    parameters.push_back(entry);
  }
  out["parameters"] = parameters;
  return out.dump(2);
}

std::string nll(Likelihood& likelihood, const std::vector<double>& x,
                bool withGradient) {
  std::vector<double> gradient(x.size());
  const LogpdfParts parts = likelihood.logpdf(x.data());
  const double logpdf = parts.total();
  if (!std::isfinite(logpdf)) {
    throw Error(ErrorCode::kNumerical, "",
                "the likelihood is not finite at these parameters: " +
                    likelihood.explainNonFinite(x.data()));
  }
  Json out;
  out["logpdf"] = logpdf;
  out["nll"] = -logpdf;
  out["twice_nll"] = -2 * logpdf;
  out["main_logpdf"] = parts.main;
  out["constraint_logpdf"] = parts.constraint;
  if (withGradient) {
    likelihood.valueAndGradient(x.data(), gradient.data());
    Json g = Json::object();
    for (std::size_t i = 0; i < x.size(); ++i) {
      g[likelihood.model().parameters()[i].name] = gradient[i];
    }
    out["gradient"] = g;
  }
  return out.dump(2);
}

namespace {

Json band(const Band& values) {
  return Json(std::vector<double>(values.begin(), values.end()));
}

Json optionalNumber(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

}  // namespace

std::string fit(const FitResult& result) {
  Json out;
  if (!result.diagnosis.empty()) out["diagnosis"] = result.diagnosis;
  out["status"] = fitStatusName(result.status);
  out["valid"] = result.isValid();
  out["message"] = result.message();
  out["twice_nll"] = 2 * result.minValue;
  out["edm"] = result.edm;
  out["edm_target"] = result.edmTarget;
  out["calls"] = result.calls;
  out["call_limit"] = result.callLimit;
  out["parameters"] = result.names;
  out["bestfit"] = result.values;
  out["uncertainties"] = result.errors;
  out["at_bound"] = result.atBound;
  const std::size_t n = result.names.size();
  Json correlations = Json::array();
  if (result.correlation.size() == n * n) {
    for (std::size_t i = 0; i < n; ++i) {
      correlations.push_back(
          std::vector<double>(result.correlation.begin() + i * n,
                              result.correlation.begin() + (i + 1) * n));
    }
  }
  out["correlations"] = correlations;
  Json minos = Json::object();
  for (const MinosInterval& m : result.minos) {
    minos[m.name] = {{"lower", m.lower},
                     {"upper", m.upper},
                     {"lower_valid", m.lowerValid},
                     {"upper_valid", m.upperValid}};
  }
  out["minos"] = minos;
  return out.dump(2);
}

std::string hypotest(const HypotestResult& result) {
  Json out;
  out["test_poi"] = result.poi;
  out["test_stat"] = testStatisticName(result.statistic);
  out["CLs_obs"] = result.cls;
  out["CLs_exp"] = band(result.clsExpected);
  out["CLsb_obs"] = result.clsb;
  out["CLb_obs"] = result.clb;
  out["q_obs"] = result.qObserved;
  out["q_asimov"] = result.qAsimov;
  out["mu_hat"] = result.muHat;
  out["warnings"] = result.warnings;
  return out.dump(2);
}

std::string upperLimit(const UpperLimitResult& result) {
  Json out;
  out["cl"] = result.level;
  out["obs"] = result.observed;
  out["exp"] = band(result.expected);
  out["obs_found"] = result.observedFound;
  out["exp_found"] = std::vector<bool>(result.expectedFound.begin(),
                                       result.expectedFound.end());
  out["n_hypotests"] = result.points.size();
  out["message"] = result.message;
  return out.dump(2);
}

std::string scan(const ScanResult& result) {
  Json out;
  out["parameter"] = result.parameter;
  out["bestfit"] = result.bestFit;
  out["twice_nll_min"] = result.twiceNllMin;
  Json points = Json::array();
  for (const ScanPoint& p : result.points) {
    points.push_back({{"value", p.value},
                      {"twice_nll", p.twiceNll},
                      {"delta_twice_nll", p.deltaTwiceNll},
                      {"status", fitStatusName(p.status)}});
  }
  out["points"] = points;
  out["interval_68"] = {optionalNumber(result.lower68),
                        optionalNumber(result.upper68)};
  out["interval_95"] = {optionalNumber(result.lower95),
                        optionalNumber(result.upper95)};
  out["warnings"] = result.warnings;
  return out.dump(2);
}

std::string scan2d(const Scan2dResult& result) {
  Json out;
  out["parameters"] = {result.parameters[0], result.parameters[1]};
  out["values"] = {result.values[0], result.values[1]};
  out["bestfit"] = {result.bestFit[0], result.bestFit[1]};
  out["twice_nll_min"] = result.twiceNllMin;
  const std::size_t columns = result.values[1].size();
  Json rows = Json::array();
  for (std::size_t i = 0; i < result.values[0].size(); ++i) {
    Json row = Json::array();
    for (std::size_t j = 0; j < columns; ++j) {
      const double value = result.deltaTwiceNll[i * columns + j];
      row.push_back(std::isfinite(value) ? Json(value) : Json(nullptr));
    }
    rows.push_back(row);
  }
  out["delta_twice_nll"] = rows;
  out["warnings"] = result.warnings;
  return out.dump(2);
}

std::string significance(const SignificanceResult& result) {
  Json out;
  out["q0"] = result.q0;
  out["p0"] = result.p0;
  out["Z"] = result.z;
  out["q0_asimov"] = result.q0Asimov;
  out["p0_exp"] = result.p0Expected;
  out["Z_exp"] = result.zExpected;
  out["p0_exp_band"] = band(result.p0ExpectedBand);
  out["mu_hat"] = result.muHat;
  return out.dump(2);
}

std::string pulls(const PullsResult& result) {
  Json entries = Json::array();
  for (const PullEntry& e : result.entries) {
    Json entry = {{"name", e.name},
                  {"value", e.value},
                  {"error", e.error},
                  {"constrained", e.constrained}};
    if (e.constrained) {
      entry["nominal"] = e.nominal;
      entry["prefit_error"] = e.prefitError;
      entry["pull"] = e.pull;
      entry["constraint"] = e.constraint;
    }
    entries.push_back(entry);
  }
  Json out;
  out["status"] = fitStatusName(result.fit.status);
  out["message"] = result.fit.message();
  out["twice_nll"] = 2 * result.fit.minValue;
  out["pulls"] = entries;
  return out.dump(2);
}

std::string ranking(const RankingResult& result) {
  Json entries = Json::array();
  for (const ImpactEntry& e : result.entries) {
    entries.push_back({{"name", e.name},
                       {"value", e.value},
                       {"error", e.error},
                       {"impact_prefit", {e.prefitUp, e.prefitDown}},
                       {"impact_postfit", {e.postfitUp, e.postfitDown}}});
  }
  Json out;
  out["poi"] = result.poi;
  out["poi_value"] = result.poiValue;
  out["poi_error"] = result.poiError;
  out["ranking"] = entries;
  return out.dump(2);
}

std::string yields(const YieldsResult& result) {
  Json channels = Json::array();
  for (const auto& c : result.channels) {
    Json samples = Json::array();
    for (const auto& s : c.samples) {
      samples.push_back({{"name", s.name},
                         {"prefit", s.prefit},
                         {"prefit_error", s.prefitError},
                         {"postfit", s.postfit},
                         {"postfit_error", s.postfitError}});
    }
    channels.push_back({{"name", c.name},
                        {"data", c.data},
                        {"samples", samples},
                        {"prefit_total", c.prefitTotal},
                        {"prefit_total_error", c.prefitTotalError},
                        {"postfit_total", c.postfitTotal},
                        {"postfit_total_error", c.postfitTotalError}});
  }
  Json out;
  out["status"] = fitStatusName(result.fit.status);
  out["message"] = result.fit.message();
  out["channels"] = channels;
  return out.dump(2);
}

std::string errorObject(const Error& error) {
  Json out;
  out["error"] = {{"code", errorCodeName(error.code())},
                  {"path", error.path()},
                  {"message", error.message()}};
  return out.dump();
}

std::string patchLine(const std::string& patch,
                      const std::vector<double>& values,
                      const std::string& body) {
  Json out;
  out["patch"] = patch;
  out["values"] = values;
  const Json members = io::parseJson(body, "the result of one patch");
  for (auto it = members.begin(); it != members.end(); ++it) {
    out[it.key()] = it.value();
  }
  return out.dump();
}

}  // namespace hs3::report
