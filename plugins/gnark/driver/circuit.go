package main

// The circuit, defined at run time from the model (slices sized before
// frontend.Compile), and its hints.

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/mimc"
	"github.com/consensys/gnark/std/rangecheck"
)

// Options are the circuit's modes, stored in setup.json.
type Options struct {
	System  string `json:"system"`  // groth16 | plonk
	Weights string `json:"weights"` // fixed | private | hashed
	Input   string `json:"input"`   // public | private | hashed
}

func (o Options) check() error {
	switch o.System {
	case "groth16", "plonk":
	default:
		return fmt.Errorf("system %q: want groth16 or plonk", o.System)
	}
	switch o.Weights {
	case "fixed", "private", "hashed":
	default:
		return fmt.Errorf("weights %q: want fixed, private or hashed", o.Weights)
	}
	switch o.Input {
	case "public", "private", "hashed":
	default:
		return fmt.Errorf("input %q: want public, private or hashed", o.Input)
	}
	return nil
}

// Circuit: the public variables come first, in declaration order:
// Y[classes], WCommit (weights=hashed), InCommit (input=hashed), XPub
// (input=public). Unused slices have length 0.
type Circuit struct {
	Y        []frontend.Variable `gnark:",public"`
	WCommit  []frontend.Variable `gnark:",public"`
	InCommit []frontend.Variable `gnark:",public"`
	XPub     []frontend.Variable `gnark:",public"`
	XSec     []frontend.Variable `gnark:",secret"`
	Params   []frontend.Variable `gnark:",secret"` // weights=private|hashed: each layer's weights then bias

	model *Model
	opt   Options
}

// newCircuit returns a circuit (or an empty assignment) with every slice sized.
func newCircuit(m *Model, opt Options) *Circuit {
	c := &Circuit{model: m, opt: opt, Y: make([]frontend.Variable, m.Classes)}
	if opt.Weights == "hashed" {
		c.WCommit = make([]frontend.Variable, 1)
	}
	if opt.Input == "hashed" {
		c.InCommit = make([]frontend.Variable, 1)
	}
	if opt.Input == "public" {
		c.XPub = make([]frontend.Variable, m.NIn())
	} else {
		c.XSec = make([]frontend.Variable, m.NIn())
	}
	if opt.Weights != "fixed" {
		c.Params = make([]frontend.Variable, m.NParams())
	}
	return c
}

func pow2(b int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(b)) }

// ---- hints. Inputs and outputs are canonical field elements.

// divHint: in = (v, d, index) -> (q, r) with v = q*d + r, 0 <= r < d, v read
// as a signed integer (floor division).
func divHint(mod *big.Int, in, out []*big.Int) error {
	if len(in) != 3 || len(out) != 2 {
		return fmt.Errorf("divHint: bad arity")
	}
	a := signedOf(in[0], mod)
	if in[1].Sign() <= 0 {
		return fmt.Errorf("divHint: divisor %s", in[1])
	}
	q, r := new(big.Int).DivMod(a, in[1], new(big.Int))
	out[0].Mod(q, mod)
	out[1].Set(r)
	return nil
}

// signHint: in = (z, index) -> s = 1 if z >= 0 (signed) else 0.
func signHint(mod *big.Int, in, out []*big.Int) error {
	if len(in) != 2 || len(out) != 1 {
		return fmt.Errorf("signHint: bad arity")
	}
	if signedOf(in[0], mod).Sign() >= 0 {
		out[0].SetInt64(1)
	} else {
		out[0].SetInt64(0)
	}
	return nil
}

// geHint: in = (a, b) -> s = 1 if a >= b (signed) else 0.
func geHint(mod *big.Int, in, out []*big.Int) error {
	if len(in) != 2 || len(out) != 1 {
		return fmt.Errorf("geHint: bad arity")
	}
	if signedOf(in[0], mod).Cmp(signedOf(in[1], mod)) >= 0 {
		out[0].SetInt64(1)
	} else {
		out[0].SetInt64(0)
	}
	return nil
}

func init() {
	solver.RegisterHint(divHint, signHint, geHint)
}

// ---- gadgets

type gadgets struct {
	api   frontend.API
	rc    frontend.Rangechecker
	nDiv  int // hinted divisions so far (their index is a hint input, for the cheat tests)
	nRelu int
}

// checkSigned constrains v to -2^(b-1) <= v < 2^(b-1).
func (g *gadgets) checkSigned(v frontend.Variable, b int) {
	g.rc.Check(g.api.Add(v, pow2(b-1)), b)
}

// div returns q = floor((a + rnd) / d), with a + rnd = q*d + r, 0 <= r < d and
// (if checkQ) q of signed width qb. For d == 1 q is a itself.
func (g *gadgets) div(a frontend.Variable, d, rnd int64, qb int, checkQ bool) (frontend.Variable, error) {
	api := g.api
	var q frontend.Variable
	if d == 1 {
		q = a // rnd is 0 for d == 1 in both roundings
	} else {
		v := api.Add(a, rnd)
		res, err := api.Compiler().NewHint(divHint, 2, v, d, g.nDiv)
		if err != nil {
			return nil, err
		}
		g.nDiv++
		q, r := res[0], res[1]
		api.AssertIsEqual(api.Add(api.Mul(q, d), r), v)
		if d&(d-1) == 0 {
			g.rc.Check(r, bitLen(d)-1) // r < d = 2^k
		} else {
			kb := bitLen(d) // 2^(kb-1) < d < 2^kb
			g.rc.Check(r, kb)
			g.rc.Check(api.Add(r, new(big.Int).Sub(pow2(kb), big.NewInt(d))), kb) // r + 2^kb - d < 2^kb  <=>  r < d
		}
		if checkQ {
			g.checkSigned(q, qb)
		}
		return q, nil
	}
	if checkQ {
		g.checkSigned(q, qb)
	}
	return q, nil
}

// relu returns max(0, z) for z of signed width w.
func (g *gadgets) relu(z frontend.Variable, w int) (frontend.Variable, error) {
	api := g.api
	res, err := api.Compiler().NewHint(signHint, 1, z, g.nRelu)
	if err != nil {
		return nil, err
	}
	g.nRelu++
	s := res[0]
	api.AssertIsBoolean(s)
	y := api.Mul(s, z)
	// u = z (s = 1) or -z-1 (s = 0); u in [0, 2^(w-1)) proves s = [z >= 0]
	// and bounds z to [-2^(w-1), 2^(w-1)).
	u := api.Add(api.Sub(api.Mul(y, 2), z), api.Sub(s, 1))
	g.rc.Check(u, w-1)
	return y, nil
}

// max returns max(a, b) for a, b of signed width w.
func (g *gadgets) max(a, b frontend.Variable, w int) (frontend.Variable, error) {
	api := g.api
	res, err := api.Compiler().NewHint(geHint, 1, a, b)
	if err != nil {
		return nil, err
	}
	s := res[0]
	api.AssertIsBoolean(s)
	diff := api.Sub(a, b)
	sd := api.Mul(s, diff)
	y := api.Add(b, sd)
	// u = (2s-1)(a-b) - 1 + s: a-b (s = 1) or b-a-1 (s = 0), in [0, 2^w).
	u := api.Add(api.Sub(api.Mul(sd, 2), diff), api.Sub(s, 1))
	g.rc.Check(u, w)
	return y, nil
}

func bitLen(d int64) int { return big.NewInt(d).BitLen() }

// sum returns the sum of terms (at least one).
func sum(api frontend.API, terms []frontend.Variable) frontend.Variable {
	switch len(terms) {
	case 1:
		return terms[0]
	case 2:
		return api.Add(terms[0], terms[1])
	default:
		return api.Add(terms[0], terms[1], terms[2:]...)
	}
}

func (c *Circuit) Define(api frontend.API) error {
	m, opt := c.model, c.opt
	g := &gadgets{api: api, rc: rangecheck.New(api)}

	// input
	var x []frontend.Variable
	if opt.Input == "public" {
		x = c.XPub
	} else {
		x = c.XSec
		for _, v := range x {
			g.checkSigned(v, width(m.Input.Bits))
		}
	}
	if opt.Input == "hashed" {
		h, err := mimc.NewMiMC(api)
		if err != nil {
			return err
		}
		h.Write(x...)
		api.AssertIsEqual(c.InCommit[0], h.Sum())
	}

	// parameters
	if opt.Weights == "hashed" {
		h, err := mimc.NewMiMC(api)
		if err != nil {
			return err
		}
		h.Write(c.Params...)
		api.AssertIsEqual(c.WCommit[0], h.Sum())
	}
	pi := 0
	param := func(v int64) frontend.Variable {
		if opt.Weights == "fixed" {
			return v
		}
		p := c.Params[pi]
		pi++
		return p
	}
	params := func(vals []int64) []frontend.Variable {
		out := make([]frontend.Variable, len(vals))
		for i, v := range vals {
			out[i] = param(v)
		}
		return out
	}
	// mac appends w*x to terms (a fixed zero weight adds nothing)
	mac := func(terms []frontend.Variable, w, xv frontend.Variable) []frontend.Variable {
		if opt.Weights == "fixed" && w.(int64) == 0 {
			return terms
		}
		return append(terms, api.Mul(w, xv))
	}

	cur := x
	for li := range m.Layers {
		l := &m.Layers[li]
		qb := width(l.OutBits)
		// The quotient's own width check may be left out when the next
		// layer is a relu whose input width is at most qb: the relu's check
		// (u = z or -z-1 in [0, 2^(w-1))) constrains that same variable to
		// [-2^(w-1), 2^(w-1)) which is within [-2^(qb-1), 2^(qb-1)). Sound
		// because the quotient is the relu's input variable itself.
		checkQ := true
		if li+1 < len(m.Layers) && m.Layers[li+1].Op == "relu" && width(m.Layers[li+1].InBits) <= qb {
			checkQ = false
		}
		next := make([]frontend.Variable, prod(l.Out))
		var err error
		switch l.Op {
		case "flatten":
			copy(next, cur)
		case "relu":
			w := width(l.InBits)
			for i := range cur {
				if next[i], err = g.relu(cur[i], w); err != nil {
					return err
				}
			}
		case "dense":
			n := prod(l.In)
			W := params(l.Weights)
			B := params(l.Bias)
			for o := range next {
				terms := []frontend.Variable{B[o]}
				for k := 0; k < n; k++ {
					terms = mac(terms, W[o*n+k], cur[k])
				}
				if next[o], err = g.div(sum(api, terms), l.Divisor, m.rnd(l.Divisor), qb, checkQ); err != nil {
					return err
				}
			}
		case "conv2d":
			IC, IH, IW := l.In[0], l.In[1], l.In[2]
			OC, OH, OW := l.Out[0], l.Out[1], l.Out[2]
			KH, KW, SH, SW := l.Kernel[0], l.Kernel[1], l.Stride[0], l.Stride[1]
			W := params(l.Weights)
			B := params(l.Bias)
			for oc := 0; oc < OC; oc++ {
				for oy := 0; oy < OH; oy++ {
					for ox := 0; ox < OW; ox++ {
						terms := []frontend.Variable{B[oc]}
						for ic := 0; ic < IC; ic++ {
							for ky := 0; ky < KH; ky++ {
								for kx := 0; kx < KW; kx++ {
									terms = mac(terms, W[((oc*IC+ic)*KH+ky)*KW+kx], cur[(ic*IH+oy*SH+ky)*IW+ox*SW+kx])
								}
							}
						}
						if next[(oc*OH+oy)*OW+ox], err = g.div(sum(api, terms), l.Divisor, m.rnd(l.Divisor), qb, checkQ); err != nil {
							return err
						}
					}
				}
			}
		case "avgpool2d", "maxpool2d":
			w := width(l.InBits)
			err = pool2d(l, cur, next, func(win []frontend.Variable) (frontend.Variable, error) {
				if l.Op == "avgpool2d" {
					return g.div(sum(api, win), l.Divisor, m.rnd(l.Divisor), qb, checkQ)
				}
				y := win[0]
				var err error
				for j := 1; j < len(win) && err == nil; j++ {
					y, err = g.max(win[j], y, w)
				}
				return y, err
			})
			if err != nil {
				return err
			}
		case "pad2d":
			pad2d(l, cur, next, func() frontend.Variable { return 0 })
		default:
			return fmt.Errorf("layer %d: unknown op %q", li, l.Op)
		}
		cur = next
	}
	if pi != len(c.Params) {
		return fmt.Errorf("internal: used %d of %d parameters", pi, len(c.Params))
	}
	for o := range c.Y {
		api.AssertIsEqual(c.Y[o], cur[o])
	}
	return nil
}
