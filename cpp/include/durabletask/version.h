#ifndef DURABLETASK_VERSION_H_
#define DURABLETASK_VERSION_H_

#include "durabletask/export.h"

#define DURABLETASK_VERSION_MAJOR 0
#define DURABLETASK_VERSION_MINOR 1
#define DURABLETASK_VERSION_PATCH 0
#define DURABLETASK_VERSION_STRING "0.1.0"

namespace durabletask {
// The version of the library actually loaded.
DT_API const char* Version();
}  // namespace durabletask

#endif  // DURABLETASK_VERSION_H_
