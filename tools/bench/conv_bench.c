/*
 * conv_bench: times tsi's convolution kernel on one layer shape.
 *
 *   conv_bench N C H W O KH KW STRIDE PAD GROUPS ITERS [THREADS]
 *
 * Prints the best (minimum) milliseconds per call over ITERS calls. tools/bench/conv_bench.py runs
 * it next to torch on the same shapes and prints the ratios.
 */
#include "kernels/kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void fill(Tensor *t, unsigned seed) {
    float *p = tensor_data(t);
    int64_t n = tensor_numel(t);
    for (int64_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
    }
}

int main(int argc, char **argv) {
    if (argc < 12) {
        fprintf(stderr, "usage: conv_bench N C H W O KH KW STRIDE PAD GROUPS ITERS [THREADS]\n");
        return 2;
    }
    int64_t v[11];
    for (int i = 0; i < 11; i++)
        v[i] = strtoll(argv[i + 1], NULL, 10);
    int threads = argc > 12 ? atoi(argv[12]) : 1;
    kern_set_num_threads(threads);
    int64_t N = v[0], C = v[1], H = v[2], W = v[3], O = v[4], KH = v[5], KW = v[6];
    int64_t stride = v[7], pad = v[8], groups = v[9], iters = v[10];
    Err err = {0};
    int64_t xs[4] = {N, C, H, W}, ws[4] = {O, C / groups, KH, KW}, bs[1] = {O};
    Tensor *x = tensor_empty(TSI_DTYPE_FLOAT32, 4, xs, &err);
    Tensor *w = tensor_empty(TSI_DTYPE_FLOAT32, 4, ws, &err);
    Tensor *b = tensor_empty(TSI_DTYPE_FLOAT32, 1, bs, &err);
    if (!x || !w || !b) {
        fprintf(stderr, "alloc failed\n");
        return 1;
    }
    fill(x, 1);
    fill(w, 2);
    fill(b, 3);
    ConvArgs a = {.stride = &stride, .nstride = 1, .padding = &pad, .npadding = 1, .groups = groups};
    double *t = calloc((size_t)iters, sizeof *t);
    for (int64_t i = -3; i < iters; i++) { /* 3 warm-up calls */
        double t0 = now_ms();
        Tensor *y = kern_conv(x, w, b, &a, 2, &err);
        double t1 = now_ms();
        if (!y) {
            fprintf(stderr, "error: %s\n", err.msg);
            return 1;
        }
        tensor_release(y);
        if (i >= 0)
            t[i] = t1 - t0;
    }
    qsort(t, (size_t)iters, sizeof *t, cmp_double);
    printf("%.4f\n", t[0]); /* best of ITERS: robust on a loaded machine */
    free(t);
    tensor_release(x);
    tensor_release(w);
    tensor_release(b);
    return 0;
}
