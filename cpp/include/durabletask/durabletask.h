// The whole C++ API of durabletask-native.
#ifndef DURABLETASK_DURABLETASK_H_
#define DURABLETASK_DURABLETASK_H_

#include "durabletask/cancellation.h"
#include "durabletask/client.h"
#include "durabletask/factory.h"
#include "durabletask/logging.h"
#include "durabletask/options.h"
#include "durabletask/status.h"
#include "durabletask/types.h"
#include "durabletask/version.h"

#endif  // DURABLETASK_DURABLETASK_H_
