#include "io/json_patch.hpp"

#include <algorithm>

namespace hs3::io {

namespace {

const std::string kModelParameters = "/parameters";

// pyhf applies a single patch to the model spec, where "/parameters" is the
// measurement's parameter list; in a whole workspace that list lives under
// each measurement.
Json rewriteForWorkspace(const Json& operation, const Json& workspace) {
  Json out = Json::array();
  const auto pathIt = operation.find("path");
  const bool touchesParameters =
      pathIt != operation.end() && pathIt->is_string() &&
      pathIt->get<std::string>().compare(0, kModelParameters.size(),
                                         kModelParameters) == 0;
  if (!touchesParameters || !workspace.contains("measurements") ||
      !workspace["measurements"].is_array()) {
    out.push_back(operation);
    return out;
  }
  const std::string rest =
      pathIt->get<std::string>().substr(kModelParameters.size());
  for (std::size_t m = 0; m < workspace["measurements"].size(); ++m) {
    Json rewritten = operation;
    rewritten["path"] =
        "/measurements/" + std::to_string(m) + "/config/parameters" + rest;
    out.push_back(rewritten);
  }
  return out;
}

std::string describeOperation(const Json& operation) {
  std::string op = "operation";
  if (operation.is_object()) {
    auto it = operation.find("op");
    if (it != operation.end() && it->is_string()) op = it->get<std::string>();
    it = operation.find("path");
    if (it != operation.end() && it->is_string()) {
      op += " " + it->get<std::string>();
    }
  }
  return op;
}

}  // namespace

void applyJsonPatch(Json& document, const Json& patch,
                    const std::string& patchPath, const std::string& origin) {
  JsonNode node(patch, patchPath);
  node.requireArray();
  for (std::size_t i = 0; i < patch.size(); ++i) {
    const Json& operation = patch[i];
    const std::string where = childPath(patchPath, i);
    if (!operation.is_object()) {
      throw Error(ErrorCode::kPatch, where,
                  "in " + origin + ": a patch operation must be an object");
    }
    for (const Json& single : rewriteForWorkspace(operation, document)) {
      try {
        document.patch_inplace(Json::array({single}));
      } catch (const Json::exception& e) {
        std::string reason = e.what();
        const auto cut = reason.find("] ");
        if (cut != std::string::npos) reason = reason.substr(cut + 2);
        throw Error(ErrorCode::kPatch, where,
                    "in " + origin + ": '" + describeOperation(operation) +
                        "' does not apply: " + reason);
      }
    }
  }
}

void applyPatchSource(Json& workspace, const PatchSource& source) {
  const std::string origin =
      source.origin.empty() ? std::string("the patch") : source.origin;
  Json patchDocument = parseJson(source.text, origin);
  if (source.patchName.empty()) {
    if (patchDocument.is_object() && patchDocument.contains("patches")) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  origin + " is a patchset; name one of its patches as " +
                      origin + ":NAME");
    }
    applyJsonPatch(workspace, patchDocument, "", origin);
    return;
  }
  JsonNode root(patchDocument, "");
  const JsonNode patches = root.at("patches").requireArray(1);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < patches.size(); ++i) {
    const JsonNode entry = patches.at(i);
    const std::string name = entry.at("metadata").at("name").string();
    if (name == source.patchName) {
      const JsonNode ops = entry.at("patch");
      applyJsonPatch(workspace, ops.raw(), ops.path(), origin);
      return;
    }
    names.push_back(name);
  }
  std::string known;
  const std::size_t shown = std::min<std::size_t>(names.size(), 8);
  for (std::size_t i = 0; i < shown; ++i) {
    known += (i ? ", " : "") + names[i];
  }
  if (names.size() > shown) {
    known += ", ... (" + std::to_string(names.size()) + " in all)";
  }
  throw Error(ErrorCode::kUnknownName, "patches",
              "the patchset " + origin + " has no patch named '" +
                  source.patchName + "'; it has " + known);
}

}  // namespace hs3::io
