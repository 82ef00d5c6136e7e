/*
 * schema_dump: exposes the schema parser, printer and registry to the
 * conformance tests (test/conformance/test_schemas.py), which compare what
 * it prints with torch's own view of the same schemas.
 *
 *   schema_dump list      every registered schema, printed, one per line
 *   schema_dump json      every registered schema as one JSON object a line
 *                         (names, fake types, N, defaults, alias sets, ...)
 *   schema_dump parse     parse each stdin line: "OK\t<printed>" or
 *                         "ERR\t<code>\t<offset>\t<message, \n escaped>"
 *   schema_dump parse1    parse all of stdin as one text: the printed schema
 *                         and exit 0, or the error on stderr and exit 1
 *   schema_dump lookup    stdin lines "name\toverload": one JSON object a
 *                         line {"find": printed or null, "for": [printed...]}
 *   schema_dump time      how long the registry takes to build
 */
#include "ir/ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void put_json_string(const char *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void put_schema_string(const FunctionSchema *s) {
    StrBuf sb;
    sb_init(&sb);
    ir_schema_print(&sb, s);
    put_json_string(sb_cstr(&sb), sb.len);
    sb_free(&sb);
}

/* Defaults in a canonical form the test rebuilds from torch's Python view:
 * doubles as their bit pattern, strings as hex bytes. */
static void put_value(IValue v) {
    switch (v.tag) {
    case IV_NONE: printf("{\"t\":\"none\"}"); break;
    case IV_BOOL: printf("{\"t\":\"bool\",\"v\":%s}", v.u.b ? "true" : "false"); break;
    case IV_INT: printf("{\"t\":\"int\",\"v\":%lld}", (long long)v.u.i); break;
    case IV_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v.u.d, sizeof bits);
        printf("{\"t\":\"float\",\"v\":\"%016llx\"}", (unsigned long long)bits);
        break;
    }
    case IV_COMPLEX: {
        uint64_t re, im;
        memcpy(&re, &v.u.c->re, sizeof re);
        memcpy(&im, &v.u.c->im, sizeof im);
        printf("{\"t\":\"complex\",\"v\":[\"%016llx\",\"%016llx\"]}", (unsigned long long)re,
               (unsigned long long)im);
        break;
    }
    case IV_STR:
        printf("{\"t\":\"str\",\"v\":\"");
        for (size_t i = 0; i < v.u.s->len; i++)
            printf("%02x", (unsigned char)v.u.s->data[i]);
        printf("\"}");
        break;
    case IV_DEVICE: {
        StrBuf sb;
        sb_init(&sb);
        device_format(&sb, v.u.dev);
        printf("{\"t\":\"device\",\"v\":");
        put_json_string(sb_cstr(&sb), sb.len);
        printf("}");
        sb_free(&sb);
        break;
    }
    case IV_LIST:
        printf("{\"t\":\"list\",\"v\":[");
        for (size_t i = 0; i < v.u.l->len; i++) {
            if (i)
                putchar(',');
            put_value(v.u.l->items[i]);
        }
        printf("]}");
        break;
    default: printf("{\"t\":\"other\"}"); break;
    }
}

static void put_sets(const Symbol *s, int n) {
    putchar('[');
    for (int i = 0; i < n; i++) {
        if (i)
            putchar(',');
        const char *u = ir_sym_unqual(s[i]);
        put_json_string(u, strlen(u));
    }
    putchar(']');
}

static void put_arg(const Argument *a) {
    StrBuf ty;
    sb_init(&ty);
    type_annotation(&ty, a->type);
    printf("{\"name\":");
    put_json_string(a->name, strlen(a->name));
    printf(",\"type\":");
    put_json_string(sb_cstr(&ty), ty.len);
    sb_free(&ty);
    if (a->N >= 0)
        printf(",\"N\":%d", a->N);
    else
        printf(",\"N\":null");
    printf(",\"kwarg_only\":%s,\"is_out\":%s", a->kwarg_only ? "true" : "false",
           a->is_out ? "true" : "false");
    printf(",\"default\":");
    if (a->default_value.tag == IV_INVALID)
        printf("null");
    else
        put_value(a->default_value);
    printf(",\"alias\":");
    if (a->alias) {
        printf("{\"is_write\":%s,\"before\":", a->alias->is_write ? "true" : "false");
        put_sets(a->alias->before, a->alias->nbefore);
        printf(",\"after\":");
        put_sets(a->alias->after, a->alias->nafter);
        printf("}");
    } else {
        printf("null");
    }
    printf("}");
}

static void put_schema_json(const FunctionSchema *s) {
    printf("{\"name\":");
    put_json_string(s->name, strlen(s->name));
    printf(",\"overload\":");
    put_json_string(s->overload, strlen(s->overload));
    printf(",\"args\":[");
    for (int i = 0; i < s->nargs; i++) {
        if (i)
            putchar(',');
        put_arg(&s->args[i]);
    }
    printf("],\"rets\":[");
    for (int i = 0; i < s->nrets; i++) {
        if (i)
            putchar(',');
        put_arg(&s->rets[i]);
    }
    printf("]}\n");
}

static int init_or_die(void) {
    Err err = {0};
    if (ir_schemas_init(&err) != TSI_OK) {
        fprintf(stderr, "schema_dump: %s\n", err.msg);
        err_clear(&err);
        return 1;
    }
    return 0;
}

static char *read_line(FILE *f) {
    StrBuf sb;
    sb_init(&sb);
    int c;
    bool any = false;
    while ((c = fgetc(f)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        sb_putc(&sb, (char)c);
    }
    if (!any) {
        sb_free(&sb);
        return NULL;
    }
    char *s = sb_finish(&sb);
    return s ? s : xstrdup("");
}

static int cmd_parse(void) {
    char *line;
    while ((line = read_line(stdin))) {
        Arena arena;
        arena_init(&arena);
        Err err = {0};
        size_t pos = 0;
        FunctionSchema *s = ir_schema_parse_pos(&arena, line, &pos, &err);
        if (s) {
            StrBuf sb;
            sb_init(&sb);
            ir_schema_print(&sb, s);
            printf("OK\t%s\n", sb_cstr(&sb));
            sb_free(&sb);
        } else {
            printf("ERR\t%d\t%zu\t", err.code, pos);
            for (const char *m = err.msg; m && *m; m++) {
                if (*m == '\n')
                    fputs("\\n", stdout);
                else
                    putchar(*m);
            }
            putchar('\n');
        }
        err_clear(&err);
        arena_free(&arena);
        free(line);
    }
    return 0;
}

static int cmd_parse1(void) {
    StrBuf in;
    sb_init(&in);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        sb_putn(&in, chunk, got);
    Arena arena;
    arena_init(&arena);
    Err err = {0};
    FunctionSchema *s = ir_schema_parse(&arena, sb_cstr(&in), &err);
    int rc = 0;
    if (s) {
        StrBuf sb;
        sb_init(&sb);
        ir_schema_print(&sb, s);
        printf("%s\n", sb_cstr(&sb));
        sb_free(&sb);
    } else {
        fprintf(stderr, "%s\n", err.msg);
        rc = 1;
    }
    err_clear(&err);
    arena_free(&arena);
    sb_free(&in);
    return rc;
}

static int cmd_lookup(void) {
    if (init_or_die())
        return 1;
    char *line;
    while ((line = read_line(stdin))) {
        char *tab = strchr(line, '\t');
        const char *overload = "";
        if (tab) {
            *tab = 0;
            overload = tab + 1;
        }
        const FunctionSchema *f = ir_schema_find(line, overload);
        printf("{\"find\":");
        if (f)
            put_schema_string(f);
        else
            printf("null");
        int n = 0;
        const FunctionSchema *const *all = ir_schemas_for(ir_sym_intern(line), &n);
        printf(",\"for\":[");
        for (int i = 0; i < n; i++) {
            if (i)
                putchar(',');
            put_schema_string(all[i]);
        }
        printf("]}\n");
        free(line);
    }
    return 0;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmd_time(void) {
    double t0 = now_ms();
    if (init_or_die())
        return 1;
    double t1 = now_ms();
    int n = ir_schemas_count();
    /* parse the same texts again into a scratch arena: the steady-state
     * cost, with symbols and types already interned */
    StrBuf sb;
    sb_init(&sb);
    char **texts = xcalloc((size_t)n, sizeof(char *));
    for (int i = 0; i < n; i++) {
        sb_truncate(&sb, 0);
        ir_schema_print(&sb, ir_schema_at(i));
        texts[i] = xstrdup(sb_cstr(&sb));
    }
    Arena arena;
    arena_init(&arena);
    double t2 = now_ms();
    for (int i = 0; i < n; i++) {
        Err err = {0};
        if (!ir_schema_parse(&arena, texts[i], &err)) {
            fprintf(stderr, "reparse %d: %s\n", i, err.msg);
            err_clear(&err);
        }
    }
    double t3 = now_ms();
    for (int i = 0; i < n; i++) {
        sb_truncate(&sb, 0);
        ir_schema_print(&sb, ir_schema_at(i));
    }
    double t4 = now_ms();
    printf("schemas: %d\nfirst use (parse all + index): %.2f ms\nre-parse all: %.2f ms\n"
           "print all: %.2f ms\narena: %zu bytes\n",
           n, t1 - t0, t3 - t2, t4 - t3, arena.used_total);
    arena_free(&arena);
    for (int i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    sb_free(&sb);
    return 0;
}

int main(int argc, char **argv) {
    const char *cmd = argc > 1 ? argv[1] : "list";
    if (!strcmp(cmd, "parse"))
        return cmd_parse();
    if (!strcmp(cmd, "parse1"))
        return cmd_parse1();
    if (!strcmp(cmd, "lookup"))
        return cmd_lookup();
    if (!strcmp(cmd, "time"))
        return cmd_time();
    if (!strcmp(cmd, "list") || !strcmp(cmd, "json")) {
        if (init_or_die())
            return 1;
        StrBuf sb;
        sb_init(&sb);
        for (int i = 0; i < ir_schemas_count(); i++) {
            if (cmd[0] == 'j') {
                put_schema_json(ir_schema_at(i));
                continue;
            }
            sb_truncate(&sb, 0);
            ir_schema_print(&sb, ir_schema_at(i));
            puts(sb_cstr(&sb));
        }
        sb_free(&sb);
        return 0;
    }
    fprintf(stderr, "usage: schema_dump list|json|parse|parse1|lookup|time\n");
    return 2;
}
