package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"
	"github.com/consensys/gnark/logger"
	"github.com/consensys/gnark/std/hash/mimc"
	"github.com/consensys/gnark/std/rangecheck"
)

func TestMain(m *testing.M) {
	logger.Disable()
	os.Exit(m.Run())
}

// ---- model builders

func signedWidth(v *big.Int) int {
	if v.Sign() >= 0 {
		return v.BitLen() + 1
	}
	return new(big.Int).Sub(new(big.Int).Neg(v), big.NewInt(1)).BitLen() + 1
}

// fitBits sets every layer's in_bits/out_bits to the tightest signed widths
// that hold for the inputs xs (as the host's range analysis would bound them).
func fitBits(t *testing.T, m *Model, xs [][]*big.Int) {
	t.Helper()
	prev := m.Input.Bits
	for i := range m.Layers {
		m.Layers[i].InBits = prev
		m.Layers[i].OutBits = maxBits
	}
	for i := range m.Layers {
		sub := *m
		sub.Layers = m.Layers[:i+1]
		sub.Classes = prod(m.Layers[i].Out)
		w := 1
		for _, x := range xs {
			y, err := evalNative(&sub, x)
			if err != nil {
				t.Fatalf("fitBits layer %d: %v", i, err)
			}
			for _, v := range y {
				if b := signedWidth(v); b > w {
					w = b
				}
			}
		}
		m.Layers[i].OutBits = w
		if i+1 < len(m.Layers) {
			m.Layers[i+1].InBits = w
		}
	}
	if err := m.validate(); err != nil {
		t.Fatalf("model: %v", err)
	}
}

func randInts(r *rand.Rand, n int, bits int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = r.Int63n(1<<bits) - 1<<(bits-1)
	}
	return out
}

func randX(r *rand.Rand, m *Model) []*big.Int {
	return int64sToBig(randInts(r, m.NIn(), width(m.Input.Bits)))
}

func microModel() *Model {
	return &Model{Format: modelFormat, Name: "micro", Fingerprint: "00112233445566778899aabbccddeeff",
		Input: Input{C: 1, H: 1, W: 3, Bits: 4}, Classes: 2, Rounding: "half_up",
		Layers: []Layer{
			{Op: "flatten", In: []int{1, 1, 3}, Out: []int{1, 1, 3}, InBits: 4, OutBits: 4},
			{Op: "dense", In: []int{1, 1, 3}, Out: []int{1, 1, 2}, Weights: []int64{1, -2, 3, -4, 5, -6}, Bias: []int64{1, -1}, Divisor: 4, InBits: 4, OutBits: 7},
			{Op: "relu", In: []int{1, 1, 2}, Out: []int{1, 1, 2}, InBits: 7, OutBits: 7},
		}}
}

// mlp: dense 6->5 (divisor 8) -> relu -> dense 5->3 (divisor 1) -> relu -> dense 3->2 (divisor 5)
func mlpModel(r *rand.Rand, rounding string) *Model {
	m := &Model{Format: modelFormat, Name: "mlp", Fingerprint: "mlp", Input: Input{C: 1, H: 2, W: 3, Bits: 5},
		Classes: 2, Rounding: rounding}
	m.Layers = []Layer{
		{Op: "dense", In: []int{1, 2, 3}, Out: []int{1, 1, 5}, Weights: randInts(r, 30, 5), Bias: randInts(r, 5, 6), Divisor: 8},
		{Op: "relu", In: []int{1, 1, 5}, Out: []int{1, 1, 5}},
		{Op: "dense", In: []int{1, 1, 5}, Out: []int{1, 1, 3}, Weights: randInts(r, 15, 4), Bias: randInts(r, 3, 4), Divisor: 1},
		{Op: "relu", In: []int{1, 1, 3}, Out: []int{1, 1, 3}},
		{Op: "dense", In: []int{1, 1, 3}, Out: []int{1, 1, 2}, Weights: randInts(r, 6, 4), Bias: randInts(r, 2, 4), Divisor: 5},
	}
	return m
}

// cnn: pad2d -> conv2d (stride 2x1, divisor 3) -> relu -> avgpool (3x2 stride 1x2, divisor 6)
// -> maxpool (2x1 stride 1) -> flatten -> dense
func cnnModel(r *rand.Rand, rounding string) *Model {
	m := &Model{Format: modelFormat, Name: "cnn", Fingerprint: "cnn", Input: Input{C: 2, H: 5, W: 4, Bits: 4},
		Rounding: rounding}
	// pad [1,0,1,2]: 2x5x4 -> 2x7x6
	// conv 3 out ch, kernel 3x2, stride 2x1: OH = (7-3)/2+1 = 3, OW = (6-2)/1+1 = 5
	// avgpool kernel 2x2 stride 1x2: OH = 2, OW = (5-2)/2+1 = 2
	// maxpool kernel 2x1 stride 1x1: OH = 1, OW = 2 -> 3x1x2 = 6
	m.Layers = []Layer{
		{Op: "pad2d", In: []int{2, 5, 4}, Out: []int{2, 7, 6}, Pad: []int{1, 0, 1, 2}},
		{Op: "conv2d", In: []int{2, 7, 6}, Out: []int{3, 3, 5}, Kernel: []int{3, 2}, Stride: []int{2, 1},
			Weights: randInts(r, 3*2*3*2, 4), Bias: randInts(r, 3, 5), Divisor: 3},
		{Op: "relu", In: []int{3, 3, 5}, Out: []int{3, 3, 5}},
		{Op: "avgpool2d", In: []int{3, 3, 5}, Out: []int{3, 2, 2}, Kernel: []int{2, 2}, Stride: []int{1, 2}, Divisor: 3},
		{Op: "maxpool2d", In: []int{3, 2, 2}, Out: []int{3, 1, 2}, Kernel: []int{2, 1}, Stride: []int{1, 1}},
		{Op: "flatten", In: []int{3, 1, 2}, Out: []int{1, 1, 6}},
		{Op: "dense", In: []int{1, 1, 6}, Out: []int{1, 1, 3}, Weights: randInts(r, 18, 4), Bias: randInts(r, 3, 4), Divisor: 4},
	}
	m.Classes = 3
	return m
}

// ---- native evaluator

func TestNativeMicro(t *testing.T) {
	m := microModel()
	x := int64sToBig([]int64{3, -5, 7})
	y, err := evalNative(m, x)
	if err != nil {
		t.Fatal(err)
	}
	// acc0 = 1 + 3 + 10 + 21 = 35 -> floor(37/4) = 9; acc1 = -80 -> floor(-78/4) = -20 -> relu 0
	if y[0].Int64() != 9 || y[1].Int64() != 0 {
		t.Fatalf("half_up: got %v", y)
	}
	m.Rounding = "floor"
	y, _ = evalNative(m, x)
	if y[0].Int64() != 8 || y[1].Int64() != 0 {
		t.Fatalf("floor: got %v", y)
	}
	for _, c := range [][4]int64{{-7, 0, 2, -4}, {-7, 1, 2, -3}, {-8, 0, 4, -2}, {7, 1, 3, 2}, {-1, 0, 3, -1}, {-2, 1, 3, -1}} {
		if got := floorDiv(big.NewInt(c[0]), c[1], c[2]).Int64(); got != c[3] {
			t.Errorf("floor((%d+%d)/%d) = %d, want %d", c[0], c[1], c[2], got, c[3])
		}
	}
}

// ---- circuit vs native

func checkModel(t *testing.T, m *Model, xs [][]*big.Int, opt Options) {
	t.Helper()
	for _, sys := range []string{"groth16", "plonk"} {
		o := opt
		o.System = sys
		ccs, err := compileCircuit(m, o)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range xs {
			a, y, _, _, err := assignment(m, o, x)
			if err != nil {
				t.Fatal(err)
			}
			w, err := frontend.NewWitness(a, field)
			if err != nil {
				t.Fatal(err)
			}
			if err := solveCheck(ccs, w); err != nil {
				t.Fatalf("%s %s x#%d: honest witness rejected: %v", m.Name, sys, i, err)
			}
			// any other output must be rejected
			for o := range y {
				for _, delta := range []int64{1, -1} {
					a2, _, _, _, _ := assignment(m, opt, x)
					v := new(big.Int).Add(y[o], big.NewInt(delta))
					e := toFr(v)
					a2.Y[o] = e.BigInt(new(big.Int))
					w2, _ := frontend.NewWitness(a2, field)
					if solveCheck(ccs, w2) == nil {
						t.Fatalf("%s %s: Y[%d]%+d accepted", m.Name, sys, o, delta)
					}
				}
			}
		}
		t.Logf("%s %s rounding=%s weights=%s input=%s: %d constraints", m.Name, sys, m.Rounding, o.Weights, o.Input, ccs.GetNbConstraints())
	}
}

func TestCircuitMatchesNative(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, rounding := range []string{"half_up", "floor"} {
		for _, mk := range []func(*rand.Rand, string) *Model{mlpModel, cnnModel} {
			m := mk(r, rounding)
			var xs [][]*big.Int
			for i := 0; i < 3; i++ {
				xs = append(xs, randX(r, m))
			}
			// the extreme inputs too
			lo, hi := make([]*big.Int, m.NIn()), make([]*big.Int, m.NIn())
			for i := range lo {
				lo[i] = big.NewInt(-1 << (m.Input.Bits - 1))
				hi[i] = big.NewInt(1<<(m.Input.Bits-1) - 1)
			}
			xs = append(xs, lo, hi)
			fitBits(t, m, xs)
			checkModel(t, m, xs, Options{Weights: "private", Input: "private"})
			checkModel(t, m, xs[:1], Options{Weights: "fixed", Input: "public"})
		}
	}
}

// ---- commitments: native vs circuit

type mimcCircuit struct {
	V   []frontend.Variable
	Out frontend.Variable `gnark:",public"`
}

func (c *mimcCircuit) Define(api frontend.API) error {
	h, err := mimc.NewMiMC(api)
	if err != nil {
		return err
	}
	h.Write(c.V...)
	api.AssertIsEqual(c.Out, h.Sum())
	return nil
}

func TestCommitNativeVsCircuit(t *testing.T) {
	vals := int64sToBig([]int64{0, 1, -1, 127, -128, 1 << 40, -(1 << 62), 5})
	want := mimcCommit(vals)
	for _, b := range []frontend.NewBuilder{r1cs.NewBuilder[constraint.U64], scs.NewBuilder[constraint.U64]} {
		c := &mimcCircuit{V: make([]frontend.Variable, len(vals))}
		ccs, err := frontend.Compile(field, b, c)
		if err != nil {
			t.Fatal(err)
		}
		a := &mimcCircuit{V: make([]frontend.Variable, len(vals)), Out: want}
		for i, v := range vals {
			e := toFr(v)
			a.V[i] = e.BigInt(new(big.Int))
		}
		w, _ := frontend.NewWitness(a, field)
		if _, err := ccs.Solve(w); err != nil {
			t.Fatalf("native MiMC differs from the circuit's: %v", err)
		}
		a.Out = new(big.Int).Add(want, big.NewInt(1))
		w, _ = frontend.NewWitness(a, field)
		if _, err := ccs.Solve(w); err == nil {
			t.Fatal("wrong commitment accepted")
		}
	}
}

// ---- end to end through the CLI (in process)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	return out
}

func writeModel(t *testing.T, dir string, m *Model) string {
	t.Helper()
	b, _ := json.Marshal(m)
	p := filepath.Join(dir, "model.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeX(t *testing.T, dir string, x []*big.Int) string {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"x": x})
	p := filepath.Join(dir, "x.json")
	os.WriteFile(p, b, 0o644)
	return p
}

func readJSON(t *testing.T, p string, v any) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func TestEndToEnd(t *testing.T) {
	tmp := t.TempDir()
	m := microModel()
	mp := writeModel(t, tmp, m)
	x := int64sToBig([]int64{3, -5, 7})
	xp := writeX(t, tmp, x)
	srs := filepath.Join(tmp, "srs")
	for _, sys := range []string{"groth16", "plonk"} {
		for _, wm := range []string{"fixed", "private", "hashed"} {
			for _, im := range []string{"public", "private", "hashed"} {
				name := sys + "-" + wm + "-" + im
				d := filepath.Join(tmp, name)
				w := filepath.Join(d, "w")
				mustRun(t, "setup", "-model", mp, "-system", sys, "-weights", wm, "-input", im, "-dir", d, "-srs-cache", srs)
				var si SetupInfo
				readJSON(t, filepath.Join(d, "setup.json"), &si)
				mustRun(t, "witness", "-model", mp, "-dir", d, "-x", xp, "-out", w)
				var wi struct {
					Outputs  []int64 `json:"outputs"`
					WCommit  string  `json:"wcommit"`
					InCommit string  `json:"incommit"`
				}
				readJSON(t, filepath.Join(w, "witness.json"), &wi)
				if fmt.Sprint(wi.Outputs) != "[9 0]" {
					t.Fatalf("%s: outputs %v", name, wi.Outputs)
				}
				mustRun(t, "prove", "-dir", d, "-witness", filepath.Join(w, "witness.bin"), "-out", w)
				vj := filepath.Join(d, "verify.json")
				mustRun(t, "verify", "-dir", d, "-proof", filepath.Join(w, "proof.bin"), "-public", filepath.Join(w, "public.bin"), "-out", vj)
				var vi verifyInfo
				readJSON(t, vj, &vi)
				want := []string{"9", "0"}
				if wm == "hashed" {
					want = append(want, wi.WCommit)
				}
				if im == "hashed" {
					want = append(want, wi.InCommit)
				}
				if im == "public" {
					p := new(big.Int).Sub(field, big.NewInt(5))
					want = append(want, "3", p.String(), "7")
				}
				if !vi.OK || strings.Join(vi.Public, ",") != strings.Join(want, ",") || si.Public != len(want) {
					t.Fatalf("%s: verify %+v, want public %v (setup public %d)", name, vi, want, si.Public)
				}
				// commitments recomputed apart from the circuit
				if wm == "hashed" {
					vals := filepath.Join(d, "wvals.txt")
					var sb strings.Builder
					for _, v := range m.Params() {
						fmt.Fprintf(&sb, "%d\n", v)
					}
					os.WriteFile(vals, []byte(sb.String()), 0o644)
					if got := strings.TrimSpace(mustRun(t, "commit", "-values", vals)); got != wi.WCommit {
						t.Fatalf("%s: commit %s, witness wcommit %s", name, got, wi.WCommit)
					}
				}
				if im == "hashed" {
					vals := filepath.Join(d, "xvals.txt")
					os.WriteFile(vals, []byte("3\n-5\n7\n"), 0o644)
					if got := strings.TrimSpace(mustRun(t, "commit", "-values", vals)); got != wi.InCommit {
						t.Fatalf("%s: commit %s, witness incommit %s", name, got, wi.InCommit)
					}
				}
				// a tampered public input is an invalid proof (exit 1)
				tampered := tamperPublic(t, filepath.Join(w, "public.bin"), filepath.Join(d, "bad_public.bin"))
				code, _, errs := runCLI(t, "verify", "-dir", d, "-proof", filepath.Join(w, "proof.bin"), "-public", tampered, "-out", filepath.Join(d, "bad.json"))
				if code != 1 || !strings.HasPrefix(errs, "invalid proof: ") {
					t.Fatalf("%s: tampered public: exit %d %q", name, code, errs)
				}
				out := mustRun(t, "evm", "-dir", d, "-proof", filepath.Join(w, "proof.bin"), "-public", filepath.Join(w, "public.bin"),
					"-sol", filepath.Join(d, "v.sol"), "-calldata", filepath.Join(d, "cd.bin"))
				var ei evmInfo
				if err := json.Unmarshal([]byte(out), &ei); err != nil || ei.NPublic != len(want) {
					t.Fatalf("%s: evm %q %v", name, out, err)
				}
				t.Logf("%s: %d constraints, %d public, %d commitments", name, si.Constraints, si.Public, si.Commitments)
			}
		}
	}
}

// tamperPublic writes a copy of a public witness with its first value plus 1.
func tamperPublic(t *testing.T, in, out string) string {
	t.Helper()
	w, err := loadWitness(in, "public")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := w.MarshalBinary()
	// header: nbPublic u32, nbSecret u32, vector length u32, then 32-byte values
	data[12+31]++
	os.WriteFile(out, data, 0o644)
	return out
}

// ---- cheats

func TestCheats(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	cnn := cnnModel(r, "half_up")
	cx := randX(r, cnn)
	fitBits(t, cnn, [][]*big.Int{cx})
	models := []struct {
		m *Model
		x []*big.Int
	}{{microModel(), int64sToBig([]int64{3, -5, 7})}, {cnn, cx}}
	for mi, mc := range models {
		tmp := t.TempDir()
		mp := writeModel(t, tmp, mc.m)
		xp := writeX(t, tmp, mc.x)
		for _, sys := range []string{"groth16", "plonk"} {
			d := filepath.Join(tmp, sys)
			mustRun(t, "setup", "-model", mp, "-system", sys, "-weights", "private", "-input", "private", "-dir", d)
			for _, kind := range []string{"remainder", "quotient", "relu", "output"} {
				out := mustRun(t, "cheat", "-model", mp, "-dir", d, "-x", xp, "-kind", kind, "-out", filepath.Join(d, "c"))
				var ci cheatInfo
				if err := json.Unmarshal([]byte(out), &ci); err != nil {
					t.Fatal(err)
				}
				if !ci.SolverRejected || ci.ProofVerified || (ci.HonestProofOnCheatPublicVerified != nil && *ci.HonestProofOnCheatPublicVerified) {
					t.Fatalf("model %d %s %s: SOUNDNESS: %s", mi, sys, kind, out)
				}
				t.Logf("model %d %s %s: %s", mi, sys, kind, ci.SolverError)
			}
		}
	}
}

// ---- errors

func TestErrors(t *testing.T) {
	tmp := t.TempDir()
	m := microModel()
	mp := writeModel(t, tmp, m)
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "usage"},
		{[]string{"bogus"}, 2, "unknown subcommand"},
		{[]string{"setup", "-model", mp}, 2, "missing -system"},
		{[]string{"setup", "-model", mp, "-system", "stark", "-weights", "fixed", "-input", "public", "-dir", tmp}, 2, "system"},
		{[]string{"setup", "-model", filepath.Join(tmp, "none.json"), "-system", "plonk", "-weights", "fixed", "-input", "public", "-dir", tmp}, 1, "none.json"},
		{[]string{"prove", "-dir", filepath.Join(tmp, "nodir"), "-witness", "w", "-out", tmp}, 1, "setup.json"},
		{[]string{"version", "extra"}, 2, "no arguments"},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.msg) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d %q, want %d containing %q", c.args, code, errs, c.code, c.msg)
		}
	}
	bad := func(edit func(*Model), want string) {
		mm := microModel()
		edit(mm)
		b, _ := json.Marshal(mm)
		_, err := parseModel(b)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
		}
	}
	bad(func(m *Model) { m.Format = "x" }, "format")
	bad(func(m *Model) { m.Layers[2].Op = "gelu" }, "layer 2 (gelu): unknown op")
	bad(func(m *Model) { m.Layers[1].Weights = m.Layers[1].Weights[1:] }, "layer 1 (dense): 5 weights, want 6")
	bad(func(m *Model) { m.Layers[1].Bias = nil }, "layer 1 (dense): 0 biases")
	bad(func(m *Model) { m.Layers[2].In = []int{1, 1, 3} }, "layer 2 (relu)")
	bad(func(m *Model) { m.Classes = 3 }, "classes")
	bad(func(m *Model) { m.Rounding = "even" }, "rounding")
	if _, err := parseModel([]byte(`{"format":"zkmlbench-gnark/1","layers":[{"op":"dense","weights":[1.5]}]}`)); err == nil {
		t.Error("non-integer weight accepted")
	}
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "gnark v") || !strings.Contains(out, "gnark-crypto v") {
		t.Errorf("version: %q", out)
	}
}

// ---- the EVM step (needs node and the project's toolchain)

func TestEVM(t *testing.T) {
	// the repository's EVM step, from this package's directory (go test runs here)
	script, _ := filepath.Abs("../../../lib/evm/script/evm_measure.mjs")
	toolchain, _ := filepath.Abs("../../../tools/evm")
	node, err := exec.LookPath("node")
	if err != nil || !exists(script) || !exists(filepath.Join(toolchain, "node_modules")) {
		t.Skip("node or the EVM toolchain is missing")
	}
	tmp := t.TempDir()
	// a model without range checks: Groth16 without a commitment
	plain := &Model{Format: modelFormat, Name: "plain", Fingerprint: "p", Input: Input{C: 1, H: 1, W: 2, Bits: 4}, Classes: 2, Rounding: "floor",
		Layers: []Layer{{Op: "flatten", In: []int{1, 1, 2}, Out: []int{1, 1, 2}, InBits: 4, OutBits: 4}}}
	for _, mc := range []struct {
		m      *Model
		sys    string
		w, in  string
		commit int
	}{{microModel(), "groth16", "hashed", "public", 1}, {plain, "groth16", "private", "public", 0}, {microModel(), "plonk", "fixed", "hashed", 1}} {
		name := mc.m.Name + "-" + mc.sys
		d := filepath.Join(tmp, name)
		os.MkdirAll(d, 0o755)
		mp := writeModel(t, d, mc.m)
		x := int64sToBig([]int64{3, -5, 7}[:mc.m.NIn()])
		xp := writeX(t, d, x)
		mustRun(t, "setup", "-model", mp, "-system", mc.sys, "-weights", mc.w, "-input", mc.in, "-dir", d)
		var si SetupInfo
		readJSON(t, filepath.Join(d, "setup.json"), &si)
		if si.Commitments != mc.commit {
			t.Fatalf("%s: %d commitments, want %d", name, si.Commitments, mc.commit)
		}
		mustRun(t, "witness", "-model", mp, "-dir", d, "-x", xp, "-out", d)
		mustRun(t, "prove", "-dir", d, "-witness", filepath.Join(d, "witness.bin"), "-out", d)
		out := mustRun(t, "evm", "-dir", d, "-proof", filepath.Join(d, "proof.bin"), "-public", filepath.Join(d, "public.bin"),
			"-sol", filepath.Join(d, "V.sol"), "-calldata", filepath.Join(d, "cd.bin"))
		var ei evmInfo
		json.Unmarshal([]byte(out), &ei)
		req := map[string]any{"toolchain": toolchain, "source": filepath.Join(d, "V.sol"), "contract": ei.Contract,
			"hardfork": "osaka", "optimizer_runs": 200, "tamper": true,
			"calls": []any{map[string]any{"calldata": filepath.Join(d, "cd.bin"), "proof_offset": ei.ProofOffset,
				"proof_len": ei.ProofLen, "output_offset": ei.OutputOffset}}}
		rb, _ := json.Marshal(req)
		os.WriteFile(filepath.Join(d, "req.json"), rb, 0o644)
		cmd := exec.Command(node, script, filepath.Join(d, "req.json"), filepath.Join(d, "res.json"))
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: evm_measure: %v: %s", name, err, o)
		}
		var res struct {
			Calls []struct {
				Accepted bool
				Gas      int
				Outcome  string
			}
			Tampered []struct {
				What     string
				Accepted bool
				Outcome  string
			}
		}
		readJSON(t, filepath.Join(d, "res.json"), &res)
		if len(res.Calls) != 1 || !res.Calls[0].Accepted || len(res.Tampered) != 2 || res.Tampered[0].Accepted || res.Tampered[1].Accepted {
			t.Fatalf("%s: %+v", name, res)
		}
		t.Logf("%s: %s, verify gas %d, tampered: %s / %s", name, ei.Function, res.Calls[0].Gas, res.Tampered[0].Outcome, res.Tampered[1].Outcome)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// ---- gadgets: completeness over a whole range and every lie rejected

type gadgetCircuit struct {
	A, B, Y frontend.Variable `gnark:",public"`
	op      string
	d       int64
	w       int
}

func (c *gadgetCircuit) Define(api frontend.API) error {
	g := &gadgets{api: api, rc: rangecheck.New(api)}
	var y frontend.Variable
	var err error
	switch c.op {
	case "div":
		y, err = g.div(c.A, c.d, 0, c.w, true)
	case "relu":
		y, err = g.relu(c.A, c.w)
	case "max":
		y, err = g.max(c.A, c.B, c.w)
	}
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Y, y)
	return nil
}

func TestGadgets(t *testing.T) {
	fe := func(v int64) *big.Int { e := toFr(big.NewInt(v)); return e.BigInt(new(big.Int)) }
	type lie struct {
		name string
		opt  solver.Option
		y    func(a, b int64) (int64, bool) // the lying output; false: no lie possible
	}
	flipSign := func(mod *big.Int, in, out []*big.Int) error {
		signHint(mod, in, out)
		out[0].Sub(big.NewInt(1), out[0])
		return nil
	}
	flipGE := func(mod *big.Int, in, out []*big.Int) error {
		geHint(mod, in, out)
		out[0].Sub(big.NewInt(1), out[0])
		return nil
	}
	divLie := func(dq int64) solver.Hint {
		return func(mod *big.Int, in, out []*big.Int) error {
			divHint(mod, in, out)
			q := signedOf(out[0], mod)
			q.Add(q, big.NewInt(dq))
			r := new(big.Int).Sub(out[1], new(big.Int).Mul(big.NewInt(dq), in[1]))
			out[0].Mod(q, mod)
			out[1].Mod(r, mod)
			return nil
		}
	}
	floor := func(a, d int64) int64 { return floorDiv(big.NewInt(a), 0, d).Int64() }
	for _, sys := range []frontend.NewBuilder{r1cs.NewBuilder[constraint.U64], scs.NewBuilder[constraint.U64]} {
		for _, tc := range []struct {
			op string
			d  int64
			w  int
		}{{"div", 3, 4}, {"div", 5, 3}, {"div", 6, 3}, {"div", 4, 4}, {"div", 7, 2}, {"relu", 0, 2}, {"relu", 0, 4}, {"max", 0, 2}, {"max", 0, 3}} {
			c := &gadgetCircuit{op: tc.op, d: tc.d, w: tc.w}
			ccs, err := frontend.Compile(field, sys, c)
			if err != nil {
				t.Fatal(err)
			}
			var lies []lie
			var honest func(a, b int64) int64
			lo, hi := int64(-1)<<(tc.w-1), int64(1)<<(tc.w-1)
			aLo, aHi, bLo, bHi := lo, hi, int64(0), int64(1)
			switch tc.op {
			case "div":
				d := tc.d
				honest = func(a, _ int64) int64 { return floor(a, d) }
				aLo, aHi = lo*d, hi*d // every a whose quotient fits w bits
				lies = []lie{
					{"remainder", solver.OverrideHint(solver.GetHintID(divHint), divLie(-1)), func(a, _ int64) (int64, bool) { return floor(a, d) - 1, true }},
					{"quotient", solver.OverrideHint(solver.GetHintID(divHint), divLie(1)), func(a, _ int64) (int64, bool) { return floor(a, d) + 1, true }},
				}
			case "relu":
				honest = func(a, _ int64) int64 { return max(a, 0) }
				lies = []lie{{"sign", solver.OverrideHint(solver.GetHintID(signHint), flipSign), func(a, _ int64) (int64, bool) {
					if a >= 0 {
						return 0, true
					}
					return a, true
				}}}
			case "max":
				bLo, bHi = lo, hi
				honest = func(a, b int64) int64 { return max(a, b) }
				lies = []lie{{"ge", solver.OverrideHint(solver.GetHintID(geHint), flipGE), func(a, b int64) (int64, bool) { return min(a, b), true }}}
			}
			for a := aLo; a < aHi; a++ {
				for b := bLo; b < bHi; b++ {
					w, _ := frontend.NewWitness(&gadgetCircuit{A: fe(a), B: fe(b), Y: fe(honest(a, b))}, field)
					if err := solveCheck(ccs, w); err != nil {
						t.Fatalf("%s d=%d w=%d a=%d b=%d: honest rejected: %v", tc.op, tc.d, tc.w, a, b, err)
					}
					for _, l := range lies {
						y, ok := l.y(a, b)
						if !ok {
							continue
						}
						w, _ := frontend.NewWitness(&gadgetCircuit{A: fe(a), B: fe(b), Y: fe(y)}, field)
						if solveCheck(ccs, w, l.opt) == nil {
							t.Fatalf("SOUNDNESS %s d=%d w=%d a=%d b=%d: lie %s accepted", tc.op, tc.d, tc.w, a, b, l.name)
						}
					}
				}
			}
		}
	}
	// relu rejects an input outside its width (this check stands in for the
	// quotient's width check of a division right before a relu)
	for _, z := range []int64{8, -9, 100, -100} {
		c := &gadgetCircuit{op: "relu", w: 4}
		ccs, _ := frontend.Compile(field, r1cs.NewBuilder[constraint.U64], c)
		w, _ := frontend.NewWitness(&gadgetCircuit{A: fe(z), B: 0, Y: fe(max(z, 0))}, field)
		if solveCheck(ccs, w) == nil {
			t.Fatalf("relu z=%d: outside 4 bits accepted", z)
		}
	}
	// a quotient outside its width is rejected even when the hint is honest
	c := &gadgetCircuit{op: "div", d: 3, w: 3}
	ccs, _ := frontend.Compile(field, r1cs.NewBuilder[constraint.U64], c)
	for _, a := range []int64{12, 13, -13, 100} { // floor(a/3) = 4, 4, -5, 33: outside [-4, 4)
		w, _ := frontend.NewWitness(&gadgetCircuit{A: fe(a), B: 0, Y: fe(floor(a, 3))}, field)
		if solveCheck(ccs, w) == nil {
			t.Fatalf("div a=%d: quotient outside 3 bits accepted", a)
		}
	}
}
