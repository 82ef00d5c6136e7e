/*
 * model.c: loading models (text IR now; archives once their code can be
 * compiled), looking up methods and calling them.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

void model_free(Model *m) {
    if (!m)
        return;
    iv_release(m->root);
    ir_cu_release(m->cu);
    free(m->path);
    free(m);
}

static Model *model_new(const char *name, Err *err) {
    Model *m = xcalloc(1, sizeof *m);
    if (!m || !(m->path = xstrdup(name ? name : "<memory>")) || !(m->cu = ir_cu_new())) {
        model_free(m);
        err_nomem(err);
        return NULL;
    }
    m->root = iv_none();
    return m;
}

int model_load_ir(const char *text, size_t len, const char *name, Model **out, Err *err) {
    *out = NULL;
    Model *m = model_new(name, err);
    if (!m)
        return err ? err->code : TSI_ERR_NOMEM;
    Graph *g = irp_parse(text, len, m->path, m->cu, err);
    if (!g)
        goto fail;
    if (ir_graph_verify(g, err)) {
        err_prefix(err, "%s: invalid graph", m->path);
        ir_graph_free(g);
        goto fail;
    }
    m->graph_fn = ir_cu_new_function(m->cu, "forward", NULL);
    if (!m->graph_fn) {
        ir_graph_free(g);
        err_nomem(err);
        goto fail;
    }
    m->graph_fn->graph = g;
    *out = m;
    return TSI_OK;
fail:
    model_free(m);
    return err ? err->code : TSI_ERR_FORMAT;
}

int model_load(const char *path, Model **out, Err *err) {
    *out = NULL;
    char *data;
    size_t len;
    int rc = read_file(path, &data, &len, err);
    if (rc)
        return rc;
    if (len >= 4 && !memcmp(data, "PK\003\004", 4)) {
        rc = err_set(err, TSI_ERR_UNSUPPORTED,
                     "%s: running .pt archives needs the TorchScript compiler (not built yet)",
                     path);
    } else {
        rc = model_load_ir(data, len, path, out, err);
    }
    free(data);
    return rc;
}

Function *model_method(Model *m, const char *name, Err *err) {
    if (m->graph_fn) {
        if (!strcmp(name, "forward"))
            return m->graph_fn;
        err_set(err, TSI_ERR_USAGE, "%s: a text-IR model has only 'forward', not '%s'", m->path,
                name);
        return NULL;
    }
    Function *f = m->root.tag == IV_OBJECT ? ir_class_find_method(m->root.u.obj->cls, name) : NULL;
    if (!f)
        err_set(err, TSI_ERR_USAGE, "%s: the model has no method '%s'", m->path, name);
    return f;
}

int model_param_types(Model *m, Function *f, Type **types, int max, int *n, Err *err) {
    *n = 0;
    if (f->schema) {
        int first = m->graph_fn ? 0 : 1; /* skip self */
        for (int i = first; i < f->schema->nargs; i++) {
            if (*n == max)
                return err_set(err, TSI_ERR_LIMIT, "too many parameters");
            types[(*n)++] = f->schema->args[i].type;
        }
        return TSI_OK;
    }
    if (!f->graph)
        return err_set(err, TSI_ERR_RUNTIME, "%s: method %s is not compiled", m->path, f->name);
    Block *b = f->graph->block;
    size_t first = m->graph_fn ? 0 : 1;
    for (size_t i = first; i < ir_block_ninputs(b); i++) {
        if (*n == max)
            return err_set(err, TSI_ERR_LIMIT, "too many parameters");
        types[(*n)++] = ir_block_input(b, i)->type;
    }
    return TSI_OK;
}

int model_call(Model *m, Function *f, const IValue *args, int nargs, IValue *out,
               const InterpOptions *opt, Err *err) {
    if (m->graph_fn)
        return interp_call(f, args, nargs, out, opt, err);
    IValue *all = xcalloc((size_t)nargs + 1, sizeof(IValue));
    if (!all)
        return err_nomem(err);
    all[0] = m->root;
    for (int i = 0; i < nargs; i++)
        all[i + 1] = args[i];
    int rc = interp_call(f, all, nargs + 1, out, opt, err);
    free(all);
    return rc;
}
