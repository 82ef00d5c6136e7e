/*
 * model.h: the top layer's view of a loaded model, shared by the C API and
 * the CLI. A model is either a text-IR graph (run as a function `forward`
 * with the graph's inputs as parameters) or a .pt archive's root module.
 *
 * This layer sits above passes/ and interpreter/ (DESIGN.md: api / tools):
 * it is where loading, compilation hooks, freezing and running meet.
 */
#ifndef TSI_MODEL_H
#define TSI_MODEL_H

#include "../frontend/frontend.h"
#include "../interpreter/interp.h"

typedef struct Model {
    char *path;
    CompilationUnit *cu;
    IValue root;        /* the module object (archives); None for IR graphs */
    Function *graph_fn; /* IR graphs: the graph as a function "forward" */
    int version;        /* archive format version, 0 for IR */
} Model;

/* Load a .pt archive or a text-IR file (a file whose first token is
 * `graph`), deciding by content. */
int model_load(const char *path, Model **out, Err *err);
int model_load_ir(const char *text, size_t len, const char *name, Model **out, Err *err);
void model_free(Model *m);
/* The method (or the IR graph for "forward"); NULL with err set. */
Function *model_method(Model *m, const char *name, Err *err);
/* Parameter types of a method as the caller supplies them (self excluded);
 * *n gets the count. Types point into the method's graph/schema. */
int model_param_types(Model *m, Function *f, Type **types, int max, int *n, Err *err);
/* Call a method with caller arguments (self is added for module methods). */
int model_call(Model *m, Function *f, const IValue *args, int nargs, IValue *out,
               const InterpOptions *opt, Err *err);

#endif
