#include "registry/tests/fault_vfs.h"

#include <cstddef>

namespace sztp::registry::test {
namespace {

/// Our file: SQLite allocates szOsFile bytes, we put the real file right
/// after our header.
struct ShimFile {
  sqlite3_file base;
  FaultVfs* owner;
  sqlite3_file* real;
};

FaultVfs* owner(sqlite3_vfs* vfs) {
  return static_cast<FaultVfs*>(vfs->pAppData);
}
sqlite3_vfs* realVfs(sqlite3_vfs* vfs) {
  return owner(vfs)->base();
}
ShimFile* shim(sqlite3_file* file) {
  return reinterpret_cast<ShimFile*>(file);
}
sqlite3_file* real(sqlite3_file* file) {
  return shim(file)->real;
}

int shimClose(sqlite3_file* f) {
  return real(f)->pMethods->xClose(real(f));
}
int shimRead(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  return real(f)->pMethods->xRead(real(f), buffer, amount, offset);
}
int shimWrite(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  if (!shim(f)->owner->allow()) {
    return SQLITE_IOERR_WRITE;
  }
  return real(f)->pMethods->xWrite(real(f), buffer, amount, offset);
}
int shimTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return real(f)->pMethods->xTruncate(real(f), size);
}
int shimSync(sqlite3_file* f, int flags) {
  if (!shim(f)->owner->allow()) {
    return SQLITE_IOERR_FSYNC;
  }
  return real(f)->pMethods->xSync(real(f), flags);
}
int shimFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int shimLock(sqlite3_file* f, int level) {
  return real(f)->pMethods->xLock(real(f), level);
}
int shimUnlock(sqlite3_file* f, int level) {
  return real(f)->pMethods->xUnlock(real(f), level);
}
int shimCheckReservedLock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int shimFileControl(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int shimSectorSize(sqlite3_file* f) {
  return real(f)->pMethods->xSectorSize(real(f));
}
int shimDeviceCharacteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int shimShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int shimShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void shimShmBarrier(sqlite3_file* f) {
  real(f)->pMethods->xShmBarrier(real(f));
}
int shimShmUnmap(sqlite3_file* f, int deleteFlag) {
  return real(f)->pMethods->xShmUnmap(real(f), deleteFlag);
}
int shimFetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return real(f)->pMethods->xFetch(real(f), offset, amount, out);
}
int shimUnfetch(sqlite3_file* f, sqlite3_int64 offset, void* pointer) {
  return real(f)->pMethods->xUnfetch(real(f), offset, pointer);
}

// Version 3 methods: WAL needs the shared-memory ones. The unix VFS's files
// all have version 3, which the shim exposes unchanged.
const sqlite3_io_methods kShimMethods = {
    3,
    shimClose,
    shimRead,
    shimWrite,
    shimTruncate,
    shimSync,
    shimFileSize,
    shimLock,
    shimUnlock,
    shimCheckReservedLock,
    shimFileControl,
    shimSectorSize,
    shimDeviceCharacteristics,
    shimShmMap,
    shimShmLock,
    shimShmBarrier,
    shimShmUnmap,
    shimFetch,
    shimUnfetch,
};

int shimOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* outFlags) {
  auto* s = shim(file);
  s->base.pMethods = nullptr;
  s->owner = owner(vfs);
  s->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(ShimFile));
  s->real->pMethods = nullptr;
  const int rc = realVfs(vfs)->xOpen(realVfs(vfs), name, s->real, flags, outFlags);
  if (s->real->pMethods != nullptr) {
    // Set even on failure, so that SQLite's xClose reaches the real file.
    s->base.pMethods = &kShimMethods;
  }
  return rc;
}

int shimDelete(sqlite3_vfs* vfs, const char* name, int syncDir) {
  return realVfs(vfs)->xDelete(realVfs(vfs), name, syncDir);
}
int shimAccess(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return realVfs(vfs)->xAccess(realVfs(vfs), name, flags, out);
}
int shimFullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return realVfs(vfs)->xFullPathname(realVfs(vfs), name, size, out);
}
void* shimDlOpen(sqlite3_vfs* vfs, const char* name) {
  return realVfs(vfs)->xDlOpen(realVfs(vfs), name);
}
void shimDlError(sqlite3_vfs* vfs, int size, char* out) {
  realVfs(vfs)->xDlError(realVfs(vfs), size, out);
}
void (*shimDlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return realVfs(vfs)->xDlSym(realVfs(vfs), handle, symbol);
}
void shimDlClose(sqlite3_vfs* vfs, void* handle) {
  realVfs(vfs)->xDlClose(realVfs(vfs), handle);
}
int shimRandomness(sqlite3_vfs* vfs, int size, char* out) {
  return realVfs(vfs)->xRandomness(realVfs(vfs), size, out);
}
int shimSleep(sqlite3_vfs* vfs, int micros) {
  return realVfs(vfs)->xSleep(realVfs(vfs), micros);
}
int shimCurrentTime(sqlite3_vfs* vfs, double* out) {
  return realVfs(vfs)->xCurrentTime(realVfs(vfs), out);
}
int shimGetLastError(sqlite3_vfs* vfs, int size, char* out) {
  return realVfs(vfs)->xGetLastError(realVfs(vfs), size, out);
}
int shimCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return realVfs(vfs)->xCurrentTimeInt64(realVfs(vfs), out);
}

}  // namespace

FaultVfs::FaultVfs(std::string name) : name_(std::move(name)) {
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  base_ = base;
  vfs_.iVersion = 2;
  vfs_.szOsFile = static_cast<int>(sizeof(ShimFile)) + base->szOsFile;
  vfs_.mxPathname = base->mxPathname;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = this;
  vfs_.xOpen = shimOpen;
  vfs_.xDelete = shimDelete;
  vfs_.xAccess = shimAccess;
  vfs_.xFullPathname = shimFullPathname;
  vfs_.xDlOpen = shimDlOpen;
  vfs_.xDlError = shimDlError;
  vfs_.xDlSym = shimDlSym;
  vfs_.xDlClose = shimDlClose;
  vfs_.xRandomness = shimRandomness;
  vfs_.xSleep = shimSleep;
  vfs_.xCurrentTime = shimCurrentTime;
  vfs_.xGetLastError = shimGetLastError;
  vfs_.xCurrentTimeInt64 = shimCurrentTimeInt64;
  sqlite3_vfs_register(&vfs_, 0);
}

FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(&vfs_);
}

bool FaultVfs::allow() {
  ++operations_;
  long expected = countdown_.load();
  while (expected > 0) {
    if (countdown_.compare_exchange_weak(expected, expected - 1)) {
      if (expected == 1) {
        failed_ = true;
        return false;
      }
      return true;
    }
  }
  return true;
}

}  // namespace sztp::registry::test
