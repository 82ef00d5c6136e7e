/*
 * kernels: tensors and the CPU kernels that compute on them.
 *
 * This is the header other modules include. A Tensor is a refcounted view
 * (dtype, sizes, strides in elements, storage offset) of a refcounted
 * Storage; views share storage exactly as torch's do. Kernels follow torch's
 * semantics: type promotion (result_type), broadcasting, and output strides
 * that follow the inputs' memory layout.
 *
 * Conventions: functions returning Tensor* return a new reference (caller
 * releases) or NULL with `err` set. Tensor arguments are borrowed. Functions
 * whose name ends in `_` write into their first argument.
 */
#ifndef TSI_KERNELS_H
#define TSI_KERNELS_H

#include "../base/base.h"

#include <stdatomic.h>

/* ------------------------------------------------------------- dtypes */

typedef enum DType {
#define X(E, code, name, prefix, ctype, size, kind) TSI_DTYPE_##E = code,
#include "dtype.def"
#undef X
    TSI_DTYPE_INVALID = -1,
} DType;

enum { TSI_DTYPE_CODE_LIMIT = 16 }; /* codes are < this */

bool dtype_valid(int code);
size_t dtype_size(DType dt);
const char *dtype_name(DType dt);   /* "float32" */
const char *dtype_prefix(DType dt); /* "Float": IR types, storage classes */
bool dtype_is_floating(DType dt);   /* float16/bfloat16/float32/float64 */
bool dtype_is_integral(DType dt, bool include_bool);
/* Look up by name ("float32") or by storage/IR prefix ("Float"). */
DType dtype_from_name(const char *name);
DType dtype_from_prefix(const char *prefix);
/* torch's promoteTypes and canCast. */
DType dtype_promote(DType a, DType b);
bool dtype_can_cast(DType from, DType to);

float half_to_float(uint16_t h);
uint16_t float_to_half(float f);
float bf16_to_float(uint16_t h);
uint16_t float_to_bf16(float f);

/* ------------------------------------------------------------ scalars */

typedef enum ScalarKind { SCALAR_BOOL, SCALAR_INT, SCALAR_FLOAT } ScalarKind;

/* A Python number: what torch calls a Scalar (complex is not supported). */
typedef struct Scalar {
    ScalarKind kind;
    union {
        bool b;
        int64_t i;
        double f;
    };
} Scalar;

static inline Scalar scalar_int(int64_t i) { return (Scalar){.kind = SCALAR_INT, .i = i}; }
static inline Scalar scalar_float(double f) { return (Scalar){.kind = SCALAR_FLOAT, .f = f}; }
static inline Scalar scalar_bool(bool b) { return (Scalar){.kind = SCALAR_BOOL, .b = b}; }
double scalar_to_double(Scalar s);
int64_t scalar_to_int64(Scalar s);
/* The dtype a wrapped scalar gets: int64, float64 or bool. */
DType scalar_dtype(Scalar s);

/* ----------------------------------------------------------- storage */

typedef void (*StorageRelease)(void *ctx, void *data);

/* Raw bytes shared by tensors. `release` frees them when the last reference
 * goes: NULL means free(data) (heap); a no-op release borrows user memory. */
typedef struct Storage {
    atomic_long refs;
    void *data;
    size_t nbytes;
    StorageRelease release;
    void *release_ctx;
} Storage;

/* A zero-filled heap storage. */
Storage *storage_new(size_t nbytes, Err *err);
/* Wrap existing bytes; `release` (may be NULL for "not ours") runs on free. */
Storage *storage_wrap(void *data, size_t nbytes, StorageRelease release, void *ctx, Err *err);
void storage_retain(Storage *s);
void storage_release(Storage *s);
/* A release function that does nothing, for borrowed caller memory. */
void storage_release_none(void *ctx, void *data);

/* ------------------------------------------------------------- tensors */

enum { TSI_MAX_DIM = 16 };

typedef struct Tensor {
    atomic_long refs;
    Storage *storage;
    int64_t offset; /* storage offset, in elements */
    DType dtype;
    int ndim;
    bool requires_grad;
    /* A Python number wrapped into a 0-d tensor (promotion treats it as a
     * scalar: it does not decide the result's category unless it must). */
    bool wrapped_number;
    int64_t sizes[TSI_MAX_DIM];
    int64_t strides[TSI_MAX_DIM]; /* in elements; may be 0 (expand) */
} Tensor;

void tensor_retain(Tensor *t);
void tensor_release(Tensor *t); /* NULL is fine */

/* New contiguous tensors. `empty` storage is zero-filled (never garbage). */
Tensor *tensor_empty(DType dt, int ndim, const int64_t *sizes, Err *err);
Tensor *tensor_empty_strided(DType dt, int ndim, const int64_t *sizes,
                             const int64_t *strides, Err *err);
Tensor *tensor_empty_like(const Tensor *t, DType dt, Err *err); /* same layout if dense */
Tensor *tensor_full(DType dt, int ndim, const int64_t *sizes, Scalar v, Err *err);
/* A 0-d tensor holding v converted to dt. */
Tensor *tensor_scalar(Scalar v, DType dt, Err *err);
/* A 0-d wrapped number (int64/float64/bool by the scalar's kind). */
Tensor *tensor_wrap_scalar(Scalar v, Err *err);
/*
 * A tensor viewing `s` (retained). Validates dtype, rank, non-negative sizes
 * and strides, overflow, and that every addressed element lies inside the
 * storage: this is the gate for untrusted archive metadata.
 */
Tensor *tensor_from_storage(Storage *s, DType dt, int64_t offset, int ndim,
                            const int64_t *sizes, const int64_t *strides, Err *err);
/* A new view of t's storage with the given geometry (not validated beyond
 * rank; callers compute it from t). */
Tensor *tensor_make_view(const Tensor *t, int ndim, const int64_t *sizes,
                         const int64_t *strides, int64_t offset, Err *err);
/* A new Tensor object with the same view (torch's alias / shallow copy). */
Tensor *tensor_alias(const Tensor *t, Err *err);

int64_t tensor_numel(const Tensor *t);
size_t tensor_nbytes(const Tensor *t); /* numel * element size */
bool tensor_is_contiguous(const Tensor *t);
/* No two elements share memory and they fill a dense block in some order. */
bool tensor_is_non_overlapping_and_dense(const Tensor *t);
void contiguous_strides(int ndim, const int64_t *sizes, int64_t *strides);
/* Address of element (0, ..., 0). */
void *tensor_data(const Tensor *t);
/* Address of the element at a multi-index. */
void *tensor_element_ptr(const Tensor *t, const int64_t *index);

/* Element access by multi-index (slow; for tests, printing, small loops). */
Scalar tensor_get(const Tensor *t, const int64_t *index);
void tensor_set(Tensor *t, const int64_t *index, Scalar v);
/* The single element of a one-element tensor (torch's item()). */
int tensor_item(const Tensor *t, Scalar *out, Err *err);

/* Copy src into dst, broadcasting src and converting dtype (torch copy_). */
TSI_MUST_CHECK int tensor_copy_(Tensor *dst, const Tensor *src, Err *err);
/* t itself (retained) if contiguous, else a contiguous copy. */
Tensor *tensor_contiguous(const Tensor *t, Err *err);
/* A copy; keeps the layout when t is non-overlapping and dense (torch's
 * preserve_format), else contiguous. */
Tensor *tensor_clone(const Tensor *t, Err *err);
/* t converted to dt; returns t retained when dt matches and !force_copy. */
Tensor *tensor_to(const Tensor *t, DType dt, bool force_copy, Err *err);
/* Exact equality of shape, dtype and every element (torch.equal). */
bool tensor_equal(const Tensor *a, const Tensor *b);

/* Shape helpers. Sizes are printed like torch: "[2, 3]". */
int broadcast_shapes(int na, const int64_t *a, int nb, const int64_t *b, int *nout,
                     int64_t *out, Err *err);
void shape_format(StrBuf *sb, int ndim, const int64_t *sizes);

/* ------------------------------------------------------- type promotion */

/*
 * torch's result_type over tensors (wrapped numbers included): tensors with
 * dim > 0 decide first, then 0-d tensors, then wrapped numbers, each only
 * when it lifts the category (bool < integral < floating).
 */
DType result_type(int n, const Tensor *const *ts);

/* ------------------------------------------------------------ iterator */

enum { TSI_ITER_MAX_OPERANDS = 8 };

/*
 * One strided iterator that elementwise kernels share (torch's
 * TensorIterator, simplified). Operand 0 is the output; the rest are inputs
 * already broadcast to the output's shape (use tensor views with 0 strides).
 * Dimensions are reordered into memory order and coalesced, so the loop
 * callback sees long inner runs. Strides given to the callback are in bytes.
 */
typedef struct TensorIter {
    int nops;
    int ndim;                               /* after coalescing, >= 1 */
    int64_t shape[TSI_MAX_DIM];             /* shape[0] is the innermost */
    int64_t strides[TSI_ITER_MAX_OPERANDS][TSI_MAX_DIM]; /* bytes */
    char *data[TSI_ITER_MAX_OPERANDS];
    int64_t numel;
} TensorIter;

/* data: pointers to the first element of each operand for this inner run;
 * strides: byte stride of each operand along the run; n: run length. */
typedef void (*IterLoop)(char **data, const int64_t *strides, int64_t n, void *ctx);

/* All operands must have the same shape (inputs pre-expanded). */
TSI_MUST_CHECK int iter_init(TensorIter *it, int nops, const Tensor *const *ops, Err *err);
/* Run loop over elements [begin, end) of the iteration space. */
void iter_run_range(const TensorIter *it, int64_t begin, int64_t end, IterLoop loop, void *ctx);
/* Run over everything, split across OpenMP threads when large enough. */
void iter_run(const TensorIter *it, IterLoop loop, void *ctx);

/*
 * Compute the layout torch gives a freshly allocated elementwise output of
 * the broadcast shape: strides that follow the inputs' memory order
 * (TensorIterator's reorder_dimensions + allocation). `ins` are the inputs
 * expanded to `sizes`; writes `strides`.
 */
void iter_output_strides(int nins, const Tensor *const *ins, int ndim, const int64_t *sizes,
                         int64_t *strides);

/* Set the number of threads kernels use (0 = OpenMP default). */
void kern_set_num_threads(int n);
int kern_get_num_threads(void);

/* ====================================================================
 * Kernel families. Each section is owned by one file group.
 * ==================================================================== */

/* ---- elementwise (kernels/elementwise.c, kernels/unary.c) ---- */

/* ---- reductions (kernels/reduce.c) ---- */

/*
 * Reductions with torch 1.13's semantics. `dims` lists the dims to reduce:
 * negative dims wrap, a 0-d tensor accepts 0 and -1, a repeated dim is an
 * error, and ndims == 0 reduces over every dim (torch's dim=None and dim=[]).
 * keepdim keeps reduced dims as size 1. `dtype` is torch's optional dtype
 * argument, TSI_DTYPE_INVALID for the default (integers and bool sum to
 * int64); when given, the input is converted to it first, as torch does.
 * Results are new contiguous tensors. Floating sums accumulate in double.
 */
Tensor *kern_sum(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, DType dtype,
                 Err *err);
/* Floating inputs (or a floating dtype) only, like torch. */
Tensor *kern_mean(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, DType dtype,
                  Err *err);
Tensor *kern_prod(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, DType dtype,
                  Err *err);
/* NaN propagates; reducing a zero-size dim is an error. */
Tensor *kern_amax(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err);
Tensor *kern_amin(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err);
/* torch.max(t, dim) / torch.min(t, dim): values and int64 indices. Ties give
 * the first index; a NaN wins and gives its index. */
int kern_max_dim(const Tensor *t, int64_t dim, bool keepdim, Tensor **values, Tensor **indices,
                 Err *err);
int kern_min_dim(const Tensor *t, int64_t dim, bool keepdim, Tensor **values, Tensor **indices,
                 Err *err);
/* dim NULL: the index into the flattened tensor (keepdim gives all-1 dims). */
Tensor *kern_argmax(const Tensor *t, const int64_t *dim, bool keepdim, Err *err);
Tensor *kern_argmin(const Tensor *t, const int64_t *dim, bool keepdim, Err *err);
/* torch.max(t) / torch.min(t) with no dim: a 0-d tensor. */
Tensor *kern_max_all(const Tensor *t, Err *err);
Tensor *kern_min_all(const Tensor *t, Err *err);
/* Divisor max(0, N - correction); unbiased=True is correction 1. */
Tensor *kern_var(const Tensor *t, const int64_t *dims, int ndims, double correction,
                 bool keepdim, Err *err);
Tensor *kern_std(const Tensor *t, const int64_t *dims, int ndims, double correction,
                 bool keepdim, Err *err);
/* bool results (uint8 for uint8 inputs, as torch 1.13). */
Tensor *kern_any(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err);
Tensor *kern_all(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err);
/* Integer inputs give float32. torch's dim is required here; ndims == 0
 * behaves like torch 1.13's dim=[] (an error unless keepdim or 0-d). */
Tensor *kern_logsumexp(const Tensor *t, const int64_t *dims, int ndims, bool keepdim, Err *err);
/* Vector p-norm over dims (torch.norm with a numeric p, linalg.vector_norm);
 * p may be 0 and +-INFINITY. Floating inputs only. */
Tensor *kern_norm(const Tensor *t, double p, const int64_t *dims, int ndims, bool keepdim,
                  DType dtype, Err *err);
/* Scans and normalisations along one dim. */
Tensor *kern_cumsum(const Tensor *t, int64_t dim, DType dtype, Err *err);
Tensor *kern_softmax(const Tensor *t, int64_t dim, DType dtype, Err *err);
Tensor *kern_log_softmax(const Tensor *t, int64_t dim, DType dtype, Err *err);

/* ---- linear algebra (kernels/linalg.c) ---- */

/*
 * Matrix products with torch 1.13's dispatch, dtype rules and error
 * messages. float32/float64 run on OpenBLAS (transposed views are passed
 * as transposed operands, not copied), bfloat16 through float32, integer
 * dtypes on plain loops; float16 and bool raise as torch's CPU kernels do.
 * OpenBLAS uses kern_get_num_threads() threads.
 */
/* torch.matmul: dot, mv, mm, and batched products with broadcast batches. */
Tensor *kern_matmul(const Tensor *a, const Tensor *b, Err *err);
Tensor *kern_mm(const Tensor *a, const Tensor *b, Err *err);
Tensor *kern_mv(const Tensor *a, const Tensor *v, Err *err);
Tensor *kern_dot(const Tensor *a, const Tensor *b, Err *err);
Tensor *kern_bmm(const Tensor *a, const Tensor *b, Err *err);
/* beta * self + alpha * (a @ b); self broadcasts to the product's shape and
 * is ignored when beta == 0 (so NaN there does not propagate). */
Tensor *kern_addmm(const Tensor *self, const Tensor *a, const Tensor *b, Scalar beta,
                   Scalar alpha, Err *err);
Tensor *kern_baddbmm(const Tensor *self, const Tensor *a, const Tensor *b, Scalar beta,
                     Scalar alpha, Err *err);
/* torch.nn.functional.linear: x (..., in) @ w(out, in)^T + bias; bias may be
 * NULL. One GEMM with the bias pre-broadcast into the output. */
Tensor *kern_linear(const Tensor *x, const Tensor *w, const Tensor *bias, Err *err);

/* ---- shape and views (kernels/shape.c) ---- */

#endif
