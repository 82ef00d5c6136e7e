/*
 * serialize: bytes in and out — NumPy .npy files, zip archives, the pickle
 * dialect of TorchScript, archive import/export and the code printer.
 *
 * This is the header other modules include.
 */
#ifndef TSI_SERIALIZE_H
#define TSI_SERIALIZE_H

#include "../kernels/kernels.h"

/* ------------------------------------------------------------- .npy */

/*
 * Read a .npy file (format versions 1-3, little or big endian, C or Fortran
 * order; dtypes b1 u1 i1 i2 i4 i8 f2 f4 f8). The result owns its memory;
 * Fortran-ordered data comes back as a column-major strided tensor. `name`
 * is used in error messages. Malformed input gives TSI_ERR_FORMAT naming
 * the problem and its byte offset.
 */
TSI_MUST_CHECK int npy_read_buffer(const void *data, size_t len, const char *name, Tensor **out,
                                   Err *err);
TSI_MUST_CHECK int npy_read_file(const char *path, Tensor **out, Err *err);

/* Write t as a C-ordered little-endian .npy (version 1, or 2 when the header
 * needs it). bfloat16 has no NumPy dtype and is refused. */
TSI_MUST_CHECK int npy_write_buffer(const Tensor *t, char **data, size_t *len, Err *err);
TSI_MUST_CHECK int npy_write_file(const char *path, const Tensor *t, Err *err);

#endif
