/*
 * interp_int.h: the interpreter's own structures (code, instructions, run
 * state) and the helpers op implementations use to read arguments and write
 * results. Only files in interpreter/ include this.
 */
#ifndef TSI_INTERP_INT_H
#define TSI_INTERP_INT_H

#include "interp.h"

/* ------------------------------------------------------------------ code */

/* Instruction set of the register machine (spec §6.2, register form). */
#define TSI_OPCODES(X)                                                         \
    X(OP)        /* call ops[a] on operands -> outputs */                      \
    X(MOVE)      /* outputs[0] <- operands[0] (move if flagged, else copy) */  \
    X(JMP)       /* pc = a */                                                  \
    X(JF)        /* if !operands[0]: pc = a */                                 \
    X(LOOP)      /* operands: counter, max, cond; out: iteration index;        \
                    if !(counter < max && cond) pc = a, else counter++ */      \
    X(CALL)      /* call functions[a] (operands = args) -> outputs */          \
    X(CALL_IFACE) /* method names[a] on the class of operands[0] */            \
    X(GETATTR)   /* outputs[0] <- operands[0].slots[a] */                      \
    X(SETATTR)   /* operands[0].slots[a] <- operands[1] */                     \
    X(DROP)      /* release every (moved) operand */                           \
    X(RET)       /* return operands */

typedef enum Opcode {
#define X(name) OPC_##name,
    TSI_OPCODES(X)
#undef X
    OPC_COUNT
} Opcode;

/* Operand encoding: r >= 0 is register r (bit 30 set: moved, i.e. this is
 * the value's last use); r < 0 is constant -r-1. */
enum { OPND_MOVE = 1 << 30 };
#define OPND_IS_CONST(o) ((o) < 0)
#define OPND_CONST(o) (-(o)-1)
#define OPND_REG(o) ((o) & ~OPND_MOVE)
#define OPND_MOVED(o) ((o) >= 0 && ((o)&OPND_MOVE))

typedef struct Instr {
    uint8_t op;
    uint16_t nin, nout;
    int32_t a;
    uint32_t opnd;     /* index into code->opnds: nin inputs then nout outputs */
    const Node *node;  /* source of this instruction (errors, op info) */
} Instr;

struct Code {
    char *name;
    Graph *graph;      /* the preprocessed copy the code was made from (owned) */
    Instr *instrs;
    size_t ninstrs;
    int32_t *opnds;
    size_t nopnds;
    IValue *constants;
    size_t nconstants;
    OpFn *ops;         /* op table for OPC_OP */
    size_t nops;
    Function **functions; /* CALL targets */
    size_t nfunctions;
    const char **names;   /* CALL_IFACE method names */
    size_t nnames;
    int nregs;
    int ninputs, noutputs;
};

/* ------------------------------------------------------------- run state */

typedef struct TraceEntry {
    SourceRange range;
    const char *fn_name;
} TraceEntry;

struct Interp {
    InterpOptions opt;
    int64_t steps;
    int depth;
    const char *exc_class;   /* set by prim::RaiseException */
    VEC(TraceEntry) trace;   /* innermost first, built while unwinding */
};

int interp_exec(Interp *it, Code *code, const IValue *args, int nargs, IValue *outs, int nouts,
                Err *err);

/* ---------------------------------------------------- op writer helpers */

/* Argument accessors: they check the tag and report torch-like errors. */
static inline bool op_is_none(const OpCall *c, int i) { return c->in[i].tag == IV_NONE; }
int op_tensor(const OpCall *c, int i, Tensor **t, Err *err); /* borrowed; NULL for None */
int op_int(const OpCall *c, int i, int64_t *v, Err *err);
int op_double(const OpCall *c, int i, double *v, Err *err); /* accepts int */
int op_bool(const OpCall *c, int i, bool *v, Err *err);
int op_scalar(const OpCall *c, int i, Scalar *s, Err *err);  /* int/float/bool */
int op_str(const OpCall *c, int i, const char **s, size_t *len, Err *err);
/* int[] into buf (max entries); a bare int broadcasts to `broadcast` entries
 * (torch's int[2] accepting a single int) when broadcast > 0. */
int op_intlist(const OpCall *c, int i, int64_t *buf, int max, int *n, int broadcast, Err *err);
int op_list(const OpCall *c, int i, IvList **l, Err *err);
/* Optional dtype argument: -1 when None. */
int op_opt_dtype(const OpCall *c, int i, int *dtype, Err *err);
/* Results. op_ret_tensor takes ownership; NULL means "failed" (returns err code). */
int op_ret_tensor(OpCall *c, int k, Tensor *t, Err *err);
static inline void op_ret(OpCall *c, int k, IValue v) { c->out[k] = v; }
/* The static type of output k of the node (falls back to Any). */
Type *op_out_type(const OpCall *c, int k);

/* Op tables, one per family; each ends with {NULL, NULL}. */
#define TSI_OP_TABLES(X)                                                       \
    X(core)  /* structural prims: tuples, lists, dicts, objects, casts */     \
    X(prim)  /* numbers: Python/TorchScript semantics */                      \
    X(prim_str)  /* strings, str()/format()/print() */                        \
    X(prim_list) /* lists */                                                  \
    X(prim_dict) /* dicts */                                                  \
    X(tensor) /* aten tensor ops bound to kernels */

#define X(fam) extern const OpDef interp_ops_##fam[];
TSI_OP_TABLES(X)
#undef X

#endif
