// A read-only view of one JSON value together with its path in the document,
// so that every reader error can say where it happened and what rule broke.
// Internal to src/io: nlohmann_json never leaves this folder.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hs3/error.hpp"

namespace hs3::io {

using Json = nlohmann::json;

// Parses JSON text; throws Error(kParse) with line and column, or
// Error(kLimitExceeded) for documents nested deeper than the engine accepts.
Json parseJson(const std::string& text, const std::string& origin);

// "channels" + 2 -> "channels[2]"; "" + "channels" -> "channels".
std::string childPath(const std::string& parent, const std::string& key);
std::string childPath(const std::string& parent, std::size_t index);

// JSON type names as a user reads them ("an array", "a number").
const char* jsonTypeName(const Json& value);

class JsonNode {
 public:
  JsonNode(const Json& value, std::string path)
      : value_(&value), path_(std::move(path)) {}

  const Json& raw() const { return *value_; }
  const std::string& path() const { return path_; }
  // What to call the root in messages when the path is empty.
  std::string where() const { return path_.empty() ? "top level" : path_; }

  bool isNull() const { return value_->is_null(); }
  bool isObject() const { return value_->is_object(); }
  bool isArray() const { return value_->is_array(); }
  bool has(const std::string& key) const;

  // Object member that must be present.
  JsonNode at(const std::string& key) const;
  std::optional<JsonNode> find(const std::string& key) const;
  // Array element.
  JsonNode at(std::size_t index) const;
  std::size_t size() const;

  const JsonNode& requireObject() const;
  const JsonNode& requireArray(std::size_t minSize = 0) const;
  // Rejects object keys outside `allowed`, naming the first stranger.
  void rejectUnknownKeys(std::initializer_list<const char*> allowed) const;

  std::string string() const;
  // A finite number.
  double number() const;
  bool boolean() const;
  // An array of finite numbers.
  std::vector<double> numbers() const;

  [[noreturn]] void fail(ErrorCode code, const std::string& message) const;

 private:
  const Json* value_;
  std::string path_;
};

}  // namespace hs3::io
