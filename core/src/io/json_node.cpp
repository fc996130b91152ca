#include "io/json_node.hpp"

#include <cmath>

namespace hs3::io {

namespace {

// Deeper nesting than this exists in no statistical model; refusing it keeps
// a hostile file from exhausting the stack of the recursive parser.
constexpr int kMaxDepth = 200;

// Larger texts than this would need several times their size in memory.
constexpr std::size_t kMaxTextBytes = std::size_t{1} << 30;

}  // namespace

Json parseJson(const std::string& text, const std::string& origin) {
  if (text.size() > kMaxTextBytes) {
    throw Error(ErrorCode::kLimitExceeded, "",
                origin + " is " + std::to_string(text.size() >> 20) +
                    " MiB; the engine reads JSON of at most " +
                    std::to_string(kMaxTextBytes >> 20) + " MiB");
  }
  bool tooDeep = false;
  auto guardDepth = [&tooDeep](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxDepth) tooDeep = true;
    return !tooDeep;
  };
  try {
    Json value = Json::parse(text, guardDepth);
    if (tooDeep) {
      throw Error(ErrorCode::kLimitExceeded, "",
                  origin + " nests objects or arrays more than " +
                      std::to_string(kMaxDepth) + " levels deep");
    }
    return value;
  } catch (const Json::parse_error& e) {
    if (tooDeep) {
      throw Error(ErrorCode::kLimitExceeded, "",
                  origin + " nests objects or arrays more than " +
                      std::to_string(kMaxDepth) + " levels deep");
    }
    // nlohmann's text names line and column after its own prefix.
    std::string detail = e.what();
    const auto colon = detail.find("] ");
    if (colon != std::string::npos) detail = detail.substr(colon + 2);
    throw Error(ErrorCode::kParse, "",
                origin + " is not valid JSON: " + detail);
  } catch (const Json::exception& e) {
    // A number beyond the range of a double, for instance.
    std::string detail = e.what();
    const auto colon = detail.find("] ");
    if (colon != std::string::npos) detail = detail.substr(colon + 2);
    throw Error(ErrorCode::kParse, "", origin + " cannot be read: " + detail);
  }
}

std::string childPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string childPath(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

const char* jsonTypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

bool JsonNode::has(const std::string& key) const {
  return value_->is_object() && value_->contains(key);
}

JsonNode JsonNode::at(const std::string& key) const {
  requireObject();
  auto it = value_->find(key);
  if (it == value_->end()) {
    fail(ErrorCode::kSchema, "the required key '" + key + "' is missing");
  }
  return JsonNode(*it, childPath(path_, key));
}

std::optional<JsonNode> JsonNode::find(const std::string& key) const {
  requireObject();
  auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return JsonNode(*it, childPath(path_, key));
}

JsonNode JsonNode::at(std::size_t index) const {
  requireArray();
  if (index >= value_->size()) {
    fail(ErrorCode::kSchema, "has no element " + std::to_string(index));
  }
  return JsonNode((*value_)[index], childPath(path_, index));
}

std::size_t JsonNode::size() const {
  requireArray();
  return value_->size();
}

const JsonNode& JsonNode::requireObject() const {
  if (!value_->is_object()) {
    fail(ErrorCode::kSchema,
         std::string("must be an object, but is ") + jsonTypeName(*value_));
  }
  return *this;
}

const JsonNode& JsonNode::requireArray(std::size_t minSize) const {
  if (!value_->is_array()) {
    fail(ErrorCode::kSchema,
         std::string("must be an array, but is ") + jsonTypeName(*value_));
  }
  if (value_->size() < minSize) {
    fail(ErrorCode::kSchema, "must have at least " + std::to_string(minSize) +
                                 " element" + (minSize == 1 ? "" : "s"));
  }
  return *this;
}

void JsonNode::rejectUnknownKeys(
    std::initializer_list<const char*> allowed) const {
  requireObject();
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    bool known = false;
    for (const char* key : allowed) known = known || it.key() == key;
    if (known) continue;
    std::string list;
    for (const char* key : allowed) {
      list += (list.empty() ? "" : ", ") + std::string(key);
    }
    fail(ErrorCode::kSchema,
         "unknown key '" + it.key() + "' (allowed here: " + list + ")");
  }
}

std::string JsonNode::string() const {
  if (!value_->is_string()) {
    fail(ErrorCode::kSchema,
         std::string("must be a string, but is ") + jsonTypeName(*value_));
  }
  return value_->get<std::string>();
}

double JsonNode::number() const {
  if (!value_->is_number()) {
    fail(ErrorCode::kSchema,
         std::string("must be a number, but is ") + jsonTypeName(*value_));
  }
  const double x = value_->get<double>();
  if (!std::isfinite(x)) {
    fail(ErrorCode::kInvalidValue, "must be a finite number");
  }
  return x;
}

bool JsonNode::boolean() const {
  if (!value_->is_boolean()) {
    fail(ErrorCode::kSchema,
         std::string("must be true or false, but is ") + jsonTypeName(*value_));
  }
  return value_->get<bool>();
}

std::vector<double> JsonNode::numbers() const {
  requireArray();
  std::vector<double> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) {
    out.push_back(at(i).number());
  }
  return out;
}

void JsonNode::fail(ErrorCode code, const std::string& message) const {
  throw Error(code, path_, message);
}

}  // namespace hs3::io
