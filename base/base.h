/*
 * base: the bottom layer every other module builds on.
 *
 * Errors as values (Err), arenas (Arena), growable arrays (VEC_*), string
 * builders (StrBuf), an open-addressing hash map (HMap) and the number
 * formatting that torch's printers use. Nothing here knows about tensors or
 * graphs. Nothing here prints, exits or aborts.
 */
#ifndef TSI_BASE_H
#define TSI_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSI_MUST_CHECK __attribute__((warn_unused_result))
#define TSI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TSI_UNUSED(x) ((void)(x))
#define TSI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- errors */

/* Status codes. 0 is success; the public header mirrors these values. */
enum {
    TSI_OK = 0,
    TSI_ERR_NOMEM = 1,    /* an allocation failed or exceeded a limit */
    TSI_ERR_IO = 2,       /* a file could not be read or written */
    TSI_ERR_FORMAT = 3,   /* malformed input bytes or text */
    TSI_ERR_TYPE = 4,     /* a value has the wrong type */
    TSI_ERR_VALUE = 5,    /* a value is out of its domain (shape, dtype, ...) */
    TSI_ERR_INDEX = 6,    /* an index is out of range */
    TSI_ERR_RUNTIME = 7,  /* a model raised or an op failed at run time */
    TSI_ERR_UNSUPPORTED = 8, /* valid input that tsi does not handle yet */
    TSI_ERR_USAGE = 9,    /* the caller misused an API */
    TSI_ERR_LIMIT = 10,   /* a safety bound (depth, size, steps) was hit */
};

/*
 * An error: a status code and an owned message. The message names the place
 * (file, record, line:col) as far as the raising code knows it; outer layers
 * add context with err_prefix. In debug builds the C file and line that
 * raised it are kept too.
 */
typedef struct Err {
    int code;
    char *msg;          /* owned; NULL when code == TSI_OK */
    const char *c_file; /* raising C file (debug aid) */
    int c_line;
} Err;

/* Set the error (replacing any earlier one) and return code. err may be NULL. */
int err_set_at(Err *err, int code, const char *c_file, int c_line,
               const char *fmt, ...) TSI_PRINTF(5, 6);
int err_vset_at(Err *err, int code, const char *c_file, int c_line,
                const char *fmt, va_list ap);
#define err_set(err, code, ...) err_set_at((err), (code), __FILE__, __LINE__, __VA_ARGS__)
/* Prepend "<context>: " to the message of a set error; returns its code. */
int err_prefix(Err *err, const char *fmt, ...) TSI_PRINTF(2, 3);
/* Append text to the message of a set error; returns its code. */
int err_append(Err *err, const char *fmt, ...) TSI_PRINTF(2, 3);
void err_clear(Err *err);
/* Move src into dst (dst is cleared first, src left empty). */
void err_move(Err *dst, Err *src);
#define err_nomem(err) err_set((err), TSI_ERR_NOMEM, "out of memory")

/* ------------------------------------------------------------ allocation */

/* malloc/calloc/realloc that fail on size overflow instead of wrapping. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
void *xrealloc_array(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* a * b, or false on overflow. */
bool mul_overflows(size_t a, size_t b, size_t *out);
bool mul_i64_overflows(int64_t a, int64_t b, int64_t *out);
bool add_i64_overflows(int64_t a, int64_t b, int64_t *out);

/* -------------------------------------------------------------- arenas */

/*
 * A bump allocator. Everything allocated from an arena dies with it; there is
 * no per-object free. Allocation returns NULL only when malloc fails.
 */
typedef struct ArenaChunk ArenaChunk;
typedef struct Arena {
    ArenaChunk *head;
    size_t used_total;
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t n);         /* 16-byte aligned, zeroed */
void *arena_alloc_array(Arena *a, size_t count, size_t size);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_sprintf(Arena *a, const char *fmt, ...) TSI_PRINTF(2, 3);

/* -------------------------------------------------------- growable arrays */

/*
 * VEC(T) declares an anonymous struct { T *data; size_t len, cap; }.
 * vec_push returns false when growth fails (the vector is unchanged).
 */
#define VEC(T)                                                                 \
    struct {                                                                   \
        T *data;                                                               \
        size_t len, cap;                                                       \
    }
bool vec_grow_(void **data, size_t *cap, size_t need, size_t elem);
#define vec_reserve(v, n)                                                      \
    ((n) <= (v)->cap || vec_grow_((void **)&(v)->data, &(v)->cap, (n), sizeof(*(v)->data)))
#define vec_push(v, x)                                                         \
    (vec_reserve((v), (v)->len + 1) ? ((v)->data[(v)->len++] = (x), true) : false)
#define vec_free(v) (free((v)->data), (v)->data = NULL, (v)->len = (v)->cap = 0)
#define vec_last(v) ((v)->data[(v)->len - 1])

/* --------------------------------------------------------- string builder */

/* A growable NUL-terminated string. On allocation failure `oom` is set and
 * further appends are ignored; check it (or sb_finish) at the end. */
typedef struct StrBuf {
    char *data;
    size_t len, cap;
    bool oom;
} StrBuf;

void sb_init(StrBuf *sb);
void sb_free(StrBuf *sb);
void sb_putc(StrBuf *sb, char c);
void sb_puts(StrBuf *sb, const char *s);
void sb_putn(StrBuf *sb, const char *s, size_t n);
void sb_printf(StrBuf *sb, const char *fmt, ...) TSI_PRINTF(2, 3);
void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap);
void sb_indent(StrBuf *sb, int spaces);
void sb_truncate(StrBuf *sb, size_t len);
/* Return the owned string (caller frees) or NULL if any append failed. */
char *sb_finish(StrBuf *sb);
const char *sb_cstr(StrBuf *sb); /* borrowed; "" when empty */

/* ------------------------------------------------------------ hash maps */

/*
 * Open-addressing map from a key to a void* value. Keys are either C strings
 * (copied into the map) or opaque pointer-sized integers, chosen at init.
 */
typedef struct HMapSlot {
    uint64_t hash; /* 0 = empty */
    const void *key;
    void *value;
} HMapSlot;

typedef struct HMap {
    HMapSlot *slots;
    size_t cap, len;
    bool str_keys;
} HMap;

void hmap_init_str(HMap *m);
void hmap_init_ptr(HMap *m);
void hmap_free(HMap *m);
void *hmap_get(const HMap *m, const void *key);
bool hmap_has(const HMap *m, const void *key);
/* Insert or replace; false on allocation failure. */
TSI_MUST_CHECK bool hmap_put(HMap *m, const void *key, void *value);
bool hmap_remove(HMap *m, const void *key);
/* Iterate: for (size_t i = 0; hmap_next(m, &i, &k, &v);) */
bool hmap_next(const HMap *m, size_t *iter, const void **key, void **value);

uint64_t hash_bytes(const void *p, size_t n);
uint64_t hash_u64(uint64_t x);
static inline uint64_t hash_combine(uint64_t a, uint64_t b) {
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
}

/* ------------------------------------------------------ number formatting */

/*
 * Format a double the way torch's IValue printer does (used by graph text,
 * code and constants): integral finite values with |d| < 1e10 as "2." /
 * "-0."; otherwise %.17g-style shortest-faithful output as C++ streams with
 * precision 17 print it ("0.10000000000000001", "1e+20"), "inf", "-inf",
 * "nan". Writes at most n bytes including NUL; returns the length.
 */
int fmt_double_torch(char *buf, size_t n, double d);
/* Format a double as C++ `std::ostream << d` with default precision 6 (%g). */
int fmt_double_g6(char *buf, size_t n, double d);

/* Read a whole file. On success *data is owned (NUL-terminated), *len set. */
TSI_MUST_CHECK int read_file(const char *path, char **data, size_t *len, Err *err);
TSI_MUST_CHECK int write_file(const char *path, const void *data, size_t len, Err *err);

#endif
