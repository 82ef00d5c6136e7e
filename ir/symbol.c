/*
 * symbol.c: the process-wide symbol table. Built-in symbols (symbols.def)
 * have fixed ids; others are interned on first use. Names are never freed,
 * so pointers returned by ir_sym_name stay valid for the process lifetime.
 */
#include "ir.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const builtin_names[] = {
#define SYM(ns, name) #ns "::" #name,
#include "symbols.def"
#undef SYM
};
_Static_assert(sizeof(builtin_names) / sizeof(builtin_names[0]) == SYM_BUILTIN_COUNT,
               "one name per builtin symbol");

enum { CHUNK_BITS = 10, CHUNK = 1 << CHUNK_BITS, MAX_CHUNKS = 4096 };

static pthread_mutex_t sym_lock = PTHREAD_MUTEX_INITIALIZER;
static const char **chunks[MAX_CHUNKS];
static uint32_t sym_count;
static HMap sym_index; /* name -> id + 1 */
static bool sym_ready;

static bool sym_add_locked(const char *name, uint32_t *id) {
    uint32_t n = sym_count;
    uint32_t c = n >> CHUNK_BITS;
    if (c >= MAX_CHUNKS)
        return false;
    if (!chunks[c] && !(chunks[c] = calloc(CHUNK, sizeof(char *))))
        return false;
    const char *copy = name;
    if (n >= SYM_BUILTIN_COUNT && !(copy = xstrdup(name)))
        return false;
    if (!hmap_put(&sym_index, copy, (void *)(uintptr_t)(n + 1)))
        return false;
    chunks[c][n & (CHUNK - 1)] = copy;
    sym_count = n + 1;
    *id = n;
    return true;
}

static void sym_init_locked(void) {
    if (sym_ready)
        return;
    hmap_init_str(&sym_index);
    uint32_t id;
    for (uint32_t i = 0; i < SYM_BUILTIN_COUNT; i++)
        if (!sym_add_locked(builtin_names[i], &id))
            return;
    sym_ready = true;
}

Symbol ir_sym_intern(const char *qualified) {
    pthread_mutex_lock(&sym_lock);
    sym_init_locked();
    uint32_t id = 0;
    uintptr_t found = (uintptr_t)hmap_get(&sym_index, qualified);
    if (found)
        id = (uint32_t)(found - 1);
    else if (!sym_add_locked(qualified, &id))
        id = 0;
    pthread_mutex_unlock(&sym_lock);
    return id;
}

Symbol ir_sym_intern2(const char *ns, const char *name) {
    char buf[256];
    size_t a = strlen(ns), b = strlen(name);
    if (a + b + 3 > sizeof buf) {
        char *tmp = xmalloc(a + b + 3);
        if (!tmp)
            return 0;
        memcpy(tmp, ns, a);
        memcpy(tmp + a, "::", 2);
        memcpy(tmp + a + 2, name, b + 1);
        Symbol s = ir_sym_intern(tmp);
        free(tmp);
        return s;
    }
    memcpy(buf, ns, a);
    memcpy(buf + a, "::", 2);
    memcpy(buf + a + 2, name, b + 1);
    return ir_sym_intern(buf);
}

const char *ir_sym_name(Symbol s) {
    if (s < SYM_BUILTIN_COUNT)
        return builtin_names[s];
    pthread_mutex_lock(&sym_lock);
    const char *r = s < sym_count ? chunks[s >> CHUNK_BITS][s & (CHUNK - 1)] : "<invalid>";
    pthread_mutex_unlock(&sym_lock);
    return r;
}

const char *ir_sym_unqual(Symbol s) {
    const char *n = ir_sym_name(s);
    const char *p = strstr(n, "::");
    return p ? p + 2 : n;
}

bool ir_sym_is_ns(Symbol s, const char *ns) {
    const char *n = ir_sym_name(s);
    size_t k = strlen(ns);
    return strncmp(n, ns, k) == 0 && n[k] == ':' && n[k + 1] == ':';
}
