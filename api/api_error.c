/*
 * api_error.c: the public error object and version of the C API.
 */
#include "../include/tsi.h"
#include "../base/base.h"

#include <stdlib.h>
#include <string.h>

tsi_status api_error_out(Err *e, tsi_error **out);

struct tsi_error {
    Err err;
};

_Static_assert((int)TSI_STATUS_LIMIT == (int)TSI_ERR_LIMIT, "public and internal status codes agree");

TSI_API const char *tsi_version(void) { return "0.1.0"; }

TSI_API tsi_status tsi_error_status(const tsi_error *e) {
    return e ? (tsi_status)e->err.code : TSI_STATUS_OK;
}

TSI_API const char *tsi_error_message(const tsi_error *e) {
    if (!e)
        return "";
    return e->err.msg ? e->err.msg : "out of memory";
}

TSI_API void tsi_error_free(tsi_error *e) {
    if (!e)
        return;
    err_clear(&e->err);
    free(e);
}

/* Hand an internal error to the caller (if they asked for one); returns the
 * status. Used by every public function of api.c. */
tsi_status api_error_out(Err *e, tsi_error **out) {
    tsi_status st = (tsi_status)e->code;
    if (out) {
        *out = NULL;
        tsi_error *pe = malloc(sizeof *pe);
        if (pe) {
            pe->err = *e;
            memset(e, 0, sizeof *e);
            *out = pe;
        }
    }
    err_clear(e);
    return st;
}
