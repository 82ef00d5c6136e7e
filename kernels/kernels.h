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

/*
 * Elementwise ops with torch's semantics: broadcasting, type promotion
 * (result_type, wrapped numbers included), torch's dtype support and error
 * messages, and outputs laid out like the inputs (iter_output_strides).
 * The op list lives in elementwise_ops.def.
 *
 * `out` convention for every kernel below:
 *   out == NULL   allocate the result.
 *   out == input  in place (the first tensor argument): the broadcast shape
 *                 must equal out's shape.
 *   other out     torch's out=: out is resized when its shape differs.
 * In both out cases the result dtype must be castable to out's dtype
 * ("result type Float can't be cast to the desired output type Long") and
 * out may not partially overlap an input. The return value is a new
 * reference to the result (out retained when given), or NULL with err set.
 */
typedef enum BinaryOp {
#define BINARY_OP(E, ...) TSI_BINARY_##E,
#include "elementwise_ops.def"
    TSI_BINARY_COUNT
} BinaryOp;

typedef enum UnaryOp {
#define UNARY_OP(E, ...) TSI_UNARY_##E,
#include "elementwise_ops.def"
    TSI_UNARY_COUNT
} UnaryOp;

/* The aten name ("floor_divide") and the reverse lookup (-1 if unknown). */
const char *kern_binary_op_name(BinaryOp op);
const char *kern_unary_op_name(UnaryOp op);
int kern_binary_op_from_name(const char *name);
int kern_unary_op_from_name(const char *name);

/* a op b. A Python number operand is a wrapped number
 * (tensor_wrap_scalar). POW here is pow(Tensor, Tensor). */
Tensor *kern_binary(BinaryOp op, const Tensor *a, const Tensor *b, Tensor *out, Err *err);
/* a op s, with s a Python number. POW is pow(Tensor, Scalar): integral
 * bases reject negative integral exponents, as torch does. */
Tensor *kern_binary_scalar(BinaryOp op, const Tensor *a, Scalar s, Tensor *out, Err *err);
/* s op t (rsub, scalar ** tensor, ...). */
Tensor *kern_binary_rscalar(BinaryOp op, Scalar s, const Tensor *t, Tensor *out, Err *err);
/* a + alpha * b and a - alpha * b (torch.add/sub with alpha). */
Tensor *kern_add(const Tensor *a, const Tensor *b, Scalar alpha, Tensor *out, Err *err);
Tensor *kern_sub(const Tensor *a, const Tensor *b, Scalar alpha, Tensor *out, Err *err);

Tensor *kern_unary(UnaryOp op, const Tensor *t, Tensor *out, Err *err);

/* clamp with Python-number bounds; NULL is None (not both). */
Tensor *kern_clamp(const Tensor *t, const Scalar *min, const Scalar *max, Tensor *out,
                   Err *err);
/* clamp with tensor bounds (broadcast, promoted with t); NULL is None. */
Tensor *kern_clamp_tensor(const Tensor *t, const Tensor *min, const Tensor *max, Tensor *out,
                          Err *err);
/* torch.where(cond, a, b): cond bool (or uint8), a and b promoted. */
Tensor *kern_where(const Tensor *cond, const Tensor *a, const Tensor *b, Err *err);

/* Activations with parameters (torch.nn.functional semantics). */
Tensor *kern_hardtanh(const Tensor *t, Scalar min, Scalar max, Tensor *out, Err *err);
Tensor *kern_leaky_relu(const Tensor *t, Scalar slope, Tensor *out, Err *err);
Tensor *kern_elu(const Tensor *t, Scalar alpha, Scalar scale, Scalar input_scale, Tensor *out,
                 Err *err);
Tensor *kern_softplus(const Tensor *t, Scalar beta, Scalar threshold, Tensor *out, Err *err);
/* y = x > threshold ? x : value */
Tensor *kern_threshold(const Tensor *t, Scalar threshold, Scalar value, Tensor *out, Err *err);

/* ---- reductions (kernels/reduce.c) ---- */

/* ---- linear algebra (kernels/linalg.c) ---- */

/* ---- shape and views (kernels/shape.c) ---- */

#endif
