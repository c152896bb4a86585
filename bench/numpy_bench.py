"""The numpy contender of the benchmarks, driven by bench/lib/numpy.ts.

Reads one task as JSON on standard input and writes one JSON object to
standard output. Inputs arrive as raw little-endian f64 files written by the
Node side, so every contender works on the same numbers. Timing uses Python's
own clock (time.perf_counter): calls are grouped into rounds of at least
MIN_ROUND_S seconds, and each round gives one sample, its time per call.

Kinds of task:
  info    numpy version and the BLAS library it runs, with OpenBLAS's core
  matmul  C = A B for row-major A (m x k) and B (k x n)
  rk4     one classical RK4 step of the network and its linearisation
  rk4-parts  the operations of one RK4 step timed one by one (times 4 stages)
  ntk     the empirical NTK Gram matrix through the Hadamard identity

Run it under OPENBLAS_NUM_THREADS=1 (the Node side sets it and the OMP and
MKL equivalents) to compare one core with one core.
"""
import ctypes
import json
import sys
import time

import numpy as np

MIN_ROUND_S = 0.0005


def load(path, shape):
    return np.fromfile(path, dtype="<f8").reshape(shape)


def time_calls(fn, time_ms, iterations):
    """Per-call times in ms, one per round, until time_ms and iterations are both reached."""
    fn()
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_ROUND_S or number >= 1 << 20:
            break
        number *= 2
    samples = [elapsed * 1000 / number]
    spent = elapsed
    while spent * 1000 < time_ms or len(samples) < iterations:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        spent += elapsed
        samples.append(elapsed * 1000 / number)
    return samples


def blas_info():
    """The BLAS shared objects numpy has loaded, and OpenBLAS's own report when it is one."""
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if "blas" in line.split()[-1]})
    config = core = None
    for lib in libs:
        if "openblas" not in lib:
            continue
        handle = ctypes.CDLL(lib)
        for suffix in ("", "64_"):
            try:
                get_config = getattr(handle, "openblas_get_config" + suffix)
                get_core = getattr(handle, "openblas_get_corename" + suffix)
            except AttributeError:
                try:
                    get_config = getattr(handle, "scipy_openblas_get_config" + suffix)
                    get_core = getattr(handle, "scipy_openblas_get_corename" + suffix)
                except AttributeError:
                    continue
            get_config.restype = ctypes.c_char_p
            get_core.restype = ctypes.c_char_p
            config = get_config().decode().strip()
            core = get_core().decode().strip()
            break
    return {"libraries": libs, "openblas": config, "core": core}


def task_info(_task):
    np.dot(np.ones((2, 2)), np.ones((2, 2)))
    return {"numpy": np.__version__, "python": sys.version.split()[0], **blas_info()}


def task_matmul(task):
    m, n, k = task["m"], task["n"], task["k"]
    a = load(task["a"], (m, k))
    b = load(task["b"], (k, n))
    c = np.empty((m, n))
    np.matmul(a, b, out=c)
    c.tofile(task["out"])
    samples = time_calls(lambda: np.matmul(a, b, out=c), task["timeMs"], task["iterations"])
    return {"samples": samples}


class Rk4Flow:
    """The network flow and its linearisation in function space, as the package runs them.

    dW/dt = (scale / n) sum_i r_i (a o sigma'(W x_i)) x_i^T with r = y - f_n(W),
    dq/dt = r0 - K0 q / n, and sigma = tanh.
    """

    def __init__(self, x, y, w0, a, k0, scale):
        n, d = x.shape
        m = w0.shape[0]
        self.x, self.y, self.a, self.k0, self.scale = x, y, a, k0, scale
        self.n = n
        self.w = w0.copy()
        self.q = np.zeros(n)
        self.r0 = y - scale * (np.tanh(x @ w0.T) @ a)
        self.z = np.empty((n, m))
        self.f = np.empty(n)
        self.r = np.empty(n)
        self.kq = np.empty(n)
        self.k_w = np.empty((m, d))
        self.k_q = np.empty(n)
        self.acc_w = np.empty((m, d))
        self.acc_q = np.empty(n)
        self.tmp_w = np.empty((m, d))
        self.tmp_q = np.empty(n)

    def field(self, w, q):
        """Writes both vector fields into k_w, k_q; returns the two squared residual norms."""
        z = self.z
        np.matmul(self.x, w.T, out=z)
        np.tanh(z, out=z)
        np.matmul(z, self.a, out=self.f)
        self.f *= self.scale
        np.subtract(self.y, self.f, out=self.r)
        np.multiply(z, z, out=z)
        np.subtract(1.0, z, out=z)
        z *= self.a
        z *= ((self.scale / self.n) * self.r)[:, None]
        np.matmul(z.T, self.x, out=self.k_w)
        np.matmul(self.k0, q, out=self.kq)
        self.kq *= 1.0 / self.n
        np.subtract(self.r0, self.kq, out=self.k_q)
        return float(self.r @ self.r + self.k_q @ self.k_q)

    def step(self, dt):
        """One classical RK4 step on (W, q), in the package's order of operations."""
        half = 0.5 * dt
        self.field(self.w, self.q)
        np.copyto(self.acc_w, self.k_w)
        np.copyto(self.acc_q, self.k_q)
        for offset, weight in ((half, 2.0), (half, 2.0), (dt, 1.0)):
            np.multiply(self.k_w, offset, out=self.tmp_w)
            self.tmp_w += self.w
            np.multiply(self.k_q, offset, out=self.tmp_q)
            self.tmp_q += self.q
            self.field(self.tmp_w, self.tmp_q)
            self.acc_w += weight * self.k_w
            self.acc_q += weight * self.k_q
        self.w += (dt / 6) * self.acc_w
        self.q += (dt / 6) * self.acc_q
        return self.w[0, 0]

    def linear_risk(self):
        residual = self.r0 - (self.k0 @ self.q) / self.n
        return float(residual @ residual / (2 * self.n))


def task_rk4(task):
    n, d, m = task["n"], task["d"], task["M"]
    flow = Rk4Flow(
        load(task["X"], (n, d)), load(task["y"], (n,)), load(task["W0"], (m, d)),
        load(task["a"], (m,)), load(task["K0"], (n, n)), task["scale"],
    )
    dt = task["dt"]
    flow.step(dt)
    flow.w.tofile(task["out"])
    linear_risk = flow.linear_risk()
    samples = time_calls(lambda: flow.step(dt), task["timeMs"], task["iterations"])
    return {"samples": samples, "linearRisk": linear_risk}


def task_rk4_parts(task):
    n, d, m = task["n"], task["d"], task["M"]
    flow = Rk4Flow(
        load(task["X"], (n, d)), load(task["y"], (n,)), load(task["W0"], (m, d)),
        load(task["a"], (m,)), load(task["K0"], (n, n)), task["scale"],
    )
    x, w, z, q = flow.x, flow.w, flow.z, flow.q
    z0 = x @ w.T
    weights = (flow.scale / n) * flow.r0

    def elementwise():
        np.multiply(z, z, out=z)
        np.subtract(1.0, z, out=z)
        np.multiply(z, flow.a, out=z)
        np.multiply(z, weights[:, None], out=z)

    parts = {
        "X @ W.T": lambda: np.matmul(x, w.T, out=z),
        "tanh": lambda: np.tanh(z0, out=z),
        "slopes and weights (4 elementwise passes)": elementwise,
        "gradient (weighted slopes).T @ X": lambda: np.matmul(z.T, x, out=flow.k_w),
        "K0 @ q": lambda: np.matmul(flow.k0, q, out=flow.kq),
    }
    result = {}
    for name, fn in parts.items():
        samples = time_calls(fn, task["timeMs"], task["iterations"])
        result[name] = 4 * sorted(samples)[len(samples) // 2]
    return {"parts": result}


def task_ntk(task):
    n, d, m = task["n"], task["d"], task["M"]
    x = load(task["X"], (n, d))
    w = load(task["W"], (m, d))
    s2 = task["scale"] ** 2

    def gram():
        slope = np.tanh(x @ w.T)
        np.multiply(slope, slope, out=slope)
        np.subtract(1.0, slope, out=slope)
        k = slope @ slope.T
        k *= x @ x.T
        k *= s2
        return k

    gram().tofile(task["out"])
    samples = time_calls(gram, task["timeMs"], task["iterations"])
    return {"samples": samples}


TASKS = {
    "info": task_info, "matmul": task_matmul, "rk4": task_rk4, "rk4-parts": task_rk4_parts,
    "ntk": task_ntk,
}


def main():
    task = json.load(sys.stdin)
    json.dump(TASKS[task["kind"]](task), sys.stdout)


if __name__ == "__main__":
    main()
