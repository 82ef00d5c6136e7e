/*
 * registry.c: the operator registry. Every op table (TSI_OP_TABLES) is
 * indexed once by name; code generation resolves each node to its OpFn so
 * the run loop never looks anything up.
 */
#include "interp_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const OpDef *const tables[] = {
#define X(fam) interp_ops_##fam,
    TSI_OP_TABLES(X)
#undef X
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static HMap by_name;          /* name -> OpDef* */
static VEC(const OpDef *) all;
static bool init_ok;

static void build(void) {
    hmap_init_str(&by_name);
    for (size_t t = 0; t < TSI_ARRAY_LEN(tables); t++)
        for (const OpDef *d = tables[t]; d->name; d++) {
            /* first registration wins; duplicates would be a table bug */
            if (hmap_has(&by_name, d->name))
                continue;
            if (!hmap_put(&by_name, d->name, (void *)d) || !vec_push(&all, d))
                return;
        }
    init_ok = true;
}

int interp_registry_init(Err *err) {
    pthread_once(&once, build);
    return init_ok ? TSI_OK : err_nomem(err);
}

OpFn interp_find_op_named(const char *name) {
    if (interp_registry_init(NULL))
        return NULL;
    const OpDef *d = hmap_get(&by_name, name);
    return d ? d->fn : NULL;
}

OpFn interp_find_op(const Node *n) {
    char buf[512];
    const FunctionSchema *s = n->schema ? n->schema : ir_node_match_schema(n);
    if (s) {
        if (s->overload && s->overload[0])
            snprintf(buf, sizeof buf, "%s.%s", s->name, s->overload);
        else
            snprintf(buf, sizeof buf, "%s", s->name);
        /* a node with a schema runs that overload or nothing: falling back
         * to another overload of the same name would compute something else */
        return interp_find_op_named(buf);
    }
    return interp_find_op_named(ir_sym_name(n->kind));
}

const OpDef *const *interp_registered_ops(int *n) {
    if (interp_registry_init(NULL)) {
        *n = 0;
        return NULL;
    }
    *n = (int)all.len;
    return all.data;
}
