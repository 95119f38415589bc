#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace sztp::bootstrap {

/// A thread-safe least-recently-used map with a fixed capacity, for values
/// that are expensive to compute and cheap to copy (shared handles, small
/// structs, signed artifacts). Keys are strings, usually digests.
template <class Value>
class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity) {}

  std::optional<Value> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto found = index_.find(key);
    if (found == index_.end()) {
      return std::nullopt;
    }
    order_.splice(order_.begin(), order_, found->second);
    return found->second->second;
  }

  void put(const std::string& key, Value value) {
    if (capacity_ == 0) {
      return;
    }
    std::lock_guard lock(mutex_);
    const auto found = index_.find(key);
    if (found != index_.end()) {
      found->second->second = std::move(value);
      order_.splice(order_.begin(), order_, found->second);
      return;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

  void clear() {
    std::lock_guard lock(mutex_);
    index_.clear();
    order_.clear();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
  }

 private:
  using Entry = std::pair<std::string, Value>;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace sztp::bootstrap
