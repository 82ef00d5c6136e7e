/*
 * run.c: the run loop, calls, attribute access, and TorchScript-style
 * tracebacks.
 *
 * Each call gets its own register array; values live in registers until
 * their last use moves them out (or a DROP releases them), so tensors are
 * freed as soon as they are dead.
 */
#include "interp_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_INLINE_ARGS = 16, DEFAULT_MAX_DEPTH = 200 };

/* -------------------------------------------------------- code per function */

static pthread_mutex_t code_lock = PTHREAD_MUTEX_INITIALIZER;

static void free_code_cb(void *c) { interp_code_free(c); }

Code *interp_code_for(Function *fn, Err *err) {
    Code *c = __atomic_load_n((Code **)&fn->code, __ATOMIC_ACQUIRE);
    if (c)
        return c;
    pthread_mutex_lock(&code_lock);
    c = fn->code;
    if (!c) {
        if (!fn->graph) {
            err_set(err, TSI_ERR_RUNTIME, "function %s has no graph", fn->qualname);
        } else {
            c = interp_code_new(fn->graph, fn->qualname, err);
            if (c) {
                fn->free_code = free_code_cb;
                __atomic_store_n((Code **)&fn->code, c, __ATOMIC_RELEASE);
            }
        }
    }
    pthread_mutex_unlock(&code_lock);
    return c;
}

/* ------------------------------------------------------------ tracebacks */

static void trace_push(Interp *it, const Node *node, const char *fn_name) {
    TraceEntry e = {node ? node->range : (SourceRange){0}, fn_name};
    (void)vec_push(&it->trace, e);
}

/* The source around a range, torch style: a few lines of context, the range
 * underlined with ~ and " <--- HERE". */
static void highlight(StrBuf *sb, SourceRange r) {
    const Source *s = r.src;
    int line, col;
    source_line_col(s, r.start, &line, &col);
    size_t li = (size_t)(line - s->starting_line);
    size_t first = li >= 2 ? li - 2 : 0;
    size_t last = li + 2 < s->nlines ? li + 2 : s->nlines - 1;
    /* a final empty line (text ending in a newline) is not shown */
    if (last > li && s->line_starts[last] >= s->len)
        last--;
    for (size_t k = first; k <= last; k++) {
        size_t ls = s->line_starts[k], le = ls;
        while (le < s->len && s->text[le] != '\n')
            le++;
        sb_putn(sb, s->text + ls, le - ls);
        sb_putc(sb, '\n');
        if (k == li) {
            size_t end = r.end > le ? le : r.end;
            for (size_t i = ls; i < r.start; i++)
                sb_putc(sb, ' ');
            for (size_t i = r.start; i < end || i == r.start; i++)
                sb_putc(sb, '~');
            sb_puts(sb, " <--- HERE\n");
        }
    }
}

/* Replace err's message by the full traceback form. */
static void format_traceback(Interp *it, Err *err) {
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, "The following operation failed in the TorchScript interpreter.\n");
    sb_puts(&sb, "Traceback of TorchScript (most recent call last):\n");
    for (size_t i = it->trace.len; i > 0; i--) {
        TraceEntry *e = &it->trace.data[i - 1];
        if (!e->range.src) {
            sb_printf(&sb, "  File \"<unknown>\", in %s\n", e->fn_name ? e->fn_name : "<graph>");
            continue;
        }
        int line, col;
        source_line_col(e->range.src, e->range.start, &line, &col);
        sb_printf(&sb, "  File \"%s\", line %d, in %s\n",
                  e->range.src->filename ? e->range.src->filename : "<string>", line,
                  e->fn_name ? e->fn_name : "<graph>");
        highlight(&sb, e->range);
    }
    sb_printf(&sb, "%s: %s", it->exc_class ? it->exc_class : "RuntimeError",
              err->msg ? err->msg : "out of memory");
    char *msg = sb_finish(&sb);
    if (msg) {
        free(err->msg);
        err->msg = msg;
    }
}

void interp_set_exception_class(Interp *it, const char *cls) { it->exc_class = cls; }

/* ------------------------------------------------------------ the loop */

static const char *short_name(const Code *c) {
    const char *dot = strrchr(c->name, '.');
    return dot ? dot + 1 : c->name;
}

static inline IValue operand(const Code *c, const IValue *regs, int32_t o) {
    return OPND_IS_CONST(o) ? c->constants[OPND_CONST(o)] : regs[OPND_REG(o)];
}

static inline void set_reg(IValue *regs, int32_t r, IValue v) {
    IValue old = regs[r];
    regs[r] = v;
    iv_release(old);
}

static void release_moved(const int32_t *ops, int n, IValue *regs) {
    for (int i = 0; i < n; i++)
        if (OPND_MOVED(ops[i])) {
            int32_t r = OPND_REG(ops[i]);
            IValue old = regs[r];
            regs[r] = iv_invalid();
            iv_release(old);
        }
}

static int call_function(Interp *it, Function *fn, const IValue *args, int nargs, IValue *outs,
                         int nouts, Err *err) {
    Code *callee = interp_code_for(fn, err);
    if (!callee)
        return err ? err->code : TSI_ERR_RUNTIME;
    if (callee->ninputs != nargs)
        return err_set(err, TSI_ERR_RUNTIME, "%s expects %d arguments, got %d", fn->qualname,
                       callee->ninputs, nargs);
    return interp_exec(it, callee, args, nargs, outs, nouts, err);
}

int interp_exec(Interp *it, Code *code, const IValue *args, int nargs, IValue *outs, int nouts,
                Err *err) {
    if (it->depth >= (it->opt.max_depth > 0 ? it->opt.max_depth : DEFAULT_MAX_DEPTH))
        return err_set(err, TSI_ERR_LIMIT, "maximum call depth exceeded");
    if (nouts != code->noutputs && !(nouts == 1 && code->noutputs != 1))
        return err_set(err, TSI_ERR_RUNTIME, "%s returns %d values, caller expects %d",
                       code->name, code->noutputs, nouts);
    IValue *regs = xcalloc((size_t)(code->nregs ? code->nregs : 1), sizeof(IValue));
    if (!regs)
        return err_nomem(err);
    for (int i = 0; i < nargs; i++)
        regs[i] = iv_dup(args[i]);
    it->depth++;
    IValue inbuf[MAX_INLINE_ARGS], outbuf[MAX_INLINE_ARGS];
    IValue *in = inbuf, *ob = outbuf;
    size_t incap = MAX_INLINE_ARGS, outcap = MAX_INLINE_ARGS;
    int rc = TSI_OK;
    size_t pc = 0;
    const Instr *ins = NULL;
    for (;;) {
        ins = &code->instrs[pc];
        if (it->opt.max_steps && ++it->steps > it->opt.max_steps) {
            rc = err_set(err, TSI_ERR_LIMIT, "step budget of %lld instructions exhausted",
                         (long long)it->opt.max_steps);
            goto fail;
        }
        const int32_t *ops = &code->opnds[ins->opnd];
        const int32_t *dst = ops + ins->nin;
        if (ins->nin > incap || ins->nout > outcap) {
            size_t need_in = ins->nin > incap ? ins->nin : incap;
            size_t need_out = ins->nout > outcap ? ins->nout : outcap;
            IValue *ni = in == inbuf ? xmalloc(need_in * sizeof(IValue)) : xrealloc_array(in, need_in, sizeof(IValue));
            if (!ni) {
                rc = err_nomem(err);
                goto fail;
            }
            in = ni;
            incap = need_in;
            IValue *no = ob == outbuf ? xmalloc(need_out * sizeof(IValue)) : xrealloc_array(ob, need_out, sizeof(IValue));
            if (!no) {
                rc = err_nomem(err);
                goto fail;
            }
            ob = no;
            outcap = need_out;
        }
        switch ((Opcode)ins->op) {
        case OPC_OP: {
            for (int i = 0; i < ins->nin; i++)
                in[i] = operand(code, regs, ops[i]);
            for (int k = 0; k < ins->nout; k++)
                ob[k] = iv_invalid();
            OpCall c = {in, ins->nin, ob, ins->nout, ins->node, it};
            rc = code->ops[ins->a](&c, err);
            if (rc) {
                for (int k = 0; k < ins->nout; k++)
                    iv_release(ob[k]);
                if (err && !err->code)
                    err_set(err, rc, "operator failed");
                goto fail;
            }
            release_moved(ops, ins->nin, regs);
            for (int k = 0; k < ins->nout; k++)
                set_reg(regs, dst[k], ob[k]);
            pc++;
            break;
        }
        case OPC_MOVE: {
            int32_t o = ops[0];
            IValue v;
            if (OPND_MOVED(o)) {
                v = regs[OPND_REG(o)];
                regs[OPND_REG(o)] = iv_invalid();
            } else {
                v = iv_dup(operand(code, regs, o));
            }
            set_reg(regs, dst[0], v);
            pc++;
            break;
        }
        case OPC_JMP: pc = (size_t)ins->a; break;
        case OPC_JF: {
            IValue c = operand(code, regs, ops[0]);
            bool t = c.tag == IV_BOOL ? c.u.b : c.tag == IV_INT ? c.u.i != 0 : false;
            release_moved(ops, 1, regs);
            pc = t ? pc + 1 : (size_t)ins->a;
            break;
        }
        case OPC_LOOP: {
            IValue *counter = &regs[OPND_REG(ops[0])];
            IValue max = regs[OPND_REG(ops[1])], cond = regs[OPND_REG(ops[2])];
            bool go = cond.tag == IV_BOOL ? cond.u.b : false;
            if (go && counter->u.i < max.u.i) {
                set_reg(regs, dst[0], iv_int(counter->u.i));
                counter->u.i++;
                pc++;
            } else {
                pc = (size_t)ins->a;
            }
            break;
        }
        case OPC_CALL:
        case OPC_CALL_IFACE: {
            for (int i = 0; i < ins->nin; i++)
                in[i] = operand(code, regs, ops[i]);
            Function *fn;
            if (ins->op == OPC_CALL) {
                fn = code->functions[ins->a];
            } else {
                IValue self = in[0];
                fn = self.tag == IV_OBJECT ? ir_class_find_method(self.u.obj->cls, code->names[ins->a])
                                           : NULL;
                if (!fn) {
                    rc = err_set(err, TSI_ERR_RUNTIME, "method '%s' not found on the object",
                                 code->names[ins->a]);
                    goto fail;
                }
            }
            for (int k = 0; k < ins->nout; k++)
                ob[k] = iv_invalid();
            rc = call_function(it, fn, in, ins->nin, ob, ins->nout, err);
            if (rc)
                goto fail;
            release_moved(ops, ins->nin, regs);
            for (int k = 0; k < ins->nout; k++)
                set_reg(regs, dst[k], ob[k]);
            pc++;
            break;
        }
        case OPC_GETATTR: {
            IValue obj = operand(code, regs, ops[0]);
            if (obj.tag != IV_OBJECT || (size_t)ins->a >= obj.u.obj->nslots) {
                rc = err_set(err, TSI_ERR_RUNTIME, "attribute access on a non-object");
                goto fail;
            }
            IValue v = obj.u.obj->slots[ins->a];
            if (v.tag == IV_INVALID) {
                rc = err_set(err, TSI_ERR_RUNTIME, "attribute %s is not initialized",
                             ir_node_s(ins->node, SYM_attr_name));
                goto fail;
            }
            iv_retain(v);
            release_moved(ops, 1, regs);
            set_reg(regs, dst[0], v);
            pc++;
            break;
        }
        case OPC_SETATTR: {
            IValue obj = operand(code, regs, ops[0]);
            if (obj.tag != IV_OBJECT || (size_t)ins->a >= obj.u.obj->nslots) {
                rc = err_set(err, TSI_ERR_RUNTIME, "attribute assignment on a non-object");
                goto fail;
            }
            iv_object_set(obj.u.obj, (size_t)ins->a, iv_dup(operand(code, regs, ops[1])));
            release_moved(ops, 2, regs);
            pc++;
            break;
        }
        case OPC_DROP:
            release_moved(ops, ins->nin, regs);
            pc++;
            break;
        case OPC_RET: {
            if (ins->nin == nouts) {
                for (int k = 0; k < nouts; k++)
                    outs[k] = iv_dup(operand(code, regs, ops[k]));
            } else {
                /* several graph outputs returned to one slot: a tuple */
                IValue t = iv_tuple_new((size_t)ins->nin, NULL);
                if (t.tag == IV_INVALID) {
                    rc = err_nomem(err);
                    goto fail;
                }
                for (int k = 0; k < ins->nin; k++)
                    t.u.tup->items[k] = iv_dup(operand(code, regs, ops[k]));
                outs[0] = t;
            }
            goto done;
        }
        default:
            rc = err_set(err, TSI_ERR_RUNTIME, "bad opcode %d", ins->op);
            goto fail;
        }
    }
fail:
    trace_push(it, ins ? ins->node : NULL, short_name(code));
done:
    it->depth--;
    for (int r = 0; r < code->nregs; r++)
        iv_release(regs[r]);
    free(regs);
    if (in != inbuf)
        free(in);
    if (ob != outbuf)
        free(ob);
    return rc;
}

/* ------------------------------------------------------------- entry points */

static int run_top(Code *code, const IValue *args, int nargs, IValue *out,
                   const InterpOptions *opt, Err *err) {
    if (nargs != code->ninputs)
        return err_set(err, TSI_ERR_USAGE, "%s expects %d arguments, got %d", code->name,
                       code->ninputs, nargs);
    Interp it = {0};
    if (opt)
        it.opt = *opt;
    int rc = interp_exec(&it, code, args, nargs, out, 1, err);
    if (rc && rc != TSI_ERR_NOMEM && rc != TSI_ERR_USAGE)
        format_traceback(&it, err);
    vec_free(&it.trace);
    return rc;
}

int interp_call(Function *fn, const IValue *args, int nargs, IValue *out,
                const InterpOptions *opt, Err *err) {
    Code *code = interp_code_for(fn, err);
    if (!code)
        return err ? err->code : TSI_ERR_RUNTIME;
    return run_top(code, args, nargs, out, opt, err);
}

int interp_run_graph(Graph *g, const IValue *args, int nargs, IValue *out,
                     const InterpOptions *opt, Err *err) {
    Code *code = interp_code_new(g, "<graph>", err);
    if (!code)
        return err ? err->code : TSI_ERR_RUNTIME;
    int rc = run_top(code, args, nargs, out, opt, err);
    interp_code_free(code);
    return rc;
}

int interp_op_call_function(Interp *it, Function *fn, const IValue *args, int nargs, IValue *out,
                            Err *err) {
    return call_function(it, fn, args, nargs, out, 1, err);
}
