// The HS3 files ROOT wrote up to 6.28, before the standard settled: objects
// keyed by name instead of lists, `variables` maps instead of `axes`,
// likelihoods with `dist` and `obs`, analyses with `pois`, parameter points
// keyed by parameter. They are rewritten into the current form, which the
// reader then reads as any other file.
//
//   if (isLegacyHs3(document)) document = upgradeLegacyHs3(document);
#pragma once

#include "io/json_node.hpp"

namespace hs3::io {

// True for a document in the pre-standard layout: no `metadata`, and one
// of the layouts above.
bool isLegacyHs3(const Json& document);

// The same content in the current layout (hs3_version 0.1). Keys it does
// not know are kept as they are, so that the reader reports them.
Json upgradeLegacyHs3(const Json& document);

}  // namespace hs3::io
