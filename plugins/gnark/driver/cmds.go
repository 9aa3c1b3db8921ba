package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"

	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	fcs "github.com/consensys/gnark/frontend/cs"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"
	"github.com/consensys/gnark/test/unsafekzg"
)

// SetupInfo is D/setup.json.
type SetupInfo struct {
	System      string  `json:"system"`
	Curve       string  `json:"curve"`
	Weights     string  `json:"weights"`
	Input       string  `json:"input"`
	Model       string  `json:"model"`
	Fingerprint string  `json:"fingerprint"`
	NIn         int     `json:"n_in"`
	Classes     int     `json:"classes"`
	Constraints int     `json:"constraints"`
	Public      int     `json:"public"`
	Secret      int     `json:"secret"`
	Internal    int     `json:"internal"`
	Commitments int     `json:"commitments"`
	CompileS    float64 `json:"compile_s"`
	SrsS        float64 `json:"srs_s"`
	KeysS       float64 `json:"keys_s"`
	PkBytes     int64   `json:"pk_bytes"`
	VkBytes     int64   `json:"vk_bytes"`
	CcsBytes    int64   `json:"ccs_bytes"`
	Srs         string  `json:"srs"`
	SrsCached   bool    `json:"srs_cached"`
	Threads     int     `json:"threads"`
	Gnark       string  `json:"gnark"`
}

func (s *SetupInfo) opts() Options {
	return Options{System: s.System, Weights: s.Weights, Input: s.Input}
}

var field = ecc.BN254.ScalarField()

func since(t time.Time) float64 { return time.Since(t).Seconds() }

// ---- file helpers

func writeTo(path string, w io.WriterTo) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("creating %s: %v", path, err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	n, err := w.WriteTo(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("writing %s: %v", path, err)
	}
	return n, nil
}

func readFrom(path string, r io.ReaderFrom, what string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading %s: %v", what, err)
	}
	defer f.Close()
	if _, err := r.ReadFrom(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return fmt.Errorf("reading %s %s: %v", what, path, err)
	}
	return nil
}

func loadSetup(dir string) (*SetupInfo, error) {
	path := filepath.Join(dir, "setup.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading setup info: %v", err)
	}
	var s SetupInfo
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("setup info %s: %v", path, err)
	}
	if err := s.opts().check(); err != nil {
		return nil, fmt.Errorf("setup info %s: %v", path, err)
	}
	return &s, nil
}

func newCS(system string) constraint.ConstraintSystem {
	if system == "groth16" {
		return groth16.NewCS(ecc.BN254)
	}
	return plonk.NewCS(ecc.BN254)
}

func loadCCS(dir, system string) (constraint.ConstraintSystem, error) {
	ccs := newCS(system)
	return ccs, readFrom(filepath.Join(dir, "circuit.ccs"), ccs, "constraint system")
}

// loadProver reads what proving needs from the setup directory: the
// constraint system, then the proving key.
func loadProver(dir, system string) (constraint.ConstraintSystem, provingKey, error) {
	ccs, err := loadCCS(dir, system)
	if err != nil {
		return nil, nil, err
	}
	pk, err := loadPK(dir, system)
	if err != nil {
		return nil, nil, err
	}
	return ccs, pk, nil
}

// makeDir creates an output directory (and its parents).
func makeDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %v", dir, err)
	}
	return nil
}

// provingKey / verifyingKey / proof hold either system's object.
type provingKey interface {
	io.WriterTo
	io.ReaderFrom
	WriteRawTo(io.Writer) (int64, error)
	UnsafeReadFrom(io.Reader) (int64, error)
}

// rawWriter / unsafeReader: the proving key is written uncompressed and read
// back without subgroup checks (gnark's fast path for a trusted source: our
// own setup wrote it into our own cache), as a prover that keeps its key on
// disk would; decompressing the points otherwise dominates prove's load
// time on larger circuits.
type rawWriter struct{ pk provingKey }

func (w rawWriter) WriteTo(out io.Writer) (int64, error) { return w.pk.WriteRawTo(out) }

type unsafeReader struct{ pk provingKey }

func (r unsafeReader) ReadFrom(in io.Reader) (int64, error) { return r.pk.UnsafeReadFrom(in) }

func loadPK(dir, system string) (provingKey, error) {
	var pk provingKey
	if system == "groth16" {
		pk = groth16.NewProvingKey(ecc.BN254)
	} else {
		pk = plonk.NewProvingKey(ecc.BN254)
	}
	return pk, readFrom(filepath.Join(dir, "pk.bin"), unsafeReader{pk}, "proving key")
}

type verifyingKey interface {
	io.WriterTo
	io.ReaderFrom
	ExportSolidity(io.Writer, ...solidity.ExportOption) error
}

func loadVK(dir, system string) (verifyingKey, error) {
	var vk verifyingKey
	if system == "groth16" {
		vk = groth16.NewVerifyingKey(ecc.BN254)
	} else {
		vk = plonk.NewVerifyingKey(ecc.BN254)
	}
	return vk, readFrom(filepath.Join(dir, "vk.bin"), vk, "verifying key")
}

type proofObj interface {
	io.WriterTo
	io.ReaderFrom
	WriteRawTo(io.Writer) (int64, error)
}

func newProof(system string) proofObj {
	if system == "groth16" {
		return groth16.NewProof(ecc.BN254)
	}
	return plonk.NewProof(ecc.BN254)
}

func loadWitness(path, what string) (witness.Witness, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", what, err)
	}
	w, err := witness.New(field)
	if err != nil {
		return nil, err
	}
	if err := w.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("%s %s: %v", what, path, err)
	}
	return w, nil
}

// loadVerifier reads what verify and evm take: the setup info and verifying
// key from dir, the proof and the public witness.
func loadVerifier(dir, proofPath, pubPath string) (*SetupInfo, verifyingKey, proofObj, witness.Witness, error) {
	s, err := loadSetup(dir)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	vk, err := loadVK(dir, s.System)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	p := newProof(s.System)
	if err := readFrom(proofPath, p, "proof"); err != nil {
		return nil, nil, nil, nil, err
	}
	pub, err := loadWitness(pubPath, "public witness")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return s, vk, p, pub, nil
}

// saveWitness writes a witness (full or public) where loadWitness reads it.
func saveWitness(path string, w witness.Witness, what string) error {
	data, err := w.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encoding the %s: %v", what, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %v", what, err)
	}
	return nil
}

func backendID(system string) backend.ID {
	if system == "groth16" {
		return backend.GROTH16
	}
	return backend.PLONK
}

func prove(system string, ccs constraint.ConstraintSystem, pk provingKey, w witness.Witness, extra ...backend.ProverOption) (proofObj, error) {
	opts := append([]backend.ProverOption{solidity.WithProverTargetSolidityVerifier(backendID(system))}, extra...)
	if system == "groth16" {
		p, err := groth16.Prove(ccs, pk.(groth16.ProvingKey), w, opts...)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	p, err := plonk.Prove(ccs, pk.(plonk.ProvingKey), w, opts...)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func verify(system string, p proofObj, vk verifyingKey, pub witness.Witness) error {
	opt := solidity.WithVerifierTargetSolidityVerifier(backendID(system))
	if system == "groth16" {
		return groth16.Verify(p.(groth16.Proof), vk.(groth16.VerifyingKey), pub, opt)
	}
	return plonk.Verify(p.(plonk.Proof), vk.(plonk.VerifyingKey), pub, opt)
}

// solveCheck runs the constraint system's solver on a full witness. The
// BSB22 commitment (from the range checks) is computed by the prover from its
// key; for a satisfiability check any challenge derived from the committed
// values does, so the placeholder hint is replaced by a SHA-256 of its
// inputs reduced into the field.
func solveCheck(ccs constraint.ConstraintSystem, w witness.Witness, opts ...solver.Option) error {
	bsb22 := solver.OverrideHint(solver.GetHintID(fcs.Bsb22CommitmentComputePlaceholder),
		func(mod *big.Int, in, out []*big.Int) error {
			h := sha256.New()
			for _, v := range in {
				var b [32]byte
				v.FillBytes(b[:])
				h.Write(b[:])
			}
			for i := range out {
				h.Write([]byte{byte(i)})
				out[i].SetBytes(h.Sum(nil))
				out[i].Mod(out[i], mod)
			}
			return nil
		})
	_, err := ccs.Solve(w, append([]solver.Option{bsb22}, opts...)...)
	return err
}

// publicNames lists the public variables in witness order.
func publicNames(m *Model, opt Options) []string {
	var names []string
	for i := 0; i < m.Classes; i++ {
		names = append(names, fmt.Sprintf("Y[%d]", i))
	}
	if opt.Weights == "hashed" {
		names = append(names, "WCommit")
	}
	if opt.Input == "hashed" {
		names = append(names, "InCommit")
	}
	if opt.Input == "public" {
		for i := 0; i < m.NIn(); i++ {
			names = append(names, fmt.Sprintf("X[%d]", i))
		}
	}
	return names
}

// ---- setup

func cmdSetup(args []string, _ io.Writer) error {
	f := newFlags("setup")
	model := f.String("model", "", "model JSON")
	var opt Options
	f.StringVar(&opt.System, "system", "", "groth16|plonk")
	f.StringVar(&opt.Weights, "weights", "", "fixed|private|hashed")
	f.StringVar(&opt.Input, "input", "", "public|private|hashed")
	dir := f.String("dir", "", "output directory")
	srsCache := f.String("srs-cache", "", "PLONK SRS cache directory")
	if err := f.parse(args, "model", "system", "weights", "input", "dir"); err != nil {
		return err
	}
	if err := opt.check(); err != nil {
		return usagef("%v", err)
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	if err := makeDir(*dir); err != nil {
		return err
	}
	info, err := setup(m, opt, *dir, *srsCache)
	if err != nil {
		return err
	}
	return writeJSON(filepath.Join(*dir, "setup.json"), info)
}

func compileCircuit(m *Model, opt Options) (constraint.ConstraintSystem, error) {
	var builder frontend.NewBuilder = r1cs.NewBuilder
	if opt.System == "plonk" {
		builder = scs.NewBuilder
	}
	// Public inputs that no constraint uses (an input pixel whose fixed
	// weights are all zero) are allowed: the outputs do not depend on them.
	ccs, err := frontend.Compile(field, builder, newCircuit(m, opt), frontend.IgnoreUnconstrainedInputs())
	if err != nil {
		return nil, fmt.Errorf("compiling the circuit: %v", err)
	}
	return ccs, nil
}

func setup(m *Model, opt Options, dir, srsCache string) (*SetupInfo, error) {
	info := &SetupInfo{System: opt.System, Curve: "bn254", Weights: opt.Weights, Input: opt.Input,
		Model: m.Name, Fingerprint: m.Fingerprint, NIn: m.NIn(), Classes: m.Classes,
		Threads: runtime.GOMAXPROCS(0), Gnark: versionLine()}
	t := time.Now()
	ccs, err := compileCircuit(m, opt)
	if err != nil {
		return nil, err
	}
	info.CompileS = since(t)
	info.Constraints = ccs.GetNbConstraints()
	info.Public = ccs.GetNbPublicVariables()
	if opt.System == "groth16" {
		info.Public-- // the R1CS constant-one wire (PLONK has none)
	}
	if want := len(publicNames(m, opt)); info.Public != want {
		return nil, fmt.Errorf("internal: %d public variables, want %d", info.Public, want)
	}
	info.Secret = ccs.GetNbSecretVariables()
	info.Internal = ccs.GetNbInternalVariables()
	if c := ccs.GetCommitments(); c != nil {
		info.Commitments = len(c.CommitmentIndexes())
	}

	var pk provingKey
	var vk verifyingKey
	if opt.System == "groth16" {
		t = time.Now()
		gpk, gvk, err := groth16.Setup(ccs)
		if err != nil {
			return nil, fmt.Errorf("groth16 setup: %v", err)
		}
		info.KeysS = since(t)
		pk, vk = gpk, gvk
		info.Srs = "TESTING ONLY: groth16.Setup in this process with random toxic waste (no ceremony)"
	} else {
		var kzgOpts []unsafekzg.Option
		if srsCache != "" {
			if err := os.MkdirAll(srsCache, 0o755); err != nil {
				return nil, fmt.Errorf("creating SRS cache %s: %v", srsCache, err)
			}
			kzgOpts = append(kzgOpts, unsafekzg.WithCacheDir(srsCache))
			// the file name unsafekzg uses (kzgsrs.go, cacheKey)
			size := ecc.NextPowerOfTwo(uint64(ccs.GetNbConstraints()+ccs.GetNbPublicVariables())) + 3
			_, err := os.Stat(filepath.Join(srsCache, fmt.Sprintf("kzgsrs-%s-%d", ecc.BN254.String(), size)))
			info.SrsCached = err == nil
		}
		t = time.Now()
		srs, srsL, err := unsafekzg.NewSRS(ccs, kzgOpts...)
		if err != nil {
			return nil, fmt.Errorf("KZG SRS: %v", err)
		}
		info.SrsS = since(t)
		t = time.Now()
		ppk, pvk, err := plonk.Setup(ccs, srs, srsL)
		if err != nil {
			return nil, fmt.Errorf("plonk setup: %v", err)
		}
		info.KeysS = since(t)
		pk, vk = ppk, pvk
		info.Srs = "TESTING ONLY: KZG SRS from gnark test/unsafekzg.NewSRS (random toxic value known to the generating process, no ceremony)"
		if srsCache != "" {
			if info.SrsCached {
				info.Srs += "; read from the cache " + srsCache
			} else {
				info.Srs += "; generated now and written to the cache " + srsCache
			}
		}
	}
	if info.CcsBytes, err = writeTo(filepath.Join(dir, "circuit.ccs"), ccs); err != nil {
		return nil, err
	}
	if info.PkBytes, err = writeTo(filepath.Join(dir, "pk.bin"), rawWriter{pk}); err != nil {
		return nil, err
	}
	if info.VkBytes, err = writeTo(filepath.Join(dir, "vk.bin"), vk); err != nil {
		return nil, err
	}
	return info, nil
}

// ---- witness

// assignment evaluates the model natively and returns the full assignment
// and the outputs. wcommit/incommit are nil unless hashed.
func assignment(m *Model, opt Options, x []*big.Int) (a *Circuit, y []*big.Int, wc, ic *big.Int, err error) {
	return assignmentLie(m, opt, x, "")
}

// assignmentLie: the outputs come from evalLie(lie).
func assignmentLie(m *Model, opt Options, x []*big.Int, lie string) (a *Circuit, y []*big.Int, wc, ic *big.Int, err error) {
	y, err = evalLie(m, x, lie)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("evaluating the model: %v", err)
	}
	a = newCircuit(m, opt)
	fe := func(v *big.Int) frontend.Variable { e := toFr(v); return e.BigInt(new(big.Int)) }
	for i := range y {
		a.Y[i] = fe(y[i])
	}
	for i := range x {
		if opt.Input == "public" {
			a.XPub[i] = fe(x[i])
		} else {
			a.XSec[i] = fe(x[i])
		}
	}
	if opt.Input == "hashed" {
		ic = mimcCommit(x)
		a.InCommit[0] = ic
	}
	if opt.Weights != "fixed" {
		p := int64sToBig(m.Params())
		for i := range p {
			a.Params[i] = fe(p[i])
		}
		if opt.Weights == "hashed" {
			wc = mimcCommit(p)
			a.WCommit[0] = wc
		}
	}
	return a, y, wc, ic, nil
}

// modelMatches checks that the model is the one the setup was made for.
func modelMatches(m *Model, s *SetupInfo) error {
	if m.Fingerprint != s.Fingerprint || m.NIn() != s.NIn || m.Classes != s.Classes {
		return fmt.Errorf("model (fingerprint %q) is not the one the setup was made for (fingerprint %q)", m.Fingerprint, s.Fingerprint)
	}
	return nil
}

// loadSetupModel reads the setup info in dir and the model at path, which
// must be the one the setup was made for.
func loadSetupModel(dir, path string) (*SetupInfo, *Model, error) {
	s, err := loadSetup(dir)
	if err != nil {
		return nil, nil, err
	}
	m, err := loadModel(path)
	if err != nil {
		return nil, nil, err
	}
	if err := modelMatches(m, s); err != nil {
		return nil, nil, err
	}
	return s, m, nil
}

// newWitness is the full witness of an assignment.
func newWitness(a *Circuit) (witness.Witness, error) {
	w, err := frontend.NewWitness(a, field)
	if err != nil {
		return nil, fmt.Errorf("building the witness: %v", err)
	}
	return w, nil
}

type witnessInfo struct {
	SolveS   float64    `json:"solve_s"`
	Outputs  []*big.Int `json:"outputs"`
	WCommit  string     `json:"wcommit,omitempty"`
	InCommit string     `json:"incommit,omitempty"`
}

func cmdWitness(args []string, _ io.Writer) error {
	f := newFlags("witness")
	model := f.String("model", "", "model JSON")
	dir := f.String("dir", "", "setup directory")
	xPath := f.String("x", "", "input JSON {\"x\":[...]}")
	out := f.String("out", "", "output directory")
	if err := f.parse(args, "model", "dir", "x", "out"); err != nil {
		return err
	}
	s, m, err := loadSetupModel(*dir, *model)
	if err != nil {
		return err
	}
	x, err := loadX(*xPath, m)
	if err != nil {
		return err
	}
	a, y, wc, ic, err := assignment(m, s.opts(), x)
	if err != nil {
		return err
	}
	w, err := newWitness(a)
	if err != nil {
		return err
	}
	ccs, err := loadCCS(*dir, s.System)
	if err != nil {
		return err
	}
	t := time.Now()
	if err := solveCheck(ccs, w); err != nil {
		return fmt.Errorf("the witness does not satisfy the circuit: %v", err)
	}
	info := witnessInfo{SolveS: since(t), Outputs: y}
	if wc != nil {
		info.WCommit = wc.String()
	}
	if ic != nil {
		info.InCommit = ic.String()
	}
	if err := makeDir(*out); err != nil {
		return err
	}
	if err := saveWitness(filepath.Join(*out, "witness.bin"), w, "witness"); err != nil {
		return err
	}
	return writeJSON(filepath.Join(*out, "witness.json"), info)
}

// ---- prove

type proveInfo struct {
	LoadS                float64 `json:"load_s"`
	ProveS               float64 `json:"prove_s"`
	ProofBytes           int64   `json:"proof_bytes"`
	ProofCompressedBytes int64   `json:"proof_compressed_bytes"`
	Threads              int     `json:"threads"`
}

func cmdProve(args []string, _ io.Writer) error {
	f := newFlags("prove")
	dir := f.String("dir", "", "setup directory")
	wPath := f.String("witness", "", "witness.bin")
	out := f.String("out", "", "output directory")
	if err := f.parse(args, "dir", "witness", "out"); err != nil {
		return err
	}
	t := time.Now()
	s, err := loadSetup(*dir)
	if err != nil {
		return err
	}
	w, err := loadWitness(*wPath, "witness")
	if err != nil {
		return err
	}
	ccs, pk, err := loadProver(*dir, s.System)
	if err != nil {
		return err
	}
	info := proveInfo{LoadS: since(t), Threads: runtime.GOMAXPROCS(0)}
	t = time.Now()
	p, err := prove(s.System, ccs, pk, w)
	if err != nil {
		return fmt.Errorf("proving: %v", err)
	}
	info.ProveS = since(t)
	pub, err := w.Public()
	if err != nil {
		return fmt.Errorf("public witness: %v", err)
	}
	var raw bytes.Buffer
	if info.ProofBytes, err = p.WriteRawTo(&raw); err != nil {
		return fmt.Errorf("encoding the proof: %v", err)
	}
	if err := makeDir(*out); err != nil {
		return err
	}
	if info.ProofCompressedBytes, err = writeTo(filepath.Join(*out, "proof.bin"), p); err != nil {
		return err
	}
	if err := saveWitness(filepath.Join(*out, "public.bin"), pub, "public witness"); err != nil {
		return err
	}
	return writeJSON(filepath.Join(*out, "prove.json"), info)
}

// ---- verify

type verifyInfo struct {
	OK      bool     `json:"ok"`
	Public  []string `json:"public"`
	LoadS   float64  `json:"load_s"`
	VerifyS float64  `json:"verify_s"`
}

func publicStrings(pub witness.Witness) ([]string, error) {
	vec, ok := pub.Vector().(fr.Vector)
	if !ok {
		return nil, fmt.Errorf("public witness is not a BN254 vector")
	}
	out := make([]string, len(vec))
	for i := range vec {
		out[i] = vec[i].BigInt(new(big.Int)).String()
	}
	return out, nil
}

func cmdVerify(args []string, _ io.Writer) error {
	f := newFlags("verify")
	dir := f.String("dir", "", "setup directory")
	proofPath := f.String("proof", "", "proof.bin")
	pubPath := f.String("public", "", "public.bin")
	out := f.String("out", "", "result JSON")
	if err := f.parse(args, "dir", "proof", "public", "out"); err != nil {
		return err
	}
	t := time.Now()
	s, vk, p, pub, err := loadVerifier(*dir, *proofPath, *pubPath)
	if err != nil {
		return err
	}
	info := verifyInfo{LoadS: since(t)}
	if info.Public, err = publicStrings(pub); err != nil {
		return err
	}
	t = time.Now()
	if err := verify(s.System, p, vk, pub); err != nil {
		return invalidProof{err}
	}
	info.VerifyS = since(t)
	info.OK = true
	return writeJSON(*out, info)
}

// ---- commit

func cmdCommit(args []string, stdout io.Writer) error {
	f := newFlags("commit")
	path := f.String("values", "", "file with one decimal integer per line")
	if err := f.parse(args, "values"); err != nil {
		return err
	}
	data, err := os.ReadFile(*path)
	if err != nil {
		return fmt.Errorf("reading values: %v", err)
	}
	var vals []*big.Int
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		v, ok := new(big.Int).SetString(line, 10)
		if !ok {
			return fmt.Errorf("values %s line %d: %q is not a decimal integer", *path, i+1, line)
		}
		vals = append(vals, v)
	}
	fmt.Fprintln(stdout, mimcCommit(vals).String())
	return nil
}

// ---- cheat

type cheatInfo struct {
	Kind           string `json:"kind"`
	SolverRejected bool   `json:"solver_rejected"`
	SolverError    string `json:"solver_error"`
	ProofMade      bool   `json:"proof_made"`
	ProofVerified  bool   `json:"proof_verified"`
	ProveError     string `json:"prove_error,omitempty"`
	// kind "output" only: the honest proof checked against the public
	// inputs with Y[0]+1.
	HonestProofOnCheatPublicVerified *bool `json:"honest_proof_on_cheat_public_verified,omitempty"`
}

// cheatHints returns the lying hint for kind, applied to the first
// division (index 0) or the first relu (index 0).
func cheatHints(kind string) ([]solver.Option, error) {
	switch kind {
	case "remainder", "quotient":
		lie := func(mod *big.Int, in, out []*big.Int) error {
			if err := divHint(mod, in, out); err != nil {
				return err
			}
			if in[2].Sign() != 0 {
				return nil
			}
			d := in[1]
			q, r := signedOf(out[0], mod), out[1]
			if kind == "remainder" { // r+d with q-1
				q.Sub(q, big.NewInt(1))
				r.Add(r, d)
			} else { // q+1 with r-d
				q.Add(q, big.NewInt(1))
				r.Sub(r, d)
			}
			out[0].Mod(q, mod)
			out[1].Mod(r, mod)
			return nil
		}
		return []solver.Option{solver.OverrideHint(solver.GetHintID(divHint), lie)}, nil
	case "relu":
		lie := func(mod *big.Int, in, out []*big.Int) error {
			if err := signHint(mod, in, out); err != nil {
				return err
			}
			if in[1].Sign() == 0 {
				out[0].Sub(big.NewInt(1), out[0])
			}
			return nil
		}
		return []solver.Option{solver.OverrideHint(solver.GetHintID(signHint), lie)}, nil
	case "output":
		return nil, nil
	}
	return nil, usagef("kind %q: want remainder, quotient, relu or output", kind)
}

func hasOp(m *Model, kind string) bool {
	for _, l := range m.Layers {
		switch {
		case kind == "relu" && l.Op == "relu":
			return true
		case (kind == "remainder" || kind == "quotient") && l.Divisor > 1 &&
			(l.Op == "dense" || l.Op == "conv2d" || l.Op == "avgpool2d"):
			return true
		}
	}
	return kind == "output"
}

func cmdCheat(args []string, stdout io.Writer) error {
	f := newFlags("cheat")
	model := f.String("model", "", "model JSON")
	dir := f.String("dir", "", "setup directory")
	xPath := f.String("x", "", "input JSON")
	kind := f.String("kind", "", "remainder|quotient|relu|output")
	out := f.String("out", "", "output directory")
	if err := f.parse(args, "model", "dir", "x", "kind", "out"); err != nil {
		return err
	}
	sopts, err := cheatHints(*kind)
	if err != nil {
		return err
	}
	s, m, err := loadSetupModel(*dir, *model)
	if err != nil {
		return err
	}
	if !hasOp(m, *kind) {
		return fmt.Errorf("cheat %s: the model has no %s to lie about", *kind, map[string]string{
			"relu": "relu", "remainder": "division (divisor > 1)", "quotient": "division (divisor > 1)"}[*kind])
	}
	x, err := loadX(*xPath, m)
	if err != nil {
		return err
	}
	// the lying kinds get outputs consistent with the lie
	lie := *kind
	if lie == "output" {
		lie = ""
	}
	a, _, _, _, err := assignmentLie(m, s.opts(), x, lie)
	if err != nil {
		return err
	}
	if *kind == "output" {
		y0 := new(big.Int).Add(a.Y[0].(*big.Int), big.NewInt(1))
		a.Y[0] = y0.Mod(y0, field)
	}
	w, err := newWitness(a)
	if err != nil {
		return err
	}
	pub, err := w.Public()
	if err != nil {
		return err
	}
	ccs, pk, err := loadProver(*dir, s.System)
	if err != nil {
		return err
	}
	vk, err := loadVK(*dir, s.System)
	if err != nil {
		return err
	}
	info := cheatInfo{Kind: *kind}
	if err := solveCheck(ccs, w, sopts...); err != nil {
		info.SolverRejected = true
		info.SolverError = oneLine(err.Error())
	}
	// gnark v0.14.0 has no backend.IgnoreSolverError: Prove runs the same
	// solver and refuses an unsatisfied witness, so no proof is made then.
	p, err := prove(s.System, ccs, pk, w, backend.WithSolverOptions(sopts...))
	if err != nil {
		info.ProveError = oneLine(err.Error())
	} else {
		info.ProofMade = true
		info.ProofVerified = verify(s.System, p, vk, pub) == nil
	}
	if *kind == "output" {
		// the honest proof must not verify against the lying output
		hw, err := func() (witness.Witness, error) {
			a, _, _, _, err := assignment(m, s.opts(), x)
			if err != nil {
				return nil, err
			}
			return frontend.NewWitness(a, field)
		}()
		if err != nil {
			return err
		}
		hp, err := prove(s.System, ccs, pk, hw)
		if err != nil {
			return fmt.Errorf("honest proof: %v", err)
		}
		ok := verify(s.System, hp, vk, pub) == nil
		info.HonestProofOnCheatPublicVerified = &ok
	}
	if err := makeDir(*out); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(*out, "cheat_"+*kind+".json"), info); err != nil {
		return err
	}
	return printJSON(stdout, info)
}
