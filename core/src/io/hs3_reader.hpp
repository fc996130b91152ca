// Reads HS3 documents (0.1 and 0.2, the three eras of ROOT-written files)
// into graph::Document. Internal to the engine.
#pragma once

#include "graph/document.hpp"
#include "io/json_node.hpp"

namespace hs3::io {

// True when the document looks like HS3 rather than a pyhf workspace.
bool isHs3Document(const Json& document);

graph::Document readHs3Document(const Json& document);

}  // namespace hs3::io
