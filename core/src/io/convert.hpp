// Writers between the two formats, from the Workspace both readers produce
// and the Model built from it (for the parameter settings).
#pragma once

#include <string>

#include "hs3/model.hpp"

namespace hs3::io {

// An HS3 0.2 document with one histfactory_dist per channel, binned data,
// one likelihood, default_domain, default_values and one analysis.
std::string writeHs3(const Workspace& workspace, const Model& model);
// A pyhf workspace (schema 1.0.0) with one measurement.
std::string writePyhf(const Workspace& workspace, const Model& model);

}  // namespace hs3::io
