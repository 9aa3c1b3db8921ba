"""The datasets exactly as libzkmlbench's data loader (lib/data/) feeds them to
a model, in NumPy, for the ONNX fixtures (tests/onnx/make_fixtures.py) and the
accuracy benchmark (bench/onnx_accuracy.py). docs/datasets.md is the spec:

- mnist:    each byte p -> float32(p) / 255.0f, 1x28x28 (row-major);
- mnist14:  2x2 mean of the bytes, float32((p00+p01+p10+p11) / 1020.0) computed
            in double and rounded once (lib/data/dataset_mnist.c), 1x14x14;
- heart:    the 18 features of docs/datasets.md (label-encoded Sex and
            ExerciseAngina, one-hot ChestPainType/RestingECG/ST_Slope), our
            splitmix64 70/30 split (seed 42, 276 test rows), values float32;
- heart_std: heart z-scored with the train split's mean and population
            deviation (double arithmetic, rounded once to float32).

Only NumPy and the standard library: it runs in either exporter venv.
"""
import csv
import gzip
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def data_dir(given=None):
    """The data directory as zkbench looks it up: given, $ZKB_DATA_DIR,
    ../shared/data (beside the checkout, or relative to the current
    directory), ./data."""
    for d in (given, os.environ.get("ZKB_DATA_DIR"),
              os.path.join(os.path.dirname(REPO), "shared", "data"),
              os.path.join("..", "shared", "data"), "data"):
        if d and os.path.isdir(d):
            return os.path.abspath(d)
    raise SystemExit("no data directory: set $ZKB_DATA_DIR (docs/datasets.md)")


def _open(path):
    if os.path.exists(path + ".gz"):
        path += ".gz"
    with open(path, "rb") as f:
        head = f.read(2)
    return gzip.open(path, "rb") if head == b"\x1f\x8b" else open(path, "rb")


def _idx(path, ndims):
    with _open(path) as f:
        buf = f.read()
    magic = int.from_bytes(buf[0:4], "big")
    if magic != 0x800 + ndims:
        raise SystemExit(f"{path}: bad IDX magic {magic:#x}")
    dims = [int.from_bytes(buf[4 + 4 * i:8 + 4 * i], "big") for i in range(ndims)]
    off = 4 + 4 * ndims
    n = int(np.prod(dims))
    if len(buf) != off + n:
        raise SystemExit(f"{path}: size {len(buf)} differs from the header's {off + n}")
    return np.frombuffer(buf, dtype=np.uint8, count=n, offset=off).reshape(dims)


def mnist_raw(split, ddir=None):
    """uint8 images [n, 28, 28] and int64 labels of a split ("test" or
    "train": the full 60k set when present, else the 10k subset)."""
    d = os.path.join(data_dir(ddir), "mnist")
    if split == "test":
        ib, lb = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    elif split == "train":
        full = all(os.path.exists(os.path.join(d, b)) or os.path.exists(os.path.join(d, b + ".gz"))
                   for b in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"))
        ib, lb = (("train-images-idx3-ubyte", "train-labels-idx1-ubyte") if full else
                  ("train-10k-images-idx3-ubyte", "train-10k-labels-idx1-ubyte"))
    else:
        raise ValueError(split)
    img = _idx(os.path.join(d, ib), 3)
    lab = _idx(os.path.join(d, lb), 1)
    return img, lab.astype(np.int64)


def mnist_scale(img, size):
    """uint8 [n, 28, 28] -> float32 [n, 1, size, size] as zkbench's data
    loader computes it: size 28 (dataset mnist), 14 (mnist14: the correctly
    rounded 2x2 mean), or 7 (not a zkbench dataset: the same rule applied
    to 4x4 blocks, sum / (16 * 255), for tiny fixtures only)."""
    img = np.asarray(img, dtype=np.uint8)
    n, h, w = img.shape
    if size == h:
        x = img.astype(np.float32) / np.float32(255.0)
    else:
        k = h // size
        if k * size != h or w != h:
            raise ValueError(f"cannot scale {h}x{w} to {size}x{size}")
        s = img.reshape(n, size, k, size, k).astype(np.int64).sum(axis=(2, 4))
        x = (s.astype(np.float64) / float(k * k * 255)).astype(np.float32)
    return x.reshape(n, 1, size, size)


def mnist(split, size=28, ddir=None):
    img, lab = mnist_raw(split, ddir)
    return mnist_scale(img, size), lab


# ---- heart.csv ------------------------------------------------------------

HEART_FEATURES = [
    "Age", "Sex", "RestingBP", "Cholesterol", "FastingBS", "MaxHR", "ExerciseAngina",
    "Oldpeak", "ChestPainType_ASY", "ChestPainType_ATA", "ChestPainType_NAP",
    "ChestPainType_TA", "RestingECG_LVH", "RestingECG_Normal", "RestingECG_ST",
    "ST_Slope_Down", "ST_Slope_Flat", "ST_Slope_Up",
]
_LABEL_ENC = {"Sex": ["F", "M"], "ExerciseAngina": ["N", "Y"]}
_ONEHOT = {"ChestPainType": ["ASY", "ATA", "NAP", "TA"], "RestingECG": ["LVH", "Normal", "ST"],
           "ST_Slope": ["Down", "Flat", "Up"]}
_M64 = (1 << 64) - 1


def _splitmix64(s):
    s = (s + 0x9E3779B97F4A7C15) & _M64
    z = s
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return s, z ^ (z >> 31)


def heart_split(n, seed=42):
    """(train rows, test rows), 0-based data rows (docs/datasets.md)."""
    perm, s = list(range(n)), seed
    for i in range(n, 1, -1):
        s, r = _splitmix64(s)
        j = r % i
        perm[i - 1], perm[j] = perm[j], perm[i - 1]
    n_test = n // 10 * 3 + (n % 10 * 3 + 9) // 10
    return perm[n_test:], perm[:n_test]


def heart_all(ddir=None):
    """float32 features [918, 18] in file order, int64 labels."""
    path = os.path.join(data_dir(ddir), "heart", "heart.csv")
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    rows = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
    head = [c.strip() for c in rows[0]]
    col = {name: head.index(name) for name in head}
    X, y = [], []
    for r in rows[1:]:
        r = [c.strip() for c in r]
        f = {}
        for name in ("Age", "RestingBP", "Cholesterol", "FastingBS", "MaxHR", "Oldpeak"):
            f[name] = float(r[col[name]])
        for name, vocab in _LABEL_ENC.items():
            f[name] = float(vocab.index(r[col[name]]))
        for name, vocab in _ONEHOT.items():
            v = r[col[name]]
            if v not in vocab:
                raise SystemExit(f"{path}: column {name}: unknown value {v!r}")
            for c in vocab:
                f[f"{name}_{c}"] = 1.0 if v == c else 0.0
        X.append([f[k] for k in HEART_FEATURES])
        y.append(int(r[col["HeartDisease"]]))
    return np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)


def heart_std_params(ddir=None):
    """(mean, sd) float64 [18] of the train split, with sequential sums in
    the C loader's order (for an exact match of heart_std)."""
    X, _ = heart_all(ddir)
    train, _ = heart_split(len(X))
    tr = X[train].astype(np.float64)
    mean = np.zeros(18)
    for row in tr:
        mean += row
    mean /= len(train)
    var = np.zeros(18)
    for row in tr:
        d = row - mean
        var += d * d
    sd = np.sqrt(var / len(train))
    sd[sd == 0.0] = 1.0
    return mean, sd


def heart(split, standardize=False, ddir=None):
    """float32 [n, 18] and labels of split "test" (276 rows) or "train" (642),
    in the split permutation's order; standardize: heart_std, with the
    C loader's summation order (bit-identical to zkbench's heart_std)."""
    X, y = heart_all(ddir)
    train, test = heart_split(len(X))
    rows = test if split == "test" else train
    out = X[rows].astype(np.float64)
    if standardize:
        mean, sd = heart_std_params(ddir)
        out = (out - mean) / sd
    return out.astype(np.float32), y[rows]


def dataset(name, split="test", ddir=None):
    """(x, labels) of a zkbench dataset name: x float32 [n, 1, 28, 28],
    [n, 1, 14, 14] or [n, 18]."""
    if name == "mnist":
        return mnist(split, 28, ddir)
    if name == "mnist14":
        return mnist(split, 14, ddir)
    if name in ("heart", "heart_std"):
        return heart(split, name == "heart_std", ddir)
    raise ValueError(f"unknown dataset {name!r}")
