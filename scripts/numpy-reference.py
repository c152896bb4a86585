"""numpy (OpenBLAS) counterparts of scripts/time-kernels.mjs, for side-by-side medians.

Run single-threaded: OPENBLAS_NUM_THREADS=1 python3 scripts/numpy-reference.py [gemm|step|ntk]
The RK4 step integrates the network and its linearisation (function space, on K0) as the
kernels do, in place: per stage Z = X W^T, T = tanh Z, r = y - scale T a, S = 1 - T^2,
G = (scale/n) diag(a) (S o r)^T X, and r0 - K0 q / n.
"""
import sys
import time

import numpy as np


def timings(body, reps=9, min_s=0.2):
    """Median and minimum (ms) of `reps` timings after one warm-up, over at least min_s."""
    body()
    times = []
    start = time.perf_counter()
    while len(times) < reps or (time.perf_counter() - start < min_s and len(times) < 200):
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2] * 1e3, times[0] * 1e3


def show(label, t, flops=0):
    def rate(ms):
        return f', {flops / ms / 1e6:.1f} GFLOP/s' if flops else ''
    print(f'{label}: median {t[0]:.3f} ms{rate(t[0])}; best {t[1]:.3f} ms{rate(t[1])}')


def time_gemm(m, n, k, trans_a=False, trans_b=False):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((k, m) if trans_a else (m, k))
    b = rng.standard_normal((n, k) if trans_b else (k, n))
    opa = a.T if trans_a else a
    opb = b.T if trans_b else b
    op = ('T' if trans_a else 'N') + ('T' if trans_b else 'N')
    show(f'numpy gemm {op} {m}x{k} * {k}x{n}', timings(lambda: opa @ opb), 2 * m * n * k)


def time_step(n, d, m):
    """One RK4 step, written in place so that numpy allocates nothing per stage."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = rng.standard_normal(n)
    half = rng.standard_normal((m // 2, d))
    w = np.vstack([half, half])
    a = np.concatenate([np.ones(m // 2), -np.ones(m // 2)])
    scale = 4 / np.sqrt(m)
    s0 = 1 - np.tanh(x @ w.T) ** 2
    k0 = scale ** 2 * (s0 @ s0.T) * (x @ x.T)
    r0 = y.copy()
    q = np.zeros(n)
    dt = 1e-3
    z = np.empty((n, m))
    f = np.empty(n)
    r = np.empty(n)
    kw, accw, tmpw = np.empty((m, d)), np.empty((m, d)), np.empty((m, d))
    kq, accq, tmpq = np.empty(n), np.empty(n), np.empty(n)

    def field(w, q):
        np.matmul(x, w.T, out=z)
        np.tanh(z, out=z)
        np.matmul(z, a, out=f)
        np.subtract(y, scale * f, out=r)
        np.multiply(z, z, out=z)
        np.subtract(1.0, z, out=z)
        np.multiply(z, a, out=z)
        np.multiply(z, ((scale / n) * r)[:, None], out=z)
        np.matmul(z.T, x, out=kw)
        np.matmul(k0, q, out=kq)
        np.subtract(r0, kq / n, out=kq)

    def step():
        field(w, q)
        np.copyto(accw, kw)
        np.copyto(accq, kq)
        for offset, weight in ((0.5 * dt, 2.0), (0.5 * dt, 2.0), (dt, 1.0)):
            np.multiply(kw, offset, out=tmpw)
            np.add(tmpw, w, out=tmpw)
            np.multiply(kq, offset, out=tmpq)
            np.add(tmpq, q, out=tmpq)
            field(tmpw, tmpq)
            np.add(accw, weight * kw, out=accw)
            np.add(accq, weight * kq, out=accq)
        np.add(w, (dt / 6) * accw, out=w)
        np.add(q, (dt / 6) * accq, out=q)

    show(f'numpy rk4 step tanh n={n} d={d} M={m}', timings(step, 9, 0.5))


def time_ntk(n, d, m):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, d))
    s = rng.standard_normal((n, m))
    t = timings(lambda: 0.01 * (s @ s.T) * (x @ x.T), 5, 0.5)
    show(f'numpy ntk n={n} d={d} M={m} (n^2 (M + d) flops)', t, n * n * (m + d))


wanted = set(sys.argv[1:]) or {'gemm', 'step', 'ntk'}
if 'gemm' in wanted:
    for size in (256, 512, 1024):
        time_gemm(size, size, size)
    time_gemm(512, 4096, 32)
    time_gemm(1000, 2000, 20, trans_b=True)
    time_gemm(2000, 20, 1000, trans_a=True)
    time_gemm(256, 256, 256, True, True)
if 'step' in wanted:
    time_step(64, 5, 100)
    time_step(200, 10, 1000)
    time_step(1000, 20, 2000)
if 'ntk' in wanted:
    time_ntk(1000, 20, 2000)
