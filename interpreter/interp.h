/*
 * interpreter: runs graphs. This is the header other modules include.
 *
 * Pieces:
 *   - the op registry: every schema overload bound to a C function (OpFn),
 *     resolved at code generation so the run loop never looks up names;
 *   - codegen: a graph becomes register-machine code with last-use moves
 *     and drops, so values die as soon as they are dead (spec §6.1-6.3);
 *   - the run loop: frames, control flow, calls, attribute access,
 *     TorchScript-style tracebacks on error;
 *   - Python-literal arguments and JSON results for the CLI.
 */
#ifndef TSI_INTERP_H
#define TSI_INTERP_H

#include "../ir/ir.h"
#include "../serialize/serialize.h"

typedef struct Interp Interp;
typedef struct Code Code;

/* ------------------------------------------------------------ op calls */

/*
 * One operator invocation. Inputs are borrowed (the run loop owns them and
 * releases moved ones after the call); outputs must be written as new
 * references. `node` is the graph node being executed (types, attributes,
 * source range); it is NULL only when an op is called outside a graph.
 */
typedef struct OpCall {
    const IValue *in;
    int nin;
    IValue *out;
    int nout;
    const Node *node;
    Interp *interp;
} OpCall;

/* Returns TSI_OK, or an error code with `err` set to torch's message. */
typedef int (*OpFn)(OpCall *c, Err *err);

/* A registry entry. `name` is "ns::op.overload" as in the schema ("" overload
 * is written without the dot: "aten::len.t", "prim::TupleUnpack"). Ops with
 * no schema (prim::TupleUnpack, prim::ListConstruct, ...) use the kind. */
typedef struct OpDef {
    const char *name;
    OpFn fn;
} OpDef;

/* Build the registry (idempotent, thread-safe). */
int interp_registry_init(Err *err);
/* The kernel for a node: by its resolved schema, else by its kind. NULL if
 * tsi has no implementation. */
OpFn interp_find_op(const Node *n);
OpFn interp_find_op_named(const char *name);
/* Every registered name (for coverage reports); count in *n. */
const OpDef *const *interp_registered_ops(int *n);

/* ------------------------------------------------------------- running */

typedef struct InterpOptions {
    int64_t max_steps;  /* 0 = unlimited; else error after this many instructions */
    int max_depth;      /* call depth limit (default 200) */
    /* Where prim::Print output goes (the library never prints itself);
     * NULL discards it. */
    void (*print)(void *ctx, const char *text);
    void *print_ctx;
} InterpOptions;

/*
 * Call fn with args (borrowed; for methods args[0] is self). On success
 * *out holds the single result (a tuple for multiple returns), owned. On a
 * model error the message is a TorchScript-style traceback:
 *   The following operation failed in the TorchScript interpreter.
 *   Traceback of TorchScript (most recent call last):
 *     File "code/__torch__.py", line 12, in forward
 *       ...
 *   RuntimeError: <message>
 */
int interp_call(Function *fn, const IValue *args, int nargs, IValue *out,
                const InterpOptions *opt, Err *err);
/* Run a bare graph (text IR) with args. */
int interp_run_graph(Graph *g, const IValue *args, int nargs, IValue *out,
                     const InterpOptions *opt, Err *err);

/* Code for a function's graph, compiled on first use (thread-safe). */
Code *interp_code_for(Function *fn, Err *err);
Code *interp_code_new(Graph *g, const char *name, Err *err);
void interp_code_free(Code *c);
/* Human-readable listing of the instructions (debugging aid). */
void interp_code_dump(StrBuf *sb, const Code *c);

/* Inside an op: call a function (used by ops that take callables, e.g.
 * sorted with a key — rare) and record the Python exception class of a
 * prim::RaiseException. */
int interp_op_call_function(Interp *it, Function *fn, const IValue *args, int nargs,
                            IValue *out, Err *err);
void interp_set_exception_class(Interp *it, const char *cls);

/* Peak bytes of live tensor storage during the most recent run on this
 * thread (for the memory-flatness test). */
size_t interp_peak_tensor_bytes(void);

/* Text of a value as TorchScript's print() shows it (tensors in ATen's
 * table layout). */
void interp_format_value(StrBuf *sb, IValue v);

/* ---------------------------------------------------- literals and JSON */

/*
 * Parse a Python literal (42, 2.5, True, None, 's', "s", [..], (..), {k: v},
 * -inf, nan) in which @path.npy stands for the tensor in that file. The
 * result is typed by its contents; `expected` (may be NULL) guides empty
 * containers and int→float / 0-d array → scalar conversions.
 */
int interp_parse_literal(const char *text, Type *expected, IValue *out, Err *err);
/* Does v match type t (recursively)? Fills why with the first mismatch. */
bool interp_value_matches(IValue v, Type *t, StrBuf *why);
/* Convert v to type t where TorchScript would (int→float for float params,
 * 0-d tensor → scalar when the parameter is a number). */
int interp_coerce_arg(IValue *v, Type *t, Err *err);

#endif
