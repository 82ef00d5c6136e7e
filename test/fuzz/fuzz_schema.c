/*
 * fuzz_schema: the operator schema parser on arbitrary text. A schema that
 * parses is printed and the printed text parsed again. Only crashes and
 * sanitizer reports count: like torch's, the printed form is not always
 * readable (complex and device defaults, Union(, ...), Tensor($0! -> )).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    Arena arena;
    arena_init(&arena);
    Err err = {0};
    FunctionSchema *s = ir_schema_parse(&arena, text, &err);
    if (s) {
        StrBuf sb;
        sb_init(&sb);
        ir_schema_print(&sb, s);
        if (!sb.oom && !ir_schema_parse(&arena, sb_cstr(&sb), &err))
            err_clear(&err);
        sb_free(&sb);
    }
    err_clear(&err);
    arena_free(&arena);
    free(text);
    return 0;
}
