/*
 * fuzz_source.c: bytes -> fe_parse (and fe_parse_expr) -> dump -> free.
 * Any input must give either a tree or an error, never a crash, a leak or
 * undefined behaviour.
 */
#include "frontend/parse.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Err err = {0};
    AstModule *m = NULL;
    if (fe_parse((const char *)data, size, "fuzz.py", 1, &m, &err) == TSI_OK) {
        StrBuf sb;
        sb_init(&sb);
        fe_module_dump(&sb, m, true);
        sb_free(&sb);
        fe_ast_free(m);
    }
    err_clear(&err);
    Ast *e = NULL;
    if (fe_parse_expr((const char *)data, size, "fuzz.py", 1, &m, &e, &err) == TSI_OK)
        fe_ast_free(m);
    err_clear(&err);
    return 0;
}
