// Loading a statistical model from a file or text in either format.
//
// loadModel and parseModel detect the format: a pyhf workspace has a
// top-level "channels"; an HS3 document has "distributions", "metadata" or
// "likelihoods". pyhf workspaces go through the pyhf reader and their
// measurement; HS3 files through their analysis (default: the first) or a
// named likelihood, or one distribution on one data set. HS3 HistFactory
// likelihoods become a Workspace and follow every pyhf rule; other HS3
// likelihoods compile into the general graph, and likelihoods that mix
// histfactory_dist channels with other terms compile into the graph with
// the channels, built by the pyhf rules, as one node of it. All give a
// Model.
//
//   hs3::LoadOptions options;
//   options.analysis = "simPdf_obsData";
//   auto model = hs3::loadModel("hs3.json", options);
//
// convertModel turns a pyhf workspace into HS3 or an HS3 HistFactory
// likelihood into a pyhf workspace; the likelihood stays the same.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hs3/model.hpp"
#include "hs3/workspace.hpp"

namespace hs3 {

struct LoadOptions {
  std::vector<std::string> patches;  // as the CLI takes them (pyhf only)
  std::string analysis;              // HS3: default the first
  std::string likelihood;            // HS3: instead of an analysis
  std::string measurement;           // pyhf: default the first
  ModelOptions model;
  // HS3: one distribution on one data set (both or neither).
  std::string distribution;
  std::string data;
  // HS3: the parameter point to start from (default: the analysis' init,
  // else "default_values").
  std::string point;
};

enum class ModelFormat { kPyhf, kHs3 };

ModelFormat detectFormat(const std::string& text);

std::shared_ptr<const Model> loadModel(const std::string& path,
                                       const LoadOptions& options);
std::shared_ptr<const Model> parseModel(const std::string& text,
                                        const std::vector<PatchSource>& patches,
                                        const LoadOptions& options);

// "hs3" or "pyhf": the model as JSON text in that format.
std::string convertModel(const std::string& text,
                         const std::vector<PatchSource>& patches,
                         const std::string& to, const LoadOptions& options);

}  // namespace hs3
