/*
 * tsi.h — the public C API of libtsi, a TorchScript-compatible compiler and
 * CPU interpreter.
 *
 * Principles: opaque handles; explicit ownership (every function that
 * returns an object says who frees it); errors as values (a tsi_status and,
 * where asked for, a tsi_error with the message); the library never exits,
 * aborts or prints.
 */
#ifndef TSI_H
#define TSI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TSI_BUILDING_LIBRARY)
#define TSI_API __attribute__((visibility("default")))
#else
#define TSI_API
#endif

/* Status codes: 0 is success. */
typedef enum tsi_status {
    TSI_STATUS_OK = 0,
    TSI_STATUS_NOMEM = 1,
    TSI_STATUS_IO = 2,
    TSI_STATUS_FORMAT = 3,
    TSI_STATUS_TYPE = 4,
    TSI_STATUS_VALUE = 5,
    TSI_STATUS_INDEX = 6,
    TSI_STATUS_RUNTIME = 7,
    TSI_STATUS_UNSUPPORTED = 8,
    TSI_STATUS_USAGE = 9,
    TSI_STATUS_LIMIT = 10,
} tsi_status;

/* The library version, e.g. "0.1.0". */
TSI_API const char *tsi_version(void);

/* ---------------------------------------------------------------- errors */

/* An error: status, message (naming the file and place). Owned by whoever
 * received it; free with tsi_error_free. */
typedef struct tsi_error tsi_error;

TSI_API tsi_status tsi_error_status(const tsi_error *e);
/* Borrowed; valid until the error is freed. */
TSI_API const char *tsi_error_message(const tsi_error *e);
TSI_API void tsi_error_free(tsi_error *e);

#ifdef __cplusplus
}
#endif
#endif
