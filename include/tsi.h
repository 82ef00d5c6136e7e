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


/* -------------------------------------------------------------- threads */

/* Threads kernels use (0: all cores). The only global setting. */
TSI_API void tsi_set_num_threads(int n);

/* --------------------------------------------------------------- values */

/* A runtime value: None, bool, int, float, str, tensor, list, tuple, dict
 * or an object. Every function returning a tsi_value* returns a new one the
 * caller frees with tsi_value_free (NULL only when memory runs out). */
typedef struct tsi_value tsi_value;

typedef enum tsi_kind {
    TSI_KIND_NONE,
    TSI_KIND_BOOL,
    TSI_KIND_INT,
    TSI_KIND_FLOAT,
    TSI_KIND_STR,
    TSI_KIND_TENSOR,
    TSI_KIND_LIST,
    TSI_KIND_TUPLE,
    TSI_KIND_DICT,
    TSI_KIND_OBJECT,
    TSI_KIND_OTHER,
} tsi_kind;

/* Element types, numbered as torch's ScalarType. */
typedef enum tsi_dtype {
    TSI_UINT8 = 0,
    TSI_INT8 = 1,
    TSI_INT16 = 2,
    TSI_INT32 = 3,
    TSI_INT64 = 4,
    TSI_FLOAT16 = 5,
    TSI_FLOAT32 = 6,
    TSI_FLOAT64 = 7,
    TSI_BOOL = 11,
    TSI_BFLOAT16 = 15,
} tsi_dtype;

TSI_API tsi_value *tsi_value_none(void);
TSI_API tsi_value *tsi_value_bool(int b);
TSI_API tsi_value *tsi_value_int(int64_t i);
TSI_API tsi_value *tsi_value_float(double d);
TSI_API tsi_value *tsi_value_str(const char *s);
/* A list (all items of one type) or a tuple of the given items (each
 * borrowed; the container holds its own references). */
TSI_API tsi_status tsi_value_list(tsi_value *const *items, size_t n, tsi_value **out,
                                  tsi_error **err);
TSI_API tsi_value *tsi_value_tuple(tsi_value *const *items, size_t n);

/*
 * A tensor over caller memory, without a copy. `strides` (in elements) may
 * be NULL for a contiguous layout. The memory must stay valid until
 * `release(ctx)` is called — once no tensor uses it any more (release may
 * be NULL if the caller outlives every use).
 */
TSI_API tsi_status tsi_value_tensor_wrap(tsi_dtype dtype, int ndim, const int64_t *sizes,
                                         const int64_t *strides, void *data, size_t nbytes,
                                         void (*release)(void *ctx), void *ctx,
                                         tsi_value **out, tsi_error **err);
/* A contiguous tensor holding a copy of `data`. */
TSI_API tsi_status tsi_value_tensor_copy(tsi_dtype dtype, int ndim, const int64_t *sizes,
                                         const void *data, tsi_value **out, tsi_error **err);
/* A value from a Python literal ("[1, 2.5]", "(1, 'a')", "@x.npy"). */
TSI_API tsi_status tsi_value_parse(const char *literal, tsi_value **out, tsi_error **err);
TSI_API void tsi_value_free(tsi_value *v);

TSI_API tsi_kind tsi_value_kind(const tsi_value *v);
TSI_API int tsi_value_as_bool(const tsi_value *v);
TSI_API int64_t tsi_value_as_int(const tsi_value *v);
TSI_API double tsi_value_as_float(const tsi_value *v);
/* Borrowed; valid while v lives. */
TSI_API const char *tsi_value_as_str(const tsi_value *v);
/* Number of items of a list, tuple or dict (0 for others). */
TSI_API size_t tsi_value_len(const tsi_value *v);
/* Item i of a list or tuple; for a dict, the (key, value) tuple i in
 * insertion order. New value; NULL when out of range. */
TSI_API tsi_value *tsi_value_item(const tsi_value *v, size_t i);
/* Tensor views (borrowed pointers, valid while v lives). */
TSI_API tsi_dtype tsi_value_tensor_dtype(const tsi_value *v);
TSI_API int tsi_value_tensor_ndim(const tsi_value *v);
TSI_API const int64_t *tsi_value_tensor_sizes(const tsi_value *v);
TSI_API const int64_t *tsi_value_tensor_strides(const tsi_value *v);
TSI_API void *tsi_value_tensor_data(const tsi_value *v); /* element (0, ..., 0) */
/* Text as TorchScript's print shows it; free() the result. */
TSI_API char *tsi_value_to_string(const tsi_value *v);

/* -------------------------------------------------------------- modules */

/*
 * A loaded model: a .pt archive written by torch.jit.save, or a text-IR
 * graph (run as method "forward").
 *
 * Thread safety: any number of threads may call methods of one module at
 * once as long as no call mutates module attributes (always true for a
 * frozen module). Loading and freeing are not concurrent with calls.
 */
typedef struct tsi_module tsi_module;

TSI_API tsi_status tsi_module_load(const char *path, tsi_module **out, tsi_error **err);
TSI_API tsi_status tsi_module_load_ir(const char *text, size_t len, tsi_module **out,
                                      tsi_error **err);
/* Call a method; args are borrowed; *result is a new value. On failure
 * the error message is a TorchScript-style traceback. */
TSI_API tsi_status tsi_module_call(tsi_module *m, const char *method, tsi_value *const *args,
                                   size_t nargs, tsi_value **result, tsi_error **err);
TSI_API void tsi_module_free(tsi_module *m);

#ifdef __cplusplus
}
#endif
#endif
