// spline: ROOT's RooSpline, an interpolating spline through fixed knots of
// order 3 (TSpline3) or 5 (TSpline5), optionally interpolating log y or in
// log x.
//
// Without end conditions (how RooSpline builds them) TSpline3 is the
// not-a-knot cubic of de Boor's CUBSPL and TSpline5 the natural quintic of
// ACM Algorithm 600 (third and fourth derivatives zero at both ends). Both
// are rebuilt here from those conditions, with their extrapolation: the
// first piece continues below the first knot; above the last knot the
// cubic continues its last piece while the quintic continues as the
// quadratic that its value, slope and curvature at the last knot define.
//
// With logx the knots are log(x0), and the spline is evaluated at exp(x),
// as RooSpline::evaluate does. The stated meaning of logx would evaluate at
// log(x); the two scales differ, but a published model's numbers are
// ROOT's, so ROOT's evaluation is followed, with a warning.

#include <Eigen/Sparse>
#include <array>
#include <cmath>

#include "funcs/functions.hpp"
#include "hs3/log.hpp"

namespace hs3::funcs {

using graph::Call;
using graph::NodeId;
using graph::Op;

namespace {

// One polynomial piece, sum_k c[k] (x - start)^k.
struct Piece {
  double start = 0.0;
  std::array<double, 6> c{};
};

using Triplets = std::vector<Eigen::Triplet<double>>;

// The solution, or NaNs when the system is not finite or singular (knots
// too far apart or too close together for doubles): SparseLU's solve
// reads out of bounds after a failed factorisation.
std::vector<double> solveSparse(std::size_t n, const Triplets& entries,
                                const Eigen::VectorXd& rhs) {
  const std::vector<double> failed(n, std::nan(""));
  for (const Eigen::Triplet<double>& t : entries) {
    if (!std::isfinite(t.value())) return failed;
  }
  if (!rhs.allFinite()) return failed;
  Eigen::SparseMatrix<double> matrix(static_cast<Eigen::Index>(n),
                                     static_cast<Eigen::Index>(n));
  matrix.setFromTriplets(entries.begin(), entries.end());
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(matrix);
  if (lu.info() != Eigen::Success) return failed;
  const Eigen::VectorXd solution = lu.solve(rhs);
  return std::vector<double>(solution.data(), solution.data() + n);
}

// The slopes at the knots of the not-a-knot cubic: the third derivative is
// continuous at the second and the second-to-last knot. Two knots give the
// line, three the parabola through them.
std::vector<double> notAKnotSlopes(const std::vector<double>& x,
                                   const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<double> h(n - 1), delta(n - 1);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    h[i] = x[i + 1] - x[i];
    delta[i] = (y[i + 1] - y[i]) / h[i];
  }
  if (n == 2) return {delta[0], delta[0]};
  if (n == 3) {
    const double curvature = (delta[1] - delta[0]) / (x[2] - x[0]);
    std::vector<double> slopes(3);
    for (std::size_t i = 0; i < 3; ++i) {
      slopes[i] = delta[0] + curvature * (2 * x[i] - x[0] - x[1]);
    }
    return slopes;
  }
  Triplets a;
  Eigen::VectorXd rhs(static_cast<Eigen::Index>(n));
  const auto row = [](std::size_t i) { return static_cast<int>(i); };
  const double left = h[0] + h[1];
  a.emplace_back(0, 0, h[1]);
  a.emplace_back(0, 1, left);
  rhs[0] =
      ((h[0] + 2 * left) * h[1] * delta[0] + h[0] * h[0] * delta[1]) / left;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    a.emplace_back(row(i), row(i - 1), h[i]);
    a.emplace_back(row(i), row(i), 2 * (h[i - 1] + h[i]));
    a.emplace_back(row(i), row(i + 1), h[i - 1]);
    rhs[row(i)] = 3 * (h[i] * delta[i - 1] + h[i - 1] * delta[i]);
  }
  const std::size_t last = n - 1;
  const double right = h[n - 2] + h[n - 3];
  a.emplace_back(row(last), row(last - 1), right);
  a.emplace_back(row(last), row(last), h[n - 3]);
  rhs[row(last)] = (h[n - 2] * h[n - 2] * delta[n - 3] +
                    (2 * right + h[n - 2]) * h[n - 3] * delta[n - 2]) /
                   right;
  return solveSparse(n, a, rhs);
}

std::vector<Piece> cubicPieces(const std::vector<double>& x,
                               const std::vector<double>& y) {
  const std::vector<double> s = notAKnotSlopes(x, y);
  std::vector<Piece> pieces(x.size() - 1);
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double h = x[i + 1] - x[i];
    const double delta = (y[i + 1] - y[i]) / h;
    Piece& piece = pieces[i];
    piece.start = x[i];
    piece.c[0] = y[i];
    piece.c[1] = s[i];
    piece.c[2] = (3 * delta - 2 * s[i] - s[i + 1]) / h;
    piece.c[3] = (s[i] + s[i + 1] - 2 * delta) / (h * h);
  }
  return pieces;
}

// A linear form in the slope and curvature at both ends of one interval:
// m0, k0 (left) and m1, k1 (right), plus a constant.
struct Form {
  double m0 = 0.0, k0 = 0.0, m1 = 0.0, k1 = 0.0, constant = 0.0;
  Form operator*(double f) const {
    return {m0 * f, k0 * f, m1 * f, k1 * f, constant * f};
  }
  Form operator+(const Form& o) const {
    return {m0 + o.m0, k0 + o.k0, m1 + o.m1, k1 + o.k1, constant + o.constant};
  }
};

// The cubic, quartic and quintic coefficients of the quintic on an interval
// of width h that has values y0, y1, slopes m and curvatures k at its ends:
// the quintic Hermite interpolant.
std::array<Form, 3> quinticTerms(double h, double y0, double y1) {
  const Form r0{-h, -0.5 * h * h, 0.0, 0.0, y1 - y0};
  const Form r1{-1.0, -h, 1.0, 0.0, 0.0};
  const Form r2{0.0, -1.0, 0.0, 1.0, 0.0};
  const double h2 = h * h;
  return {(r0 * 20 + r1 * (-8 * h) + r2 * h2) * (0.5 / (h2 * h)),
          (r0 * -30 + r1 * (14 * h) + r2 * (-2 * h2)) * (0.5 / (h2 * h2)),
          (r0 * 12 + r1 * (-6 * h) + r2 * h2) * (0.5 / (h2 * h2 * h))};
}

// The natural quintic: continuous to the fourth derivative, with third and
// fourth derivatives zero at both ends. Unknowns: slope and curvature at
// every knot.
std::vector<Piece> quinticPieces(const std::vector<double>& x,
                                 const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<std::array<Form, 3>> terms(n - 1);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    terms[i] = quinticTerms(x[i + 1] - x[i], y[i], y[i + 1]);
  }
  // Third and fourth derivative at the start (t = 0) and end (t = h) of
  // interval i.
  auto thirdAtStart = [&](std::size_t i) { return terms[i][0] * 6; };
  auto fourthAtStart = [&](std::size_t i) { return terms[i][1] * 24; };
  auto thirdAtEnd = [&](std::size_t i) {
    const double h = x[i + 1] - x[i];
    return terms[i][0] * 6 + terms[i][1] * (24 * h) +
           terms[i][2] * (60 * h * h);
  };
  auto fourthAtEnd = [&](std::size_t i) {
    const double h = x[i + 1] - x[i];
    return terms[i][1] * 24 + terms[i][2] * (120 * h);
  };

  const std::size_t unknowns = 2 * n;
  Triplets a;
  Eigen::VectorXd rhs =
      Eigen::VectorXd::Zero(static_cast<Eigen::Index>(unknowns));
  int row = 0;
  // Adds sign * form of interval i to the current row.
  auto add = [&](const Form& form, std::size_t i, double sign) {
    const int left = static_cast<int>(2 * i), right = left + 2;
    a.emplace_back(row, left, sign * form.m0);
    a.emplace_back(row, left + 1, sign * form.k0);
    a.emplace_back(row, right, sign * form.m1);
    a.emplace_back(row, right + 1, sign * form.k1);
    rhs[row] -= sign * form.constant;
  };
  add(thirdAtStart(0), 0, 1.0);
  ++row;
  add(fourthAtStart(0), 0, 1.0);
  ++row;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    add(thirdAtEnd(i - 1), i - 1, 1.0);
    add(thirdAtStart(i), i, -1.0);
    ++row;
    add(fourthAtEnd(i - 1), i - 1, 1.0);
    add(fourthAtStart(i), i, -1.0);
    ++row;
  }
  add(thirdAtEnd(n - 2), n - 2, 1.0);
  ++row;
  add(fourthAtEnd(n - 2), n - 2, 1.0);
  const std::vector<double> u = solveSparse(unknowns, a, rhs);

  std::vector<Piece> pieces(n);
  for (std::size_t i = 0; i < n; ++i) {
    Piece& piece = pieces[i];
    piece.start = x[i];
    piece.c[0] = y[i];
    piece.c[1] = u[2 * i];
    piece.c[2] = 0.5 * u[2 * i + 1];
    if (i + 1 == n) break;  // the quadratic continuation
    for (std::size_t k = 0; k < 3; ++k) {
      const Form& f = terms[i][k];
      piece.c[3 + k] = f.m0 * u[2 * i] + f.k0 * u[2 * i + 1] +
                       f.m1 * u[2 * i + 2] + f.k1 * u[2 * i + 3] + f.constant;
    }
  }
  return pieces;
}

std::vector<double> knots(Call& call, const std::string& key) {
  std::vector<double> out;
  for (const graph::Ref& r : call.field(key).items) {
    if (!r.isNumber()) {
      call.fail(ErrorCode::kSchema, key,
                "knots are numbers, not the name '" + r.name + "'");
    }
    out.push_back(r.number);
  }
  return out;
}

}  // namespace

NodeId spline(Call& call) {
  graph::Program& p = call.program();
  std::vector<double> x = knots(call, "x0");
  std::vector<double> y = knots(call, "y0");
  if (x.size() != y.size()) {
    call.fail(ErrorCode::kShapeMismatch, "y0",
              "has " + std::to_string(y.size()) + " values for " +
                  std::to_string(x.size()) + " knots in 'x0'");
  }
  int order = 3;
  if (call.has("interpolation")) {
    const std::string algorithm = call.variable("interpolation");
    if (algorithm == "poly5") {
      order = 5;
    } else if (algorithm != "poly3") {
      call.fail(ErrorCode::kUnknownType, "interpolation",
                "interpolation '" + algorithm +
                    "' is not supported (poly3 or poly5)");
    }
  }
  const std::size_t fewest = order == 3 ? 2 : 3;
  if (x.size() < fewest) {
    call.fail(ErrorCode::kShapeMismatch, "x0",
              "a poly" + std::to_string(order) + " spline needs at least " +
                  std::to_string(fewest) + " knots");
  }
  const bool logX = call.number("logx", 0.0) != 0;
  const bool logY = call.number("logy", 0.0) != 0;
  auto takeLogs = [&](std::vector<double>& values, const char* key) {
    for (double& v : values) {
      if (!(v > 0)) {
        call.fail(ErrorCode::kInvalidValue, key,
                  std::string("must be positive with ") +
                      (key[0] == 'x' ? "logx" : "logy"));
      }
      v = std::log(v);
    }
  };
  if (logX) {
    takeLogs(x, "x0");
    HS3_LOG(kWarning, "graph")
        << "spline '" << call.spec().name
        << "' has logx: evaluated, as ROOT does, at exp(x) on knots log(x0)";
  }
  if (logY) takeLogs(y, "y0");
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (!(x[i] > x[i - 1])) {
      call.fail(ErrorCode::kInvalidValue, "x0", "knots must increase strictly");
    }
  }

  const std::vector<Piece> pieces =
      order == 3 ? cubicPieces(x, y) : quinticPieces(x, y);
  for (const Piece& piece : pieces) {
    for (double c : piece.c) {
      if (!std::isfinite(c)) {
        call.fail(ErrorCode::kInvalidValue, "x0",
                  "the spline through these knots is not finite in double "
                  "precision (knots or values too far apart, or knots too "
                  "close together)");
      }
    }
  }
  // Piece i covers [edges[i], edges[i + 1]); points outside all edges use
  // the first or last piece.
  std::vector<double> edges;
  for (const Piece& piece : pieces) edges.push_back(piece.start);
  edges.push_back(order == 3 ? x.back() : 2 * x.back() - x[x.size() - 2]);

  NodeId u = call.node("x");
  if (logX) u = p.apply(Op::kExp, {u});
  auto lookup = [&](auto coefficient) {
    std::vector<NodeId> values;
    for (const Piece& piece : pieces) {
      values.push_back(p.constant(coefficient(piece)));
    }
    return p.binLookup(u, values, edges);
  };
  const NodeId offset = p.apply(
      Op::kSub, {u, lookup([](const Piece& piece) { return piece.start; })});
  NodeId value = p.constant(0.0);
  for (std::size_t k = static_cast<std::size_t>(order) + 1; k-- > 0;) {
    value = p.apply(Op::kAdd,
                    {p.apply(Op::kMul, {value, offset}),
                     lookup([k](const Piece& piece) { return piece.c[k]; })});
  }
  return logY ? p.apply(Op::kExp, {value}) : value;
}

}  // namespace hs3::funcs
