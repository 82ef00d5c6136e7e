/*
 * conv_impl.h: the float32/float64 convolution loops, instantiated twice by
 * conv.c with T (scalar type) and SFX (name suffix) defined. Geometry is
 * always 3 spatial dims (D, H, W); 1-D and 2-D convolutions use size-1
 * leading dims, which cost only outer-loop iterations.
 *
 * "Image" is the big spatial grid and "columns" the grid of kernel
 * positions: img_pos = col_pos * stride - pad + k * dilation. For a forward
 * convolution the image is the input and the columns the output; for a
 * transposed one it is the other way round.
 */
#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(name, SFX)

/* First and one-past-last column index c with 0 <= c*s + off < n. */
static inline void FN(valid_range)(int64_t off, int64_t s, int64_t n, int64_t ncol, int64_t *lo,
                                   int64_t *hi) {
    int64_t a = off >= 0 ? 0 : (-off + s - 1) / s;
    int64_t b = n - 1 - off >= 0 ? (n - 1 - off) / s + 1 : 0;
    if (b > ncol)
        b = ncol;
    if (a > b)
        a = b;
    *lo = a;
    *hi = b;
}

/* col (C*K, P) <- patches of img (C, isz) for column rows [oh0, oh1) of a
 * geometry with one depth slice (oh1 < 0: everything). */
static void FN(im2col)(const T *img, int64_t C, const ConvGeomCore *g, T *col, int64_t oh0,
                       int64_t oh1) {
    const int64_t *isz = g->img, *ksz = g->k;
    int64_t csz[3] = {g->col[0], g->col[1], g->col[2]};
    if (oh1 < 0)
        oh0 = 0, oh1 = csz[1];
    int64_t K = ksz[0] * ksz[1] * ksz[2], P = csz[0] * (oh1 - oh0) * csz[2];
    int64_t plane = isz[0] * isz[1] * isz[2];
    int64_t rows = C * K;
    int nt = nn_threads_for(rows * P);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t r = 0; r < rows; r++) {
        int64_t c = r / K, kk = r % K;
        int64_t kd = kk / (ksz[1] * ksz[2]), kh = kk / ksz[2] % ksz[1], kw = kk % ksz[2];
        T *dst = col + r * P;
        const T *src = img + c * plane;
        int64_t offw = kw * g->d[2] - g->plo[2];
        int64_t lo, hi;
        FN(valid_range)(offw, g->s[2], isz[2], csz[2], &lo, &hi);
        for (int64_t od = 0; od < csz[0]; od++) {
            int64_t id = od * g->s[0] - g->plo[0] + kd * g->d[0];
            for (int64_t oh = oh0; oh < oh1; oh++, dst += csz[2]) {
                int64_t ih = oh * g->s[1] - g->plo[1] + kh * g->d[1];
                if (id < 0 || id >= isz[0] || ih < 0 || ih >= isz[1]) {
                    memset(dst, 0, (size_t)csz[2] * sizeof(T));
                    continue;
                }
                const T *row = src + (id * isz[1] + ih) * isz[2];
                if (lo > 0)
                    memset(dst, 0, (size_t)lo * sizeof(T));
                if (g->s[2] == 1) {
                    if (hi > lo)
                        memcpy(dst + lo, row + lo + offw, (size_t)(hi - lo) * sizeof(T));
                } else {
                    int64_t s = g->s[2];
                    for (int64_t ow = lo; ow < hi; ow++)
                        dst[ow] = row[ow * s + offw];
                }
                if (hi < csz[2])
                    memset(dst + hi, 0, (size_t)(csz[2] - hi) * sizeof(T));
            }
        }
    }
}

/* img (C, isz) += scatter of col (C*K, P); channels in parallel, since the
 * K rows of one channel write the same plane. */
static void FN(col2im)(const T *col, int64_t C, const ConvGeomCore *g, T *img) {
    const int64_t *isz = g->img, *ksz = g->k, *csz = g->col;
    int64_t K = ksz[0] * ksz[1] * ksz[2], P = csz[0] * csz[1] * csz[2];
    int64_t plane = isz[0] * isz[1] * isz[2];
    int nt = nn_threads_for(C * K * P);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int64_t c = 0; c < C; c++) {
        T *dstp = img + c * plane;
        for (int64_t kk = 0; kk < K; kk++) {
            int64_t kd = kk / (ksz[1] * ksz[2]), kh = kk / ksz[2] % ksz[1], kw = kk % ksz[2];
            const T *src = col + (c * K + kk) * P;
            int64_t offw = kw * g->d[2] - g->plo[2];
            int64_t lo, hi;
            FN(valid_range)(offw, g->s[2], isz[2], csz[2], &lo, &hi);
            for (int64_t od = 0; od < csz[0]; od++) {
                int64_t id = od * g->s[0] - g->plo[0] + kd * g->d[0];
                for (int64_t oh = 0; oh < csz[1]; oh++, src += csz[2]) {
                    int64_t ih = oh * g->s[1] - g->plo[1] + kh * g->d[1];
                    if (id < 0 || id >= isz[0] || ih < 0 || ih >= isz[1])
                        continue;
                    T *row = dstp + (id * isz[1] + ih) * isz[2];
                    int64_t s = g->s[2];
                    for (int64_t ow = lo; ow < hi; ow++)
                        row[ow * s + offw] += src[ow];
                }
            }
        }
    }
}

/*
 * One output plane of a depthwise 2-D convolution: out (OH, OW) =
 * bias + sum_k w[k] * window of in (H, W). The plane is first copied into a
 * zero-padded buffer `pad`, split by column phase when the stride is > 1
 * (phase q holds padded columns q, q+sw, ...), so every kernel tap reads a
 * contiguous run: no bounds checks and no strided gathers in the hot loop.
 */
NN_MULTIVERSION
static void FN(dw_plane)(const T *in, const T *wk, T bias, T *out, const ConvGeomCore *g,
                         T *pad) {
    int64_t H = g->img[1], W = g->img[2], OH = g->col[1], OW = g->col[2];
    int64_t KH = g->k[1], KW = g->k[2], sh = g->s[1], sw = g->s[2], dh = g->d[1], dw = g->d[2];
    int64_t PH = H + g->plo[1] + g->phi[1], PW = W + g->plo[2] + g->phi[2];
    int64_t PWs = (PW + sw - 1) / sw, phase_sz = PH * PWs;
    memset(pad, 0, (size_t)(sw * phase_sz) * sizeof(T));
    if (sw == 1) {
        for (int64_t h = 0; h < H; h++)
            memcpy(pad + (h + g->plo[1]) * PW + g->plo[2], in + h * W, (size_t)W * sizeof(T));
    } else {
        for (int64_t q = 0; q < sw; q++)
            for (int64_t h = 0; h < H; h++) {
                /* padded column q + k*sw holds input column q + k*sw - plo */
                T *dst = pad + q * phase_sz + (h + g->plo[1]) * PWs;
                const T *src = in + h * W;
                int64_t w = q - g->plo[2];
                for (int64_t k = 0; k < PWs && w < W; k++, w += sw)
                    if (w >= 0)
                        dst[k] = src[w];
            }
    }
/* start of tap (i, j)'s run for output row oh */
#define TAP(i, j) (pad + ((j) * dw % sw) * phase_sz + (oh * sh + (i) * dh) * PWs + (j) * dw / sw)
    if (KH == 3 && KW == 3) {
        /* the common case: all nine taps in one expression per column, so
         * the sum never leaves a register */
        T w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3], w4 = wk[4], w5 = wk[5], w6 = wk[6],
          w7 = wk[7], w8 = wk[8];
        for (int64_t oh = 0; oh < OH; oh++) {
            T *orow = out + oh * OW;
            const T *p0 = TAP(0, 0), *p1 = TAP(0, 1), *p2 = TAP(0, 2), *p3 = TAP(1, 0),
                    *p4 = TAP(1, 1), *p5 = TAP(1, 2), *p6 = TAP(2, 0), *p7 = TAP(2, 1),
                    *p8 = TAP(2, 2);
#pragma omp simd
            for (int64_t ow = 0; ow < OW; ow++)
                orow[ow] = bias + w0 * p0[ow] + w1 * p1[ow] + w2 * p2[ow] + w3 * p3[ow] +
                           w4 * p4[ow] + w5 * p5[ow] + w6 * p6[ow] + w7 * p7[ow] + w8 * p8[ow];
        }
        return;
    }
    /* any other kernel: one axpy over the output row per tap */
    for (int64_t oh = 0; oh < OH; oh++) {
        T *orow = out + oh * OW;
#pragma omp simd
        for (int64_t ow = 0; ow < OW; ow++)
            orow[ow] = bias;
        for (int64_t i = 0; i < KH; i++)
            for (int64_t j = 0; j < KW; j++) {
                const T *src = TAP(i, j);
                T wv = wk[i * KW + j];
#pragma omp simd
                for (int64_t ow = 0; ow < OW; ow++)
                    orow[ow] += wv * src[ow];
            }
    }
#undef TAP
}

static void FN(fill_bias)(T *y, int64_t O, int64_t P, const T *bias) {
    for (int64_t o = 0; o < O; o++) {
        T b = bias ? bias[o] : (T)0;
        T *p = y + o * P;
        for (int64_t i = 0; i < P; i++)
            p[i] = b;
    }
}

/* x, w, bias contiguous of type T; y contiguous, written whole. */
static int FN(conv_fast)(const ConvGeom *G, const T *x, const T *w, const T *bias, T *y,
                         DType dt, Err *err) {
    const ConvGeomCore *g = &G->core;
    int64_t Pimg = g->img[0] * g->img[1] * g->img[2];
    int64_t Pcol = g->col[0] * g->col[1] * g->col[2];
    int64_t K = g->k[0] * g->k[1] * g->k[2];
    bool unit = K == 1 && g->s[0] == 1 && g->s[1] == 1 && g->s[2] == 1 && g->plo[0] == 0 &&
                g->plo[1] == 0 && g->plo[2] == 0 && g->phi[0] == 0 && g->phi[1] == 0 &&
                g->phi[2] == 0;
    if (!G->transposed) {
        int64_t Pin = Pimg, Pout = Pcol;
        if (G->Cg == 1 && G->G > 1 && g->k[0] == 1 && g->img[0] == 1) {
            /* depthwise (channel multiplier Og): one plane per output channel */
            int64_t planes = G->N * G->O;
            int64_t sw = g->s[2], pw = g->img[2] + g->plo[2] + g->phi[2];
            int64_t padsz = sw * (g->img[1] + g->plo[1] + g->phi[1]) * ((pw + sw - 1) / sw) + 16;
            int nt = nn_threads_for(planes * Pout * K);
            int failed = 0;
#pragma omp parallel num_threads(nt) if (nt > 1)
            {
                /* one padded-plane buffer per thread, from its own scratch */
                T *pad = nn_scratch((size_t)padsz * sizeof(T));
                if (!pad) {
#pragma omp atomic write
                    failed = 1;
                }
#pragma omp for schedule(static)
                for (int64_t i = 0; i < planes; i++) {
                    if (!pad)
                        continue;
                    int64_t n = i / G->O, o = i % G->O;
                    FN(dw_plane)(x + (n * G->C + o / G->Og) * Pin, w + o * K,
                                 bias ? bias[o] : (T)0, y + i * Pout, g, pad);
                }
            }
            if (failed)
                return err_set(err, TSI_ERR_NOMEM, "out of memory (convolution buffer)");
            return TSI_OK;
        }
        T *col = NULL;
        if (!unit) {
            col = nn_scratch((size_t)(G->Cg * K * Pout) * sizeof(T));
            if (!col && G->Cg * K * Pout > 0)
                return err_set(err, TSI_ERR_NOMEM, "out of memory (convolution buffer)");
        }
        /* Column blocks of whole output rows sized so the im2col block stays
         * in L2 while the GEMM packs it (2-D geometry; 3-D: one block). */
        int64_t OW = g->col[2], OHt = g->col[1], rows_blk = OHt;
        if (!unit && g->col[0] == 1 && OW > 0) {
            int64_t per_row = G->Cg * K * OW * (int64_t)sizeof(T);
            rows_blk = per_row > 0 ? (int64_t)(512 * 1024) / per_row : OHt;
            if (rows_blk * OW < 256)
                rows_blk = (256 + OW - 1) / OW;
            if (rows_blk < 1)
                rows_blk = 1;
            if (rows_blk > OHt)
                rows_blk = OHt;
        }
        for (int64_t n = 0; n < G->N; n++) {
            const T *xn = x + n * G->C * Pin;
            T *yn = y + n * G->O * Pout;
            FN(fill_bias)(yn, G->O, Pout, bias);
            for (int64_t gi = 0; gi < G->G; gi++) {
                const T *xg = xn + gi * G->Cg * Pin;
                T *yg = yn + gi * G->Og * Pout;
                const T *wg = w + gi * G->Og * G->Cg * K;
                if (unit) {
                    /* (Og, P) += W_g (Og, Cg) . x_g (Cg, P) */
                    nn_gemm(dt, false, false, G->Og, Pout, G->Cg, 1.0, wg, G->Cg, xg, Pout, 1.0, yg,
                            Pout);
                    continue;
                }
                if (g->col[0] != 1) {
                    FN(im2col)(xg, G->Cg, g, col, 0, -1);
                    nn_gemm(dt, false, false, G->Og, Pout, G->Cg * K, 1.0, wg, G->Cg * K, col, Pout,
                            1.0, yg, Pout);
                    continue;
                }
                for (int64_t oh0 = 0; oh0 < OHt; oh0 += rows_blk) {
                    int64_t oh1 = oh0 + rows_blk < OHt ? oh0 + rows_blk : OHt;
                    int64_t pb = (oh1 - oh0) * OW;
                    FN(im2col)(xg, G->Cg, g, col, oh0, oh1);
                    /* (Og, pb) += W_g (Og, Cg*K) . cols (Cg*K, pb) */
                    nn_gemm(dt, false, false, G->Og, pb, G->Cg * K, 1.0, wg, G->Cg * K, col, pb,
                            1.0, yg + oh0 * OW, Pout);
                }
            }
        }
        return TSI_OK;
    }
    /* transposed: weight (C, Og, K...); image = output, columns = input */
    int64_t Pin = Pcol, Pout = Pimg, Cg = G->Cg;
    T *col = NULL;
    if (!unit) {
        col = nn_scratch((size_t)(G->Og * K * Pin) * sizeof(T));
        if (!col && G->Og * K * Pin > 0)
            return err_set(err, TSI_ERR_NOMEM, "out of memory (convolution buffer)");
    }
    for (int64_t n = 0; n < G->N; n++) {
        const T *xn = x + n * G->C * Pin;
        T *yn = y + n * G->O * Pout;
        FN(fill_bias)(yn, G->O, Pout, bias);
        for (int64_t gi = 0; gi < G->G; gi++) {
            const T *wg = w + gi * Cg * G->Og * K;
            if (unit) {
                nn_gemm(dt, true, false, G->Og, Pin, Cg, 1.0, wg, G->Og, xn + gi * Cg * Pin, Pin,
                        1.0, yn + gi * G->Og * Pout, Pout);
                continue;
            }
            /* cols (Og*K, Pin) = W_g^T (Og*K, Cg) . x_g (Cg, Pin) */
            nn_gemm(dt, true, false, G->Og * K, Pin, Cg, 1.0, wg, G->Og * K, xn + gi * Cg * Pin,
                    Pin, 0.0, col, Pin);
            FN(col2im)(col, G->Og, g, yn + gi * G->Og * Pout);
        }
    }
    return TSI_OK;
}

#undef FN
#undef CAT
#undef CAT_
