/*
 * gemm_bench: kern_matmul against a direct cblas_sgemm on the same float32
 * buffers and thread count. Runs alternate between the two so machine
 * noise hits both alike; prints the median of each and their ratio.
 *
 *   gemm_bench [-n SIZE] [-t THREADS[,THREADS...]] [-r RUNS] [--transposed]
 *
 * --transposed passes B as a transposed view (kern_matmul must hand it to
 * BLAS as a transposed operand, not copy it); the direct call then uses
 * CblasTrans on the same buffer.
 */
#include "kernels/kernels.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fill_random(Tensor *t, unsigned seed) {
    float *p = tensor_data(t);
    uint32_t s = seed;
    for (int64_t i = 0, n = tensor_numel(t); i < n; i++) {
        s = s * 1664525u + 1013904223u;
        p[i] = (float)(s >> 8) / (float)(1u << 24) - 0.5f;
    }
}

static int usage(void) {
    fprintf(stderr, "usage: gemm_bench [-n SIZE] [-t THREADS[,THREADS...]] [-r RUNS] "
                    "[--transposed]\n");
    return 2;
}

/* One thread count: returns 0, or 1 on a kernel error. */
static int bench(int64_t n, int threads, int runs, bool transposed, const Tensor *a,
                 const Tensor *b_store, const Tensor *b) {
    Err err = {0};
    kern_set_num_threads(threads);
    openblas_set_num_threads(threads);
    float *c = calloc((size_t)(n * n), sizeof(float));
    double *tk = calloc((size_t)runs, sizeof(double)), *tb = calloc((size_t)runs, sizeof(double));
    const float *pa = tensor_data(a), *pb = tensor_data(b_store);
    int rc = 0;
    for (int i = -2; i < runs && !rc; i++) { /* two warm-up rounds */
        double t0 = now_ms();
        Tensor *r = kern_matmul(a, b, &err);
        double t1 = now_ms();
        if (!r) {
            fprintf(stderr, "kern_matmul: %s\n", err.msg);
            rc = 1;
            break;
        }
        tensor_release(r);
        /* the same thread count as kern_matmul just used */
        double t2 = now_ms();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposed ? CblasTrans : CblasNoTrans, (int)n,
                    (int)n, (int)n, 1.0f, pa, (int)n, pb, (int)n, 0.0f, c, (int)n);
        double t3 = now_ms();
        if (i >= 0) {
            tk[i] = t1 - t0;
            tb[i] = t3 - t2;
        }
    }
    if (!rc) {
        double mk = median(tk, runs), mb = median(tb, runs);
        double gflop = 2.0 * (double)n * (double)n * (double)n / 1e9;
        printf("threads=%d  kern_matmul %8.3f ms (%6.1f GFLOP/s)  cblas_sgemm %8.3f ms (%6.1f "
               "GFLOP/s)  ratio %.3f\n",
               threads, mk, gflop / (mk / 1e3), mb, gflop / (mb / 1e3), mk / mb);
    }
    err_clear(&err);
    free(c);
    free(tk);
    free(tb);
    return rc;
}

int main(int argc, char **argv) {
    int64_t n = 1024;
    int runs = 21;
    bool transposed = false;
    const char *threads = "1,2";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            n = atoll(argv[++i]);
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            threads = argv[++i];
        else if (!strcmp(argv[i], "-r") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--transposed"))
            transposed = true;
        else
            return usage();
    }
    if (n <= 0 || runs <= 0)
        return usage();
    Err err = {0};
    int64_t sizes[2] = {n, n};
    Tensor *a = tensor_empty(TSI_DTYPE_FLOAT32, 2, sizes, &err);
    Tensor *bs = tensor_empty(TSI_DTYPE_FLOAT32, 2, sizes, &err);
    if (!a || !bs) {
        fprintf(stderr, "allocation failed\n");
        return 1;
    }
    fill_random(a, 1);
    fill_random(bs, 2);
    /* B itself, or the transposed view of its storage */
    int64_t tstrides[2] = {1, n};
    Tensor *b = transposed ? tensor_make_view(bs, 2, sizes, tstrides, 0, &err) : bs;
    if (transposed)
        tensor_retain(bs);
    printf("%lldx%lld float32 matmul%s, median of %d runs\n", (long long)n, (long long)n,
           transposed ? " (B transposed view)" : "", runs);
    int rc = 0;
    for (const char *p = threads; *p && !rc;) {
        int t = atoi(p);
        if (t <= 0)
            return usage();
        rc = bench(n, t, runs, transposed, a, bs, b);
        p = strchr(p, ',');
        if (!p)
            break;
        p++;
    }
    tensor_release(a);
    tensor_release(b);
    tensor_release(bs);
    return rc;
}
