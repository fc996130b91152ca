// JSON Patch (RFC 6902) application and pyhf patchsets, on parsed JSON.
#pragma once

#include <string>
#include <vector>

#include "hs3/workspace.hpp"
#include "io/json_node.hpp"

namespace hs3::io {

// Applies the operations of `patch` (a JSON array) to `document` one by one,
// so that a failure names the operation. `patchPath` is where the array sits
// in its own file ("" or "patches[3].patch"), `origin` the file.
void applyJsonPatch(Json& document, const Json& patch,
                    const std::string& patchPath, const std::string& origin);

// Applies one PatchSource to a pyhf workspace document: a plain JSON Patch
// acts as pyhf applies patches to a model ({"channels", "parameters"}, the
// latter being the measurements' parameter configs), a patchset's named patch
// acts on the whole workspace.
void applyPatchSource(Json& workspace, const PatchSource& source);

}  // namespace hs3::io
