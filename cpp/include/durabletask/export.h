// Symbol visibility for the shared library. Everything not marked DT_API stays hidden.
#ifndef DURABLETASK_EXPORT_H_
#define DURABLETASK_EXPORT_H_

#if defined(DT_BUILDING_LIBRARY)
#define DT_API __attribute__((visibility("default")))
#else
#define DT_API
#endif

#endif  // DURABLETASK_EXPORT_H_
