// Widths, shapes and lifetimes that must be positive. A literal that is not
// is a mistake in the file and is reported when the model is built. A
// parameter cannot be checked then: a fit may move it anywhere, so the
// density is made zero wherever one is not positive. Left alone, such
// values give NaN or, worse, a finite density of the wrong shape (a
// generalised normal with beta = 0 is flat, a gamma with shape -1 still
// normalises on a range above mu), which a minimizer would accept.

#include <cmath>
#include <limits>
#include <sstream>

#include "dists/distributions.hpp"

namespace hs3::dists {

using graph::Op;

NodeId requirePositive(Call& call, NodeId logDensity,
                       std::initializer_list<const char*> keys) {
  graph::Program& p = call.program();
  NodeId valid = graph::kNoNode;
  for (const char* key : keys) {
    const graph::Ref& r = call.ref(key);
    if (r.isNumber()) {
      if (!(r.number > 0) || !std::isfinite(r.number)) {
        std::ostringstream value;
        value << r.number;
        call.fail(ErrorCode::kInvalidValue, key,
                  "must be positive and finite, not " + value.str());
      }
      continue;
    }
    const NodeId positive =
        p.apply(Op::kGreater, {call.value(r), p.constant(0.0)});
    valid = valid == graph::kNoNode ? positive
                                    : p.apply(Op::kAnd, {valid, positive});
  }
  if (valid == graph::kNoNode) return logDensity;
  return p.apply(Op::kSelect,
                 {valid, logDensity,
                  p.constant(-std::numeric_limits<double>::infinity())});
}

}  // namespace hs3::dists
