/*
 * base.c: errors, checked allocation, arenas, vectors, string builders,
 * hash maps, number formatting and whole-file I/O.
 */
#include "base.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- errors */

int err_vset_at(Err *err, int code, const char *c_file, int c_line, const char *fmt,
                va_list ap) {
    if (!err)
        return code;
    StrBuf sb;
    sb_init(&sb);
    sb_vprintf(&sb, fmt, ap);
    char *msg = sb_finish(&sb);
    free(err->msg);
    err->code = code;
    err->msg = msg; /* NULL if the formatting itself ran out of memory */
    err->c_file = c_file;
    err->c_line = c_line;
    return code;
}

int err_set_at(Err *err, int code, const char *c_file, int c_line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    err_vset_at(err, code, c_file, c_line, fmt, ap);
    va_end(ap);
    return code;
}

int err_prefix(Err *err, const char *fmt, ...) {
    if (!err)
        return TSI_ERR_RUNTIME;
    StrBuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    sb_puts(&sb, ": ");
    sb_puts(&sb, err->msg ? err->msg : "out of memory");
    char *msg = sb_finish(&sb);
    if (msg) {
        free(err->msg);
        err->msg = msg;
    }
    return err->code;
}

int err_append(Err *err, const char *fmt, ...) {
    if (!err)
        return TSI_ERR_RUNTIME;
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, err->msg ? err->msg : "");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    char *msg = sb_finish(&sb);
    if (msg) {
        free(err->msg);
        err->msg = msg;
    }
    return err->code;
}

void err_clear(Err *err) {
    if (!err)
        return;
    free(err->msg);
    memset(err, 0, sizeof *err);
}

void err_move(Err *dst, Err *src) {
    err_clear(dst);
    *dst = *src;
    memset(src, 0, sizeof *src);
}

/* ------------------------------------------------------------ allocation */

bool mul_overflows(size_t a, size_t b, size_t *out) {
    return __builtin_mul_overflow(a, b, out);
}

bool mul_i64_overflows(int64_t a, int64_t b, int64_t *out) {
    return __builtin_mul_overflow(a, b, out);
}

bool add_i64_overflows(int64_t a, int64_t b, int64_t *out) {
    return __builtin_add_overflow(a, b, out);
}

void *xmalloc(size_t n) { return malloc(n ? n : 1); }

void *xcalloc(size_t count, size_t size) {
    size_t total;
    if (mul_overflows(count, size, &total))
        return NULL;
    return calloc(total ? total : 1, 1);
}

void *xrealloc(void *p, size_t n) { return realloc(p, n ? n : 1); }

void *xrealloc_array(void *p, size_t count, size_t size) {
    size_t total;
    if (mul_overflows(count, size, &total))
        return NULL;
    return xrealloc(p, total);
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
    char *p = xmalloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* -------------------------------------------------------------- arenas */

struct ArenaChunk {
    ArenaChunk *next;
    size_t cap, used;
    _Alignas(16) unsigned char mem[];
};

enum { ARENA_CHUNK = 64 * 1024 };

void arena_init(Arena *a) { memset(a, 0, sizeof *a); }

void arena_free(Arena *a) {
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *next = c->next;
        free(c);
        c = next;
    }
    memset(a, 0, sizeof *a);
}

void *arena_alloc(Arena *a, size_t n) {
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n)
        return NULL;
    ArenaChunk *c = a->head;
    if (!c || c->cap - c->used < need) {
        size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
        if (cap > SIZE_MAX - sizeof(ArenaChunk))
            return NULL;
        ArenaChunk *nc = malloc(sizeof(ArenaChunk) + cap);
        if (!nc)
            return NULL;
        nc->cap = cap;
        nc->used = 0;
        /* A big one-off block goes behind the current chunk so the current
         * chunk's free tail is not wasted. */
        if (c && need > ARENA_CHUNK) {
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        c = nc;
    }
    void *p = c->mem + c->used;
    c->used += need;
    a->used_total += need;
    memset(p, 0, n);
    return p;
}

void *arena_alloc_array(Arena *a, size_t count, size_t size) {
    size_t total;
    if (mul_overflows(count, size, &total))
        return NULL;
    return arena_alloc(a, total);
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_sprintf(Arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    StrBuf sb;
    sb_init(&sb);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    char *r = sb.oom ? NULL : arena_strndup(a, sb_cstr(&sb), sb.len);
    sb_free(&sb);
    return r;
}

/* -------------------------------------------------------- growable arrays */

bool vec_grow_(void **data, size_t *cap, size_t need, size_t elem) {
    size_t ncap = *cap ? *cap : 4;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return false;
        ncap *= 2;
    }
    void *p = xrealloc_array(*data, ncap, elem);
    if (!p)
        return false;
    *data = p;
    *cap = ncap;
    return true;
}

/* --------------------------------------------------------- string builder */

void sb_init(StrBuf *sb) { memset(sb, 0, sizeof *sb); }

void sb_free(StrBuf *sb) {
    free(sb->data);
    memset(sb, 0, sizeof *sb);
}

static bool sb_reserve(StrBuf *sb, size_t extra) {
    if (sb->oom)
        return false;
    if (sb->len + extra + 1 <= sb->cap)
        return true;
    if (extra > SIZE_MAX / 2 - sb->len) {
        sb->oom = true;
        return false;
    }
    size_t ncap = sb->cap ? sb->cap : 64;
    while (ncap < sb->len + extra + 1)
        ncap *= 2;
    char *p = realloc(sb->data, ncap);
    if (!p) {
        sb->oom = true;
        return false;
    }
    sb->data = p;
    sb->cap = ncap;
    return true;
}

void sb_putn(StrBuf *sb, const char *s, size_t n) {
    if (!sb_reserve(sb, n))
        return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}

void sb_putc(StrBuf *sb, char c) { sb_putn(sb, &c, 1); }

void sb_puts(StrBuf *sb, const char *s) { sb_putn(sb, s, strlen(s)); }

void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !sb_reserve(sb, (size_t)n)) {
        sb->oom = true;
        return;
    }
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sb_printf(StrBuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

void sb_indent(StrBuf *sb, int spaces) {
    for (int i = 0; i < spaces; i++)
        sb_putc(sb, ' ');
}

void sb_truncate(StrBuf *sb, size_t len) {
    if (len < sb->len) {
        sb->len = len;
        sb->data[len] = 0;
    }
}

char *sb_finish(StrBuf *sb) {
    if (sb->oom) {
        sb_free(sb);
        return NULL;
    }
    char *r = sb->data ? sb->data : xstrdup("");
    memset(sb, 0, sizeof *sb);
    return r;
}

const char *sb_cstr(StrBuf *sb) { return sb->data ? sb->data : ""; }

/* ------------------------------------------------------------ hash maps */

uint64_t hash_u64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

uint64_t hash_bytes(const void *p, size_t n) {
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return hash_u64(h);
}

static uint64_t hmap_hash(const HMap *m, const void *key) {
    uint64_t h = m->str_keys ? hash_bytes(key, strlen(key)) : hash_u64((uint64_t)(uintptr_t)key);
    return h ? h : 1;
}

static bool hmap_key_eq(const HMap *m, const void *a, const void *b) {
    return m->str_keys ? strcmp(a, b) == 0 : a == b;
}

void hmap_init_str(HMap *m) {
    memset(m, 0, sizeof *m);
    m->str_keys = true;
}

void hmap_init_ptr(HMap *m) { memset(m, 0, sizeof *m); }

void hmap_free(HMap *m) {
    if (m->str_keys)
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].hash)
                free((void *)m->slots[i].key);
    free(m->slots);
    bool s = m->str_keys;
    memset(m, 0, sizeof *m);
    m->str_keys = s;
}

static HMapSlot *hmap_find(const HMap *m, const void *key, uint64_t h) {
    if (!m->cap)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        HMapSlot *s = &m->slots[i];
        if (!s->hash)
            return NULL;
        if (s->hash == h && hmap_key_eq(m, s->key, key))
            return s;
    }
}

void *hmap_get(const HMap *m, const void *key) {
    HMapSlot *s = hmap_find(m, key, hmap_hash(m, key));
    return s ? s->value : NULL;
}

bool hmap_has(const HMap *m, const void *key) {
    return hmap_find(m, key, hmap_hash(m, key)) != NULL;
}

static void hmap_insert_slot(HMapSlot *slots, size_t cap, HMapSlot s) {
    size_t mask = cap - 1;
    size_t i = s.hash & mask;
    while (slots[i].hash)
        i = (i + 1) & mask;
    slots[i] = s;
}

static bool hmap_grow(HMap *m) {
    size_t ncap = m->cap ? m->cap * 2 : 16;
    HMapSlot *ns = xcalloc(ncap, sizeof *ns);
    if (!ns)
        return false;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].hash)
            hmap_insert_slot(ns, ncap, m->slots[i]);
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return true;
}

bool hmap_put(HMap *m, const void *key, void *value) {
    uint64_t h = hmap_hash(m, key);
    HMapSlot *s = hmap_find(m, key, h);
    if (s) {
        s->value = value;
        return true;
    }
    if ((m->len + 1) * 4 > m->cap * 3 && !hmap_grow(m))
        return false;
    const void *k = key;
    if (m->str_keys && !(k = xstrdup(key)))
        return false;
    hmap_insert_slot(m->slots, m->cap, (HMapSlot){h, k, value});
    m->len++;
    return true;
}

bool hmap_remove(HMap *m, const void *key) {
    uint64_t h = hmap_hash(m, key);
    HMapSlot *s = hmap_find(m, key, h);
    if (!s)
        return false;
    if (m->str_keys)
        free((void *)s->key);
    size_t mask = m->cap - 1;
    size_t i = (size_t)(s - m->slots);
    m->slots[i].hash = 0;
    m->len--;
    /* Re-insert the rest of the cluster so probing stays correct. */
    for (size_t j = (i + 1) & mask; m->slots[j].hash; j = (j + 1) & mask) {
        HMapSlot t = m->slots[j];
        m->slots[j].hash = 0;
        hmap_insert_slot(m->slots, m->cap, t);
    }
    return true;
}

bool hmap_next(const HMap *m, size_t *iter, const void **key, void **value) {
    while (*iter < m->cap) {
        HMapSlot *s = &m->slots[(*iter)++];
        if (s->hash) {
            if (key)
                *key = s->key;
            if (value)
                *value = s->value;
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------ number formatting */

int fmt_double_torch(char *buf, size_t n, double d) {
    int c = fpclassify(d);
    if ((c == FP_NORMAL || c == FP_ZERO) && fabs(d) < 1e10) {
        int64_t i = (int64_t)d;
        if ((double)i == d) {
            if (i == 0 && signbit(d))
                return snprintf(buf, n, "-0.");
            return snprintf(buf, n, "%lld.", (long long)i);
        }
    }
    return snprintf(buf, n, "%.17g", d);
}

int fmt_double_g6(char *buf, size_t n, double d) { return snprintf(buf, n, "%g", d); }

/* ------------------------------------------------------------- file I/O */

int read_file(const char *path, char **data, size_t *len, Err *err) {
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(err, TSI_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    StrBuf sb;
    sb_init(&sb);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_putn(&sb, chunk, got);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        sb_free(&sb);
        return err_set(err, TSI_ERR_IO, "%s: read error", path);
    }
    *len = sb.len;
    *data = sb_finish(&sb);
    if (!*data)
        return err_set(err, TSI_ERR_NOMEM, "%s: out of memory reading file", path);
    return TSI_OK;
}

int write_file(const char *path, const void *data, size_t len, Err *err) {
    FILE *f = fopen(path, "wb");
    if (!f)
        return err_set(err, TSI_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    size_t put = fwrite(data, 1, len, f);
    int rc = fclose(f);
    if (put != len || rc != 0)
        return err_set(err, TSI_ERR_IO, "%s: write error", path);
    return TSI_OK;
}
