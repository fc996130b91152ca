// Format detection and loading of either format into a Model.

#include "hs3/load.hpp"

#include <fstream>

#include "graph/hs3_model.hpp"
#include "io/convert.hpp"
#include "io/hs3_reader.hpp"
#include "io/json_node.hpp"
#include "io/json_patch.hpp"

namespace hs3 {

namespace {

io::Json parseWithPatches(const std::string& text,
                          const std::vector<PatchSource>& patches) {
  io::Json document = io::parseJson(text, "the model file");
  for (const PatchSource& patch : patches)
    io::applyPatchSource(document, patch);
  return document;
}

graph::Selection selectionOf(const LoadOptions& options) {
  graph::Selection selection;
  selection.analysis = options.analysis;
  selection.likelihood = options.likelihood;
  selection.distribution = options.distribution;
  selection.data = options.data;
  selection.point = options.point;
  return selection;
}

ModelOptions modelOptions(const LoadOptions& options) {
  ModelOptions out = options.model;
  if (!options.measurement.empty()) out.measurement = options.measurement;
  return out;
}

}  // namespace

ModelFormat detectFormat(const std::string& text) {
  return io::isHs3Document(io::parseJson(text, "the model file"))
             ? ModelFormat::kHs3
             : ModelFormat::kPyhf;
}

std::shared_ptr<const Model> parseModel(const std::string& text,
                                        const std::vector<PatchSource>& patches,
                                        const LoadOptions& options) {
  const io::Json document = parseWithPatches(text, patches);
  if (!io::isHs3Document(document)) {
    return Model::build(parseWorkspace(text, patches), modelOptions(options));
  }
  const graph::Document doc = io::readHs3Document(document);
  return graph::buildHs3Model(doc, selectionOf(options), modelOptions(options));
}

std::shared_ptr<const Model> loadModel(const std::string& path,
                                       const LoadOptions& options) {
  return parseModel(readTextFile(path), readPatchSources(options.patches),
                    options);
}

std::string convertModel(const std::string& text,
                         const std::vector<PatchSource>& patches,
                         const std::string& to, const LoadOptions& options) {
  if (to != "hs3" && to != "pyhf") {
    throw Error(ErrorCode::kInvalidArgument, "",
                "convert takes --to hs3 or --to pyhf, not '" + to + "'");
  }
  const io::Json document = parseWithPatches(text, patches);
  Workspace ws;
  std::string measurement = options.measurement;
  if (io::isHs3Document(document)) {
    const graph::Document doc = io::readHs3Document(document);
    std::optional<Workspace> hf =
        graph::histFactoryWorkspace(doc, selectionOf(options));
    if (!hf) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "only HS3 likelihoods made of histfactory_dist channels "
                  "convert to other formats; this one is a general model");
    }
    ws = std::move(*hf);
    measurement.clear();
  } else {
    ws = parseWorkspace(text, patches);
  }
  ModelOptions mo = modelOptions(options);
  mo.measurement = measurement;
  const auto model = Model::build(ws, mo);
  return to == "hs3" ? io::writeHs3(ws, *model) : io::writePyhf(ws, *model);
}

}  // namespace hs3
