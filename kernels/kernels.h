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

/* ---- shape and views (kernels/view.c, kernels/join.c) ---- */

/*
 * View ops return tensors that share their input's storage, with exactly
 * torch's sizes, strides and storage offset; they never copy (reshape copies
 * only where torch does). Copying ops (cat, stack, repeat, index_select,
 * flip, roll, gather) allocate their result with torch's layout.
 *
 * Dims may be negative and wrap as in Python; a 0-d tensor accepts dims as
 * if it were 1-d, as torch's maybe_wrap_dim does. Errors carry torch's
 * message text.
 */

/* Wrap dim into [0, ndim) (ndim 0 counts as 1 when wrap_scalar). Fails with
 * torch's "Dimension out of range (...)" message. */
TSI_MUST_CHECK int kern_wrap_dim(int64_t dim, int64_t ndim, bool wrap_scalar, int64_t *out,
                                 Err *err);
/* torch's infer_size: resolve one -1 in shape against numel into out. */
TSI_MUST_CHECK int kern_infer_size(int n, const int64_t *shape, int64_t numel, int64_t *out,
                                   Err *err);
/* torch's computeStride: strides viewing (old sizes, strides) as new_sizes
 * without a copy, or false when no such view exists. */
bool kern_compute_stride(int old_ndim, const int64_t *old_sizes, const int64_t *old_strides,
                         int new_ndim, const int64_t *new_sizes, int64_t *new_strides);

Tensor *kern_view(const Tensor *t, const int64_t *sizes, int n, Err *err);
/* A view when one exists, else a contiguous copy (torch's reshape). */
Tensor *kern_reshape(const Tensor *t, const int64_t *sizes, int n, Err *err);
/* Returns t itself (retained) where torch returns self (start == end, 1-d). */
Tensor *kern_flatten(const Tensor *t, int64_t start, int64_t end, Err *err);
Tensor *kern_permute(const Tensor *t, const int64_t *dims, int n, Err *err);
Tensor *kern_transpose(const Tensor *t, int64_t d0, int64_t d1, Err *err);
Tensor *kern_t(const Tensor *t, Err *err); /* <= 2-d */
/* -1 keeps a dim; extra leading dims are new (stride 0 unless size 1). */
Tensor *kern_expand(const Tensor *t, const int64_t *sizes, int n, Err *err);
Tensor *kern_expand_as(const Tensor *t, const Tensor *other, Err *err);
Tensor *kern_squeeze(const Tensor *t, Err *err); /* every size-1 dim */
Tensor *kern_squeeze_dim(const Tensor *t, int64_t dim, Err *err);
Tensor *kern_unsqueeze(const Tensor *t, int64_t dim, Err *err);
/* start/end: NULL for None; clamped like Python slicing. step > 0. */
Tensor *kern_slice(const Tensor *t, int64_t dim, const int64_t *start, const int64_t *end,
                   int64_t step, Err *err);
Tensor *kern_select(const Tensor *t, int64_t dim, int64_t index, Err *err);
Tensor *kern_narrow(const Tensor *t, int64_t dim, int64_t start, int64_t length, Err *err);
Tensor *kern_diagonal(const Tensor *t, int64_t offset, int64_t dim1, int64_t dim2, Err *err);
/* offset NULL keeps t's offset. Checked against the storage's size: never
 * a view that reaches outside it. */
Tensor *kern_as_strided(const Tensor *t, int n, const int64_t *sizes, const int64_t *strides,
                        const int64_t *offset, Err *err);

/*
 * Several results (unbind, chunk, split). The array and the references in it
 * are owned by the caller: free with kern_tensor_array_free. Functions that
 * fill one leave it empty ({NULL, 0}) on failure.
 */
typedef struct TensorArray {
    Tensor **data;
    int64_t len;
} TensorArray;

void kern_tensor_array_free(TensorArray *a);
TSI_MUST_CHECK int kern_unbind(const Tensor *t, int64_t dim, TensorArray *out, Err *err);
TSI_MUST_CHECK int kern_chunk(const Tensor *t, int64_t chunks, int64_t dim, TensorArray *out,
                              Err *err);
TSI_MUST_CHECK int kern_split(const Tensor *t, int64_t split_size, int64_t dim,
                              TensorArray *out, Err *err);
TSI_MUST_CHECK int kern_split_with_sizes(const Tensor *t, int n, const int64_t *split_sizes,
                                         int64_t dim, TensorArray *out, Err *err);

/* Copying ops. cat promotes dtypes across its inputs and skips 1-d empty
 * tensors (torch's legacy rule); its result is channels-last when every
 * input is, else contiguous. */
Tensor *kern_cat(const Tensor *const *ts, int n, int64_t dim, Err *err);
Tensor *kern_stack(const Tensor *const *ts, int n, int64_t dim, Err *err);
Tensor *kern_repeat(const Tensor *t, const int64_t *repeats, int n, Err *err);
/* index: 0-d or 1-d int32/int64. */
Tensor *kern_index_select(const Tensor *t, int64_t dim, const Tensor *index, Err *err);
Tensor *kern_flip(const Tensor *t, const int64_t *dims, int n, Err *err);
Tensor *kern_roll(const Tensor *t, const int64_t *shifts, int nshifts, const int64_t *dims,
                  int ndims, Err *err);
/* index: int64 with t's rank. */
Tensor *kern_gather(const Tensor *t, int64_t dim, const Tensor *index, Err *err);

/* ---- neural-network ops (kernels/conv.c, pool.c, norm.c, nn.c, rnn.c, attention.c) ----
 *
 * torch 1.13 semantics, dtype rules and error messages. Integer lists
 * (stride, padding, ...) are passed as pointer + length and follow aten's
 * rules: a list of one value applies to every spatial dim, otherwise it must
 * have one value per spatial dim. Results are new contiguous tensors.
 *
 * Threading: our loops run under OpenMP with kern_get_num_threads() threads;
 * GEMMs go to OpenBLAS, whose thread count the kernels set to the same
 * number before calling it. GEMMs are never issued from inside our own
 * parallel regions, so the two pools never run at once (no oversubscription).
 */

/* aten::_convolution / aten::convolution geometry. */
typedef struct ConvArgs {
    const int64_t *stride, *padding, *dilation, *output_padding;
    int nstride, npadding, ndilation, noutput_padding;
    int64_t groups;
    bool transposed;
} ConvArgs;

/* aten::convolution (batched input only). bias may be NULL. */
Tensor *kern_convolution(const Tensor *x, const Tensor *w, const Tensor *bias, const ConvArgs *a,
                         Err *err);
/* aten::conv1d/2d/3d (a->transposed false) and conv_transpose1d/2d/3d
 * (true): `dim` spatial dims, unbatched input allowed. */
Tensor *kern_conv(const Tensor *x, const Tensor *w, const Tensor *bias, const ConvArgs *a, int dim,
                  Err *err);
/* aten::conv1d/2d/3d.padding: padding is "same" or "valid" (a->padding is
 * ignored; a->transposed must be false). */
Tensor *kern_conv_padding_mode(const Tensor *x, const Tensor *w, const Tensor *bias,
                               const ConvArgs *a, const char *padding, int dim, Err *err);

/* Pooling window. stride of length 0 means "same as kernel" (aten default);
 * divisor_override < 0 means None (0 is an error, as in torch). */
typedef struct PoolArgs {
    const int64_t *kernel, *stride, *padding, *dilation;
    int nkernel, nstride, npadding, ndilation;
    bool ceil_mode, count_include_pad;
    int64_t divisor_override;
} PoolArgs;

/* aten::max_pool1d/2d/3d and the _with_indices variants: when `indices` is
 * non-NULL it receives the int64 flat index of each max within its plane. */
Tensor *kern_max_pool(const Tensor *x, const PoolArgs *a, int dim, Tensor **indices, Err *err);
/* aten::avg_pool1d/2d/3d (avg_pool1d has no divisor_override). */
Tensor *kern_avg_pool(const Tensor *x, const PoolArgs *a, int dim, Err *err);
/* aten::adaptive_avg_pool1d/2d/3d. */
Tensor *kern_adaptive_avg_pool(const Tensor *x, const int64_t *out_size, int nout, int dim,
                               Err *err);
/* aten::adaptive_max_pool1d/2d/3d: values and int64 indices. */
Tensor *kern_adaptive_max_pool(const Tensor *x, const int64_t *out_size, int nout, int dim,
                               Tensor **indices, Err *err);

/* aten::batch_norm. Optional tensors may be NULL. training=true uses batch
 * statistics and updates running_mean/var in place (as torch does). */
Tensor *kern_batch_norm(const Tensor *x, const Tensor *weight, const Tensor *bias,
                        Tensor *running_mean, Tensor *running_var, bool training, double momentum,
                        double eps, Err *err);
/* aten::instance_norm. */
Tensor *kern_instance_norm(const Tensor *x, const Tensor *weight, const Tensor *bias,
                           Tensor *running_mean, Tensor *running_var, bool use_input_stats,
                           double momentum, double eps, Err *err);
/* aten::layer_norm; aten::native_layer_norm when mean/rstd are non-NULL
 * (they receive the statistics, shaped like x with normalized dims = 1). */
Tensor *kern_layer_norm(const Tensor *x, const int64_t *normalized_shape, int nnorm,
                        const Tensor *weight, const Tensor *bias, double eps, Tensor **mean,
                        Tensor **rstd, Err *err);
/* aten::group_norm. */
Tensor *kern_group_norm(const Tensor *x, int64_t num_groups, const Tensor *weight,
                        const Tensor *bias, double eps, Err *err);

/* aten::dropout / feature_dropout (and the alpha_ variants: alpha = true).
 * Inference only: train=false (or p=0) returns x itself (a new reference,
 * as torch returns its input); train with p=1 gives zeros like torch; other
 * training dropout is random and unsupported. */
Tensor *kern_dropout(const Tensor *x, double p, bool train, bool feature, bool alpha, Err *err);
/* aten::prelu, aten::glu, aten::pixel_shuffle / pixel_unshuffle. */
Tensor *kern_prelu(const Tensor *x, const Tensor *weight, Err *err);
Tensor *kern_glu(const Tensor *x, int64_t dim, Err *err);
Tensor *kern_pixel_shuffle(const Tensor *x, int64_t factor, bool unshuffle, Err *err);
/* aten::embedding (padding_idx only matters for training). */
Tensor *kern_embedding(const Tensor *weight, const Tensor *indices, int64_t padding_idx, Err *err);
/* aten::one_hot. */
Tensor *kern_one_hot(const Tensor *indices, int64_t num_classes, Err *err);

/* aten::lstm.input: params per layer and direction are w_ih, w_hh
 * [, b_ih, b_hh] [, w_hr]; hx = {h0, c0}. Inference (dropout between layers
 * only with train=true, which is unsupported). Returns output; hy, cy set. */
Tensor *kern_lstm(const Tensor *input, const Tensor *const *hx, int nhx,
                  const Tensor *const *params, int nparams, bool has_biases, int64_t num_layers,
                  double dropout, bool train, bool bidirectional, bool batch_first, Tensor **hy,
                  Tensor **cy, Err *err);
/* aten::gru.input. Returns output; hy set. */
Tensor *kern_gru(const Tensor *input, const Tensor *hx, const Tensor *const *params, int nparams,
                 bool has_biases, int64_t num_layers, double dropout, bool train,
                 bool bidirectional, bool batch_first, Tensor **hy, Err *err);

/* aten::_native_multi_head_attention. mask may be NULL; mask_type < 0 means
 * None. *weights receives the attention weights when need_weights, else
 * NULL (torch returns an undefined tensor). */
Tensor *kern_native_mha(const Tensor *q, const Tensor *k, const Tensor *v, int64_t embed_dim,
                        int64_t num_head, const Tensor *qkv_weight, const Tensor *qkv_bias,
                        const Tensor *proj_weight, const Tensor *proj_bias, const Tensor *mask,
                        bool need_weights, bool average_attn_weights, int64_t mask_type,
                        Tensor **weights, Err *err);
/* aten::_transformer_encoder_layer_fwd. */
typedef struct EncoderLayerArgs {
    int64_t embed_dim, num_heads;
    const Tensor *qkv_weight, *qkv_bias, *proj_weight, *proj_bias;
    bool use_gelu, norm_first;
    double eps;
    const Tensor *norm_weight_1, *norm_bias_1, *norm_weight_2, *norm_bias_2;
    const Tensor *ffn_weight_1, *ffn_bias_1, *ffn_weight_2, *ffn_bias_2;
    const Tensor *mask; /* may be NULL */
    int64_t mask_type;  /* < 0: None */
} EncoderLayerArgs;
Tensor *kern_transformer_encoder_layer(const Tensor *src, const EncoderLayerArgs *a, Err *err);

#endif
