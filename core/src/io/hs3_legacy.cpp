#include "io/hs3_legacy.hpp"

#include <string>

namespace hs3::io {

namespace {

// The string at `key`, or "" where there is none; the reader reports a
// key of the wrong kind later, with its path.
std::string stringAt(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// {"x": {"min": 0, ...}, ...} -> [{"name": "x", "min": 0, ...}, ...]
Json axesOf(const Json& variables) {
  if (!variables.is_object()) return variables;
  Json axes = Json::array();
  for (auto it = variables.begin(); it != variables.end(); ++it) {
    Json axis = it.value().is_object() ? it.value() : Json::object();
    axis["name"] = it.key();
    axes.push_back(std::move(axis));
  }
  return axes;
}

// A collection keyed by name becomes a list of objects that carry it.
Json listOf(const Json& collection) {
  if (!collection.is_object()) return collection;
  Json list = Json::array();
  for (auto it = collection.begin(); it != collection.end(); ++it) {
    Json item = it.value();
    if (item.is_object() && !item.contains("name")) item["name"] = it.key();
    list.push_back(std::move(item));
  }
  return list;
}

// `variables` becomes `axes` in place.
void renameVariables(Json& object) {
  if (!object.is_object() || !object.contains("variables")) return;
  if (!object.contains("axes")) object["axes"] = axesOf(object["variables"]);
  object.erase("variables");
}

Json upgradeDistribution(Json dist) {
  if (!dist.is_object()) return dist;
  renameVariables(dist);
  if (stringAt(dist, "type") != "histfactory_dist") return dist;
  // The binning sat on each sample's data; it belongs to the channel.
  if (dist.contains("samples") && dist["samples"].is_array()) {
    for (Json& sample : dist["samples"]) {
      if (!sample.is_object() || !sample.contains("data")) continue;
      Json& data = sample["data"];
      if (!data.is_object() || !data.contains("variables")) continue;
      if (!dist.contains("axes")) dist["axes"] = axesOf(data["variables"]);
      data.erase("variables");
    }
  }
  if (dist.contains("statError") && !dist.contains("staterror")) {
    dist["staterror"] = dist["statError"];
    dist.erase("statError");
  }
  return dist;
}

Json upgradeData(Json data) {
  if (!data.is_object()) return data;
  renameVariables(data);
  if (!data.contains("type")) {
    if (data.contains("contents")) data["type"] = "binned";
    if (data.contains("entries")) data["type"] = "unbinned";
  }
  return data;
}

// {"dist": d, "obs": o} -> {"distributions": [d], "data": [o]}
Json upgradeLikelihood(Json likelihood) {
  if (!likelihood.is_object()) return likelihood;
  auto move = [&likelihood](const char* from, const char* to) {
    if (!likelihood.contains(from) || likelihood.contains(to)) return;
    Json value = likelihood[from];
    likelihood[to] = value.is_array() ? value : Json::array({value});
    likelihood.erase(from);
  };
  move("dist", "distributions");
  move("dists", "distributions");
  move("obs", "data");
  return likelihood;
}

Json upgradeAnalysis(Json analysis) {
  if (!analysis.is_object()) return analysis;
  if (analysis.contains("likelihoods") && !analysis.contains("likelihood")) {
    const Json& list = analysis["likelihoods"];
    if (list.is_array() && list.size() == 1) {
      analysis["likelihood"] = list.front();
      analysis.erase("likelihoods");
    }
  }
  if (analysis.contains("pois") &&
      !analysis.contains("parameters_of_interest")) {
    analysis["parameters_of_interest"] = analysis["pois"];
    analysis.erase("pois");
  }
  // The observables are the data's axes; the reader needs no list of them.
  analysis.erase("observables");
  analysis.erase("InterpolationScheme");
  return analysis;
}

// {"name": "p", "mu": {"value": 1}} -> {"name": "p", "parameters": [...]}
Json upgradePoint(Json point) {
  if (!point.is_object() || point.contains("parameters")) return point;
  Json upgraded = {{"name", point.contains("name") ? point["name"] : ""},
                   {"parameters", Json::array()}};
  for (auto it = point.begin(); it != point.end(); ++it) {
    if (it.key() == "name") continue;
    Json parameter =
        it.value().is_object() ? it.value() : Json{{"value", it.value()}};
    parameter["name"] = it.key();
    upgraded["parameters"].push_back(std::move(parameter));
  }
  return upgraded;
}

template <typename Upgrade>
void upgradeEach(Json& document, const char* key, Upgrade upgrade) {
  if (!document.contains(key)) return;
  Json list = listOf(document[key]);
  if (list.is_array()) {
    for (Json& item : list) item = upgrade(item);
  }
  document[key] = std::move(list);
}

}  // namespace

bool isLegacyHs3(const Json& document) {
  if (!document.is_object() || document.contains("metadata")) return false;
  auto keyedByName = [&document](const char* key) {
    return document.contains(key) && document[key].is_object();
  };
  if (keyedByName("distributions") || keyedByName("functions")) return true;
  for (const char* key : {"likelihoods", "data", "domains"}) {
    if (!document.contains(key) || !document[key].is_array()) continue;
    for (const Json& item : document[key]) {
      if (item.is_object() &&
          (item.contains("dist") || item.contains("variables"))) {
        return true;
      }
    }
  }
  return false;
}

Json upgradeLegacyHs3(const Json& document) {
  Json out = document;
  out["metadata"] = {{"hs3_version", "0.1"}};
  upgradeEach(out, "distributions", upgradeDistribution);
  upgradeEach(out, "functions", [](Json f) {
    renameVariables(f);
    return f;
  });
  upgradeEach(out, "data", upgradeData);
  upgradeEach(out, "likelihoods", upgradeLikelihood);
  upgradeEach(out, "analyses", upgradeAnalysis);
  upgradeEach(out, "parameter_points", upgradePoint);
  upgradeEach(out, "domains", [](Json domain) {
    renameVariables(domain);
    return domain;
  });
  return out;
}

}  // namespace hs3::io
