/*
 * codegen.c: graph -> register-machine code.
 *
 * Works on a copy of the graph, preprocessed as torch's interpreter does
 * (spec §6.1): prim::Drop nodes for unused values, and for values whose last
 * use sits inside an If/Loop a Drop after that node, so a use is a "move"
 * exactly when it is the value's last use in emission order. Every
 * non-constant value gets its own register; constants become operands that
 * index the constant table.
 */
#include "interp_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct CG {
    Code *code;
    HMap reg;    /* Value* -> register + 1 */
    HMap kidx;   /* Value* -> constant index + 1 */
    HMap used;   /* Value* -> uses emitted so far */
    VEC(Instr) ins;
    VEC(int32_t) opnds;
    VEC(IValue) consts;
    VEC(OpFn) ops;
    VEC(Function *) fns;
    VEC(const char *) names;
    int nregs;
    bool oom;
    Err *err;
} CG;

/* ------------------------------------------------------- preprocessing */

static Node *make_drop(Graph *g, Value *const *vals, size_t n) {
    Node *d = ir_node_create(g, SYM_prim_Drop, 0);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)
        ir_node_add_input(d, vals[i]);
    return d;
}

static bool drop_unused_block(Graph *g, Block *b) {
    VEC(Value *) tmp = {0};
    bool ok = true;
    for (size_t i = 0; i < ir_block_ninputs(b); i++)
        if (!ir_value_has_uses(ir_block_input(b, i)))
            ok &= vec_push(&tmp, ir_block_input(b, i));
    if (tmp.len) {
        Node *d = make_drop(g, tmp.data, tmp.len);
        if (!d)
            ok = false;
        else
            ir_node_prepend(b, d);
    }
    for (Node *n = ir_block_first(b); n != ir_block_end(b); n = n->next) {
        tmp.len = 0;
        if (n->kind != SYM_prim_Constant)
            for (size_t i = 0; i < n->outputs.len; i++)
                if (!ir_value_has_uses(n->outputs.data[i]))
                    ok &= vec_push(&tmp, n->outputs.data[i]);
        if (tmp.len) {
            Node *d = make_drop(g, tmp.data, tmp.len);
            if (!d)
                ok = false;
            else
                ir_node_insert_after(d, n);
        }
        for (size_t k = 0; k < n->blocks.len; k++)
            ok &= drop_unused_block(g, n->blocks.data[k]);
    }
    vec_free(&tmp);
    return ok;
}

typedef struct LastUse {
    Graph *g;
    HMap seen;       /* Value* set */
    HMap drop_for;   /* Node* (same-depth node) -> its Drop node */
    bool ok;
} LastUse;

/* The ancestor of n (or n itself) that lives directly in block b. */
static Node *owner_in_block(Node *n, Block *b) {
    while (n && n->owner != b)
        n = n->owner ? n->owner->owning_node : NULL;
    return n;
}

static void scan_node(LastUse *lu, Node *n);

static void scan_block(LastUse *lu, Block *b) {
    scan_node(lu, b->ret);
    for (Node *n = b->ret->prev; n != b->ret; n = n->prev)
        scan_node(lu, n);
}

static void scan_use(LastUse *lu, Node *n, size_t i) {
    Value *v = n->inputs.data[i];
    if (hmap_has(&lu->seen, v))
        return;
    if (!hmap_put(&lu->seen, v, v)) {
        lu->ok = false;
        return;
    }
    if (v->node->kind == SYM_prim_Constant)
        return;
    Node *same = owner_in_block(n, v->node->owner);
    if (!same || same == n)
        return;
    Node *drop = hmap_get(&lu->drop_for, same);
    if (!drop) {
        drop = ir_node_create(lu->g, SYM_prim_Drop, 0);
        if (!drop || !hmap_put(&lu->drop_for, same, drop)) {
            lu->ok = false;
            return;
        }
        ir_node_insert_after(drop, same);
    }
    for (size_t k = 0; k < drop->inputs.len; k++)
        if (drop->inputs.data[k] == v)
            return;
    ir_node_add_input(drop, v);
}

static void scan_node(LastUse *lu, Node *n) {
    for (size_t k = 0; k < n->blocks.len; k++)
        scan_block(lu, n->blocks.data[k]);
    for (size_t i = n->inputs.len; i > 0; i--)
        scan_use(lu, n, i - 1);
}

static bool preprocess(Graph *g) {
    if (!drop_unused_block(g, g->block))
        return false;
    LastUse lu = {.g = g, .ok = true};
    hmap_init_ptr(&lu.seen);
    hmap_init_ptr(&lu.drop_for);
    scan_block(&lu, g->block);
    hmap_free(&lu.seen);
    hmap_free(&lu.drop_for);
    return lu.ok;
}

/* ------------------------------------------------------------ emission */

static int cg_fail(CG *cg, const Node *n, const char *what) {
    if (cg->err && cg->err->code)
        return cg->err->code;
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, what);
    if (n) {
        sb_printf(&sb, " (node %s", ir_sym_name(n->kind));
        if (n->range.src) {
            sb_puts(&sb, " at ");
            source_range_location(&sb, n->range);
        }
        sb_putc(&sb, ')');
    }
    err_set(cg->err, TSI_ERR_UNSUPPORTED, "%s", sb_cstr(&sb));
    sb_free(&sb);
    return TSI_ERR_UNSUPPORTED;
}

static int new_reg(CG *cg, Value *v) {
    int r = cg->nregs++;
    if (v && !hmap_put(&cg->reg, v, (void *)(intptr_t)(r + 1)))
        cg->oom = true;
    return r;
}

static int reg_of(CG *cg, Value *v) {
    intptr_t r = (intptr_t)hmap_get(&cg->reg, v);
    return r ? (int)r - 1 : new_reg(cg, v);
}

static int32_t const_operand(CG *cg, IValue val) {
    if (!vec_push(&cg->consts, val)) {
        iv_release(val);
        cg->oom = true;
        return -1;
    }
    return (int32_t)(-(int64_t)cg->consts.len);
}

/* Operand for a use of v; counts the use and flags the last one a move. */
static int32_t use(CG *cg, Value *v) {
    if (v->node->kind == SYM_prim_Constant) {
        intptr_t k = (intptr_t)hmap_get(&cg->kidx, v);
        if (k)
            return (int32_t)(-k);
        IValue c = ir_constant_value(v->node);
        if (c.tag == IV_INVALID)
            c = iv_none();
        int32_t o = const_operand(cg, c);
        if (!hmap_put(&cg->kidx, v, (void *)(intptr_t)(-(intptr_t)o)))
            cg->oom = true;
        return o;
    }
    intptr_t n = (intptr_t)hmap_get(&cg->used, v) + 1;
    if (!hmap_put(&cg->used, v, (void *)n))
        cg->oom = true;
    int32_t r = reg_of(cg, v);
    if ((size_t)n == v->uses.len)
        r |= OPND_MOVE;
    return r;
}

/* Append an instruction with nin inputs (already pushed to a temp list)
 * and nout output registers. */
static Instr *emit(CG *cg, Opcode op, const Node *node, int32_t a, const int32_t *in, int nin,
                   const int32_t *out, int nout) {
    Instr ins = {.op = (uint8_t)op, .nin = (uint16_t)nin, .nout = (uint16_t)nout, .a = a,
                 .opnd = (uint32_t)cg->opnds.len, .node = node};
    for (int i = 0; i < nin; i++)
        cg->oom |= !vec_push(&cg->opnds, in[i]);
    for (int i = 0; i < nout; i++)
        cg->oom |= !vec_push(&cg->opnds, out[i]);
    if (!vec_push(&cg->ins, ins)) {
        cg->oom = true;
        return NULL;
    }
    return &vec_last(&cg->ins);
}

static void emit_move(CG *cg, const Node *node, int32_t src, int32_t dst_reg) {
    if (!OPND_IS_CONST(src) && OPND_REG(src) == dst_reg)
        return;
    emit(cg, OPC_MOVE, node, 0, &src, 1, &dst_reg, 1);
}

typedef VEC(int32_t) OpndVec;

static int emit_block(CG *cg, Block *b);

/* Outputs of a block into the given registers, as a parallel assignment. */
static void emit_block_outputs(CG *cg, Block *b, size_t first, const int32_t *dst, size_t n) {
    OpndVec src = {0};
    for (size_t k = 0; k < n; k++)
        cg->oom |= !vec_push(&src, use(cg, ir_block_output(b, first + k)));
    /* If an output reads a destination register other than its own, copy
     * through temporaries so the assignment is simultaneous. */
    bool hazard = false;
    for (size_t k = 0; k < n && !cg->oom; k++)
        for (size_t j = 0; j < n; j++)
            if (j != k && !OPND_IS_CONST(src.data[k]) && OPND_REG(src.data[k]) == dst[j])
                hazard = true;
    if (hazard) {
        for (size_t k = 0; k < n; k++) {
            int32_t t = new_reg(cg, NULL);
            emit_move(cg, b->ret, src.data[k], t);
            src.data[k] = t | OPND_MOVE;
        }
    }
    for (size_t k = 0; k < n; k++)
        emit_move(cg, b->ret, src.data[k], dst[k]);
    vec_free(&src);
}

static int emit_if(CG *cg, Node *n) {
    int32_t cond = use(cg, n->inputs.data[0]);
    int32_t *outs = xcalloc(n->outputs.len + 1, sizeof(int32_t));
    if (!outs)
        return err_nomem(cg->err);
    for (size_t k = 0; k < n->outputs.len; k++)
        outs[k] = reg_of(cg, n->outputs.data[k]);
    size_t jf = cg->ins.len;
    emit(cg, OPC_JF, n, 0, &cond, 1, NULL, 0);
    int rc = emit_block(cg, n->blocks.data[0]);
    emit_block_outputs(cg, n->blocks.data[0], 0, outs, n->outputs.len);
    size_t jmp = cg->ins.len;
    emit(cg, OPC_JMP, n, 0, NULL, 0, NULL, 0);
    if (!cg->oom)
        cg->ins.data[jf].a = (int32_t)cg->ins.len;
    if (!rc)
        rc = emit_block(cg, n->blocks.data[1]);
    emit_block_outputs(cg, n->blocks.data[1], 0, outs, n->outputs.len);
    if (!cg->oom)
        cg->ins.data[jmp].a = (int32_t)cg->ins.len;
    free(outs);
    return rc;
}

static int emit_loop(CG *cg, Node *n) {
    Block *body = n->blocks.data[0];
    size_t ncarried = n->outputs.len;
    if (n->inputs.len != ncarried + 2 || ir_block_ninputs(body) != ncarried + 1 ||
        ir_block_noutputs(body) != ncarried + 1)
        return cg_fail(cg, n, "malformed prim::Loop");
    int32_t counter = new_reg(cg, NULL), max = new_reg(cg, NULL), cond = new_reg(cg, NULL);
    int32_t *carried = xcalloc(ncarried + 1, sizeof(int32_t));
    if (!carried)
        return err_nomem(cg->err);
    emit_move(cg, n, const_operand(cg, iv_int(0)), counter);
    emit_move(cg, n, use(cg, n->inputs.data[0]), max);
    emit_move(cg, n, use(cg, n->inputs.data[1]), cond);
    for (size_t k = 0; k < ncarried; k++) {
        carried[k] = reg_of(cg, ir_block_input(body, k + 1));
        emit_move(cg, n, use(cg, n->inputs.data[2 + k]), carried[k]);
    }
    size_t top = cg->ins.len;
    int32_t loop_in[3] = {counter, max, cond};
    int32_t index = reg_of(cg, ir_block_input(body, 0));
    emit(cg, OPC_LOOP, n, 0, loop_in, 3, &index, 1);
    int rc = emit_block(cg, body);
    /* cond and carried values for the next iteration, assigned together */
    int32_t *dst = xcalloc(ncarried + 1, sizeof(int32_t));
    if (!dst) {
        free(carried);
        return err_nomem(cg->err);
    }
    dst[0] = cond;
    memcpy(dst + 1, carried, ncarried * sizeof(int32_t));
    emit_block_outputs(cg, body, 0, dst, ncarried + 1);
    free(dst);
    emit(cg, OPC_JMP, n, (int32_t)top, NULL, 0, NULL, 0);
    if (!cg->oom)
        cg->ins.data[top].a = (int32_t)cg->ins.len;
    for (size_t k = 0; k < ncarried; k++)
        emit_move(cg, n, carried[k] | OPND_MOVE, reg_of(cg, n->outputs.data[k]));
    free(carried);
    return rc;
}

static int add_function(CG *cg, Function *f) {
    for (size_t i = 0; i < cg->fns.len; i++)
        if (cg->fns.data[i] == f)
            return (int)i;
    cg->oom |= !vec_push(&cg->fns, f);
    return (int)cg->fns.len - 1;
}

/* Emit a node whose inputs are operands and outputs registers. */
static void emit_plain(CG *cg, Node *n, Opcode op, int32_t a, size_t first_input) {
    OpndVec in = {0}, out = {0};
    for (size_t i = first_input; i < n->inputs.len; i++)
        cg->oom |= !vec_push(&in, use(cg, n->inputs.data[i]));
    for (size_t k = 0; k < n->outputs.len; k++)
        cg->oom |= !vec_push(&out, reg_of(cg, n->outputs.data[k]));
    emit(cg, op, n, a, in.data, (int)in.len, out.data, (int)out.len);
    vec_free(&in);
    vec_free(&out);
}

static int emit_node(CG *cg, Node *n) {
    switch (n->kind) {
    case SYM_prim_Constant: return TSI_OK;
    case SYM_prim_If: return emit_if(cg, n);
    case SYM_prim_Loop: return emit_loop(cg, n);
    case SYM_prim_Drop: {
        OpndVec in = {0};
        for (size_t i = 0; i < n->inputs.len; i++) {
            int32_t o = use(cg, n->inputs.data[i]);
            if (!OPND_IS_CONST(o))
                cg->oom |= !vec_push(&in, o);
        }
        if (in.len)
            emit(cg, OPC_DROP, n, 0, in.data, (int)in.len, NULL, 0);
        vec_free(&in);
        return TSI_OK;
    }
    case SYM_prim_GetAttr:
    case SYM_prim_SetAttr: {
        Type *t = n->inputs.data[0]->type;
        const char *name = ir_node_s(n, SYM_attr_name);
        int slot = name && t->kind == TY_CLASS ? ir_class_find_attr(t, name) : -1;
        if (slot < 0)
            return cg_fail(cg, n, "attribute not found on the object's class");
        emit_plain(cg, n, n->kind == SYM_prim_GetAttr ? OPC_GETATTR : OPC_SETATTR, slot, 0);
        return TSI_OK;
    }
    case SYM_prim_CallMethod: {
        Type *t = n->inputs.data[0]->type;
        const char *name = ir_node_s(n, SYM_attr_name);
        if (!name)
            return cg_fail(cg, n, "prim::CallMethod without a method name");
        if (t->kind == TY_INTERFACE) {
            cg->oom |= !vec_push(&cg->names, name);
            emit_plain(cg, n, OPC_CALL_IFACE, (int32_t)cg->names.len - 1, 0);
            return TSI_OK;
        }
        Function *f = t->kind == TY_CLASS ? ir_class_find_method(t, name) : NULL;
        if (!f)
            return cg_fail(cg, n, "method not found on the object's class");
        emit_plain(cg, n, OPC_CALL, add_function(cg, f), 0);
        return TSI_OK;
    }
    case SYM_prim_CallFunction: {
        IValue fv;
        if (!n->inputs.len || !ir_value_constant(n->inputs.data[0], &fv) || fv.tag != IV_FUNCTION)
            return cg_fail(cg, n, "prim::CallFunction of a non-constant function");
        emit_plain(cg, n, OPC_CALL, add_function(cg, fv.u.fn), 1);
        return TSI_OK;
    }
    default: {
        OpFn fn = interp_find_op(n);
        if (!fn) {
            StrBuf sb;
            sb_init(&sb);
            sb_printf(&sb, "tsi has no implementation of %s", ir_sym_name(n->kind));
            if (n->schema && n->schema->overload[0])
                sb_printf(&sb, ".%s", n->schema->overload);
            int rc = cg_fail(cg, n, sb_cstr(&sb));
            sb_free(&sb);
            return rc;
        }
        cg->oom |= !vec_push(&cg->ops, fn);
        emit_plain(cg, n, OPC_OP, (int32_t)cg->ops.len - 1, 0);
        return TSI_OK;
    }
    }
}

static int emit_block(CG *cg, Block *b) {
    for (Node *n = ir_block_first(b); n != ir_block_end(b); n = n->next) {
        int rc = emit_node(cg, n);
        if (rc)
            return rc;
        if (cg->oom)
            return err_nomem(cg->err);
    }
    return TSI_OK;
}

Code *interp_code_new(Graph *src, const char *name, Err *err) {
    int rc = interp_registry_init(err);
    if (rc)
        return NULL;
    Code *code = xcalloc(1, sizeof *code);
    CG cg = {.code = code, .err = err};
    hmap_init_ptr(&cg.reg);
    hmap_init_ptr(&cg.kidx);
    hmap_init_ptr(&cg.used);
    if (!code || !(code->name = xstrdup(name ? name : "<graph>")) ||
        !(code->graph = ir_graph_copy(src)) || !preprocess(code->graph)) {
        err_nomem(err);
        goto fail;
    }
    Block *top = code->graph->block;
    code->ninputs = (int)ir_block_ninputs(top);
    code->noutputs = (int)ir_block_noutputs(top);
    for (size_t i = 0; i < ir_block_ninputs(top); i++)
        new_reg(&cg, ir_block_input(top, i));
    rc = emit_block(&cg, top);
    if (rc)
        goto fail;
    OpndVec ret = {0};
    for (size_t i = 0; i < ir_block_noutputs(top); i++)
        cg.oom |= !vec_push(&ret, use(&cg, ir_block_output(top, i)));
    emit(&cg, OPC_RET, top->ret, 0, ret.data, (int)ret.len, NULL, 0);
    vec_free(&ret);
    if (cg.oom) {
        err_nomem(err);
        goto fail;
    }
    code->instrs = cg.ins.data;
    code->ninstrs = cg.ins.len;
    code->opnds = cg.opnds.data;
    code->nopnds = cg.opnds.len;
    code->constants = cg.consts.data;
    code->nconstants = cg.consts.len;
    code->ops = cg.ops.data;
    code->nops = cg.ops.len;
    code->functions = cg.fns.data;
    code->nfunctions = cg.fns.len;
    code->names = cg.names.data;
    code->nnames = cg.names.len;
    code->nregs = cg.nregs;
    hmap_free(&cg.reg);
    hmap_free(&cg.kidx);
    hmap_free(&cg.used);
    return code;
fail:
    for (size_t i = 0; i < cg.consts.len; i++)
        iv_release(cg.consts.data[i]);
    vec_free(&cg.ins);
    vec_free(&cg.opnds);
    vec_free(&cg.consts);
    vec_free(&cg.ops);
    vec_free(&cg.fns);
    vec_free(&cg.names);
    hmap_free(&cg.reg);
    hmap_free(&cg.kidx);
    hmap_free(&cg.used);
    interp_code_free(code);
    return NULL;
}

void interp_code_free(Code *c) {
    if (!c)
        return;
    for (size_t i = 0; i < c->nconstants; i++)
        iv_release(c->constants[i]);
    free(c->constants);
    free(c->instrs);
    free(c->opnds);
    free(c->ops);
    free(c->functions);
    free(c->names);
    ir_graph_free(c->graph);
    free(c->name);
    free(c);
}

static const char *const opcode_names[] = {
#define X(name) #name,
    TSI_OPCODES(X)
#undef X
};

void interp_code_dump(StrBuf *sb, const Code *c) {
    for (size_t pc = 0; pc < c->ninstrs; pc++) {
        const Instr *in = &c->instrs[pc];
        sb_printf(sb, "%4zu %-10s a=%d", pc, opcode_names[in->op], in->a);
        if (in->op == OPC_OP && in->node)
            sb_printf(sb, " %s", ir_sym_name(in->node->kind));
        sb_puts(sb, " (");
        for (int i = 0; i < in->nin; i++) {
            int32_t o = c->opnds[in->opnd + (uint32_t)i];
            if (OPND_IS_CONST(o))
                sb_printf(sb, "%sc%d", i ? " " : "", OPND_CONST(o));
            else
                sb_printf(sb, "%s%sr%d", i ? " " : "", OPND_MOVED(o) ? "!" : "", OPND_REG(o));
        }
        sb_puts(sb, ") ->");
        for (int k = 0; k < in->nout; k++)
            sb_printf(sb, " r%d", c->opnds[in->opnd + (uint32_t)in->nin + (uint32_t)k]);
        sb_putc(sb, '\n');
    }
}
