#!/usr/bin/env python3
"""Float inference of an exported model (bench/onnx_export.py) under
onnxruntime on the test images that bench_eval --dump wrote, timed like
bench_eval: `reps` passes over the whole test set in batches of `batch`
images (default: all of them at once), median pass time.

    python bench/ort_bench.py [--reps N] [--threads T] [--batch B] MODEL.onnx DATA.f32 DATA.labels NAME

Prints: RESULT ort model=NAME images=N median_s=T images_per_s=X acc=A ...
"""
import argparse
import time

import numpy as np
import onnxruntime as ort


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("onnx")
    ap.add_argument("data")
    ap.add_argument("labels")
    ap.add_argument("name")
    a = ap.parse_args()
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(a.onnx, so, providers=["CPUExecutionProvider"])
    shp = sess.get_inputs()[0].shape  # ["N", C, H, W]
    y = np.fromfile(a.labels, dtype=np.int32)
    n = y.size
    x = np.fromfile(a.data, dtype=np.float32).reshape(n, shp[1], shp[2], shp[3])
    batch = a.batch if a.batch > 0 else n
    chunks = [np.ascontiguousarray(x[i:i + batch]) for i in range(0, n, batch)]

    def one_pass():
        return [sess.run(None, {"x": c})[0] for c in chunks]

    out = np.concatenate(one_pass())  # warm-up
    acc = 100.0 * float(np.mean(out.argmax(axis=1) == y))
    t = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        one_pass()
        t.append(time.perf_counter() - t0)
    med = float(np.median(t))
    print(f"RESULT ort model={a.name} images={n} median_s={med:.6f} "
          f"images_per_s={n / med:.1f} acc={acc:.2f} threads={a.threads} batch={batch} "
          f"onnxruntime={ort.__version__}", flush=True)


if __name__ == "__main__":
    main()
