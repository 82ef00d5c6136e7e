/*
 * serialize: bytes in and out — NumPy .npy files, zip archives, the pickle
 * dialect of TorchScript, archive import/export and the code printer.
 *
 * This is the header other modules include.
 */
#ifndef TSI_SERIALIZE_H
#define TSI_SERIALIZE_H

#include "../ir/ir.h"

/* ------------------------------------------------------------- .npy */

/*
 * Read a .npy file (format versions 1-3, little or big endian, C or Fortran
 * order; dtypes b1 u1 i1 i2 i4 i8 f2 f4 f8). The result owns its memory;
 * Fortran-ordered data comes back as a column-major strided tensor. `name`
 * is used in error messages. Malformed input gives TSI_ERR_FORMAT naming
 * the problem and its byte offset.
 */
TSI_MUST_CHECK int npy_read_buffer(const void *data, size_t len, const char *name, Tensor **out,
                                   Err *err);
TSI_MUST_CHECK int npy_read_file(const char *path, Tensor **out, Err *err);

/* Write t as a C-ordered little-endian .npy (version 1, or 2 when the header
 * needs it). bfloat16 has no NumPy dtype and is refused. */
TSI_MUST_CHECK int npy_write_buffer(const Tensor *t, char **data, size_t *len, Err *err);
TSI_MUST_CHECK int npy_write_file(const char *path, const Tensor *t, Err *err);

/* ------------------------------------------------------------- zip */

/*
 * Read-only zip access for archives (zip.c, over libzip). Opening checks the
 * whole central directory: entry names (absolute paths, "." / "..",
 * control characters, backslashes and duplicates are refused), compression
 * (stored or deflated only, no encryption) and declared sizes against the
 * limits. Records are named relative to the archive prefix, the directory
 * of the first entry ("m/data.pkl" is record "data.pkl" of prefix "m").
 */
typedef struct ZipLimits {
    uint64_t max_record;  /* largest uncompressed record (default 16 GiB) */
    uint64_t max_ratio;   /* a compressed record may declare at most this many
                             times the archive size (default 1000; 0 = off) */
    uint64_t max_entries; /* default 2^20 */
} ZipLimits;

typedef struct ZipRecord {
    char *name;         /* full entry name */
    const char *rel;    /* name without "prefix/", NULL if outside the prefix */
    uint64_t size;      /* uncompressed bytes */
    uint64_t comp_size; /* bytes in the archive */
    bool deflated;      /* else stored */
    uint64_t index;     /* libzip entry index */
} ZipRecord;

typedef struct ZipReader ZipReader;

void zipr_default_limits(ZipLimits *lim);
/* lim NULL = defaults. The buffer is borrowed: it must stay valid and
 * unchanged until zipr_close. `name` labels messages. */
TSI_MUST_CHECK int zipr_open_buffer(const void *data, size_t len, const char *name,
                                    const ZipLimits *lim, ZipReader **out, Err *err);
TSI_MUST_CHECK int zipr_open_file(const char *path, const ZipLimits *lim, ZipReader **out,
                                  Err *err);
void zipr_close(ZipReader *z);
const char *zipr_name(const ZipReader *z);
const char *zipr_prefix(const ZipReader *z);
size_t zipr_count(const ZipReader *z);
const ZipRecord *zipr_record(const ZipReader *z, size_t i); /* central-directory order */
const ZipRecord *zipr_find(const ZipReader *z, const char *rel); /* NULL if absent */
/* Read a whole record into a new heap buffer (NUL-terminated beyond len).
 * max (0 = no limit beyond ZipLimits) refuses larger records. The CRC is
 * checked. */
TSI_MUST_CHECK int zipr_read(ZipReader *z, const ZipRecord *r, uint64_t max, char **data,
                             size_t *len, Err *err);
/* The record as a new heap Storage (always a copy). */
Storage *zipr_read_storage(ZipReader *z, const ZipRecord *r, Err *err);

/* ------------------------------------------------------ type annotations */

/*
 * Parse a Python-style type annotation as torch prints it
 * (Type::annotation_str): "List[str]", "Dict[str, Tensor]",
 * "Optional[int]", "Tuple[int, str]", "Tuple[()]", "Union[int, str]",
 * builtin names (Tensor int float complex bool str NoneType number Device
 * Any ...) and dotted class names, which go to `resolve` (NULL: an error).
 * Used for pickle type tags; the frontend can share it.
 */
typedef Type *(*TypeNameResolver)(void *ctx, const char *qualname, Err *err);
Type *pkl_parse_type_annotation(const char *s, size_t len, TypeNameResolver resolve, void *ctx,
                                Err *err);

/* ------------------------------------------------------------- pickle */

/*
 * The unpickler for torch's pickle dialect (unpickle.c): protocol 2, the
 * opcodes torch.jit.save and torch.save write, and a fixed set of torch
 * globals (tensors, typed lists, type tags, devices, complex numbers,
 * OrderedDict). Nothing is imported or called by name: class GLOBALs go to
 * the class hooks, everything else unknown is an error naming the global
 * or opcode and its byte offset. Limits bound nesting depth and total
 * allocation; containers may not be mutated once nested, so cycles cannot
 * be built.
 */

/* How a class GLOBAL is used. */
typedef enum PklClassUse {
    PKL_USE_NEWOBJ, /* GLOBAL () NEWOBJ ... BUILD: an object */
    PKL_USE_CALL,   /* GLOBAL value REDUCE: an enum member */
    PKL_USE_TYPE,   /* a name inside a restore_type_tag string */
} PklClassUse;

/* Map a qualified name ("__torch__.M") to a type: TY_CLASS for objects,
 * TY_ENUM for enum members, any type for type tags. NULL with err set
 * refuses the name. */
typedef Type *(*PklResolveClass)(void *ctx, const char *qualname, PklClassUse use, Err *err);
/* Fill a new object from its BUILD state (a dict of attributes, or the
 * __getstate__ result). NULL hook: pkl_default_set_state. */
typedef int (*PklSetState)(void *ctx, IvObject *obj, IValue state, Err *err);
/* The enum member whose value is `value` (borrowed); *out owned. NULL
 * hook: look the value up in the enum's members. */
typedef int (*PklEnumMember)(void *ctx, Type *enum_type, IValue value, IValue *out, Err *err);
/* The whole record `name` (relative to the archive prefix, "data/0") as a
 * new storage reference, or NULL with err set. */
typedef Storage *(*PklReadRecord)(void *ctx, const char *name, Err *err);

typedef struct PklClassHooks {
    PklResolveClass resolve; /* NULL: every class GLOBAL is refused */
    PklSetState set_state;
    PklEnumMember enum_member;
    void *ctx;
} PklClassHooks;

typedef struct PklOptions {
    const char *name;         /* pickle name for messages ("data.pkl") */
    const char *tensor_dir;   /* record directory of storages ("data/") */
    PklReadRecord read_record; /* NULL: persistent ids are refused */
    void *record_ctx;
    const PklClassHooks *classes; /* NULL: no classes */
    bool big_endian;          /* storages are big-endian (byteorder record) */
    int max_depth;            /* container nesting limit (default 10000) */
    uint64_t max_alloc;       /* bytes of strings, containers, storages (default 64 GiB) */
} PklOptions;

void pkl_default_options(PklOptions *o);

/* Unpickle one pickle. *out is the owned root value. */
TSI_MUST_CHECK int pkl_load(const void *data, size_t len, const PklOptions *opt, IValue *out,
                            Err *err);
/* Fill obj's slots from a dict state by attribute name (torch's object
 * loader without __setstate__); a missing attribute is an error. */
int pkl_default_set_state(IvObject *obj, IValue state, Err *err);
/* Does v fit type t? Checks builtin kinds exactly (int, float, str,
 * Tensor, lists/dicts by their stored types, tuples element-wise,
 * Optional, Union); classes, enums and Any accept anything. Used to check
 * type tags against the values they tag. */
bool pkl_value_fits(IValue v, Type *t);

/*
 * Placeholder class hooks until the code importer (#5) gives real classes:
 * one class per qualified name (only __torch__.* names are accepted) in
 * `cu`, its attributes named after the BUILD dict's keys in pickle order
 * (torch writes slots in slot order, so this matches until #5 takes the
 * order from the class body), typed by their first value; a non-dict
 * state is kept in a "__getstate__" slot; `training` marks a module. Enum
 * members are unnamed (names live in code/).
 */
typedef struct PklGenericClasses {
    CompilationUnit *cu; /* retained */
    HMap tentative;      /* classes only named in type tags so far */
} PklGenericClasses;
void pkl_generic_classes_init(PklGenericClasses *g, CompilationUnit *cu);
void pkl_generic_classes_free(PklGenericClasses *g);
void pkl_generic_class_hooks(PklGenericClasses *g, PklClassHooks *h);

/* ------------------------------------------------------------- archives */

typedef struct ArchiveOptions {
    ZipLimits zip;
    int max_depth;      /* pickle nesting limit (default 10000) */
    uint64_t max_alloc; /* per pickle (default 64 GiB) */
} ArchiveOptions;

/*
 * An opened .pt archive: torch.jit.save output (has code/) or a torch.save
 * zip pickle (no code/; data.pkl is then usually a dict of tensors).
 */
typedef struct Archive {
    ZipReader *zip;
    char *name;         /* file name (or caller's label) for messages */
    ArchiveOptions opt;
    int version;        /* format version from .data/version or version */
    bool has_code;      /* code/ records present: a TorchScript module */
    bool big_endian;    /* byteorder record says "big" */
    CompilationUnit *cu; /* classes of the generic hooks */
    IValue constants;   /* constants.pkl tuple (IV_INVALID if absent / not loaded) */
    IValue root;        /* data.pkl (IV_INVALID until archive_load) */
    PklGenericClasses generic; /* state of the generic class hooks */
} Archive;

void archive_default_options(ArchiveOptions *o);
/* Open and check the container: refuses the PYTORCH1 preview format,
 * legacy (non-zip) torch.save files, model.json archives, versions outside
 * 1-10, a missing data.pkl. The buffer is borrowed until archive_free. */
TSI_MUST_CHECK int archive_open_file(const char *path, const ArchiveOptions *opt, Archive **out,
                                     Err *err);
TSI_MUST_CHECK int archive_open_buffer(const void *data, size_t len, const char *name,
                                       const ArchiveOptions *opt, Archive **out, Err *err);
/* Unpickle constants.pkl then data.pkl into a->constants and a->root.
 * hooks NULL: the generic class hooks (pkl_generic_class_hooks on a->generic). */
TSI_MUST_CHECK int archive_load(Archive *a, const PklClassHooks *hooks, Err *err);
void archive_free(Archive *a);
/* The v1/v2 re-tagging step (torch's restoreAccurateTypeTags): archives
 * before format 3 have no type tags, so list and dict element types are
 * set from the static types of class attributes, walking the object
 * graph. With generic classes the static types are the untagged ones and
 * this changes nothing; #5's classes make it effective. */
void archive_restore_accurate_type_tags(IValue root, Type *type);
/* For untagged pickles (torch.save): give Any-typed lists and dicts the
 * unified type of their contents (Dict[str, Tensor] for a state dict). */
void archive_infer_container_types(IValue root);

#endif
