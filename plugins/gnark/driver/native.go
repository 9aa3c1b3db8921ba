package main

// Native (math/big) evaluation, bit for bit the host's fixed-point reference,
// and the MiMC commitment chain.

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/mimc"
)

// floorDiv returns floor((a + rnd) / d) for d >= 1 (big.Int.Div is Euclidean,
// which is floor division for a positive divisor).
func floorDiv(a *big.Int, rnd, d int64) *big.Int {
	t := new(big.Int).Add(a, big.NewInt(rnd))
	return t.Div(t, big.NewInt(d))
}

func fits(v *big.Int, bits int) bool {
	lim := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	return v.Cmp(lim) < 0 && v.Cmp(new(big.Int).Neg(lim)) >= 0
}

// evalNative runs the model on x and returns the outputs. It fails when a value
// leaves the signed width the model declares for it (the circuit could not
// prove such a run).
func evalNative(m *Model, x []*big.Int) ([]*big.Int, error) { return evalLie(m, x, "") }

// evalLie is evalNative with the cheat tests' lie applied to the first hinted
// division (lie "remainder": q-1, "quotient": q+1) or the first relu (lie
// "relu": the sign bit flipped), so that the outputs are consistent with the
// lying hint and only the gadget's own checks can catch it. Widths are not
// checked when lying.
func evalLie(m *Model, x []*big.Int, lie string) ([]*big.Int, error) {
	cur := x
	nDiv, nRelu := 0, 0
	div := func(a *big.Int, d int64) *big.Int {
		q := floorDiv(a, m.rnd(d), d)
		if d > 1 {
			if nDiv == 0 && lie == "remainder" {
				q.Sub(q, big.NewInt(1))
			} else if nDiv == 0 && lie == "quotient" {
				q.Add(q, big.NewInt(1))
			}
			nDiv++
		}
		return q
	}
	for li := range m.Layers {
		l := &m.Layers[li]
		in := width(l.InBits)
		for i, v := range cur {
			if lie == "" && (l.Op == "relu" || l.Op == "maxpool2d") && !fits(v, in) { // their gadgets use in_bits
				return nil, fmt.Errorf("layer %d (%s): input %d = %s does not fit in_bits %d", li, l.Op, i, v, in)
			}
		}
		next := make([]*big.Int, prod(l.Out))
		switch l.Op {
		case "flatten":
			copy(next, cur)
		case "relu":
			for i, v := range cur {
				pos := v.Sign() >= 0
				if nRelu == 0 && lie == "relu" {
					pos = !pos
				}
				nRelu++
				if pos {
					next[i] = v
				} else {
					next[i] = new(big.Int)
				}
			}
		case "dense":
			n := prod(l.In)
			for o := range next {
				acc := big.NewInt(l.Bias[o])
				for k := 0; k < n; k++ {
					acc.Add(acc, new(big.Int).Mul(big.NewInt(l.Weights[o*n+k]), cur[k]))
				}
				next[o] = div(acc, l.Divisor)
			}
		case "conv2d":
			IC, IH, IW := l.In[0], l.In[1], l.In[2]
			OC, OH, OW := l.Out[0], l.Out[1], l.Out[2]
			KH, KW, SH, SW := l.Kernel[0], l.Kernel[1], l.Stride[0], l.Stride[1]
			for oc := 0; oc < OC; oc++ {
				for oy := 0; oy < OH; oy++ {
					for ox := 0; ox < OW; ox++ {
						acc := big.NewInt(l.Bias[oc])
						for ic := 0; ic < IC; ic++ {
							for ky := 0; ky < KH; ky++ {
								for kx := 0; kx < KW; kx++ {
									w := l.Weights[((oc*IC+ic)*KH+ky)*KW+kx]
									xv := cur[(ic*IH+oy*SH+ky)*IW+ox*SW+kx]
									acc.Add(acc, new(big.Int).Mul(big.NewInt(w), xv))
								}
							}
						}
						next[(oc*OH+oy)*OW+ox] = div(acc, l.Divisor)
					}
				}
			}
		case "avgpool2d", "maxpool2d":
			// the window's sum (avgpool2d) or maximum (maxpool2d)
			_ = pool2d(l, cur, next, func(win []*big.Int) (*big.Int, error) {
				acc := new(big.Int).Set(win[0])
				for _, v := range win[1:] {
					if l.Op == "avgpool2d" {
						acc.Add(acc, v)
					} else if v.Cmp(acc) > 0 {
						acc.Set(v)
					}
				}
				if l.Op == "avgpool2d" {
					acc = div(acc, l.Divisor)
				}
				return acc, nil
			})
		case "pad2d":
			pad2d(l, cur, next, func() *big.Int { return new(big.Int) })
		default:
			return nil, fmt.Errorf("layer %d: unknown op %q", li, l.Op)
		}
		out := width(l.OutBits)
		for i, v := range next {
			if lie == "" && !fits(v, out) {
				return nil, fmt.Errorf("layer %d (%s): output %d = %s does not fit out_bits %d", li, l.Op, i, v, out)
			}
		}
		cur = next
	}
	return cur, nil
}

// toFr reduces a signed integer into the field (negative v becomes p - |v|).
func toFr(v *big.Int) fr.Element {
	var e fr.Element
	e.SetBigInt(v) // SetBigInt reduces modulo p, negatives included
	return e
}

// signedOf maps a field element's canonical value back to a signed integer:
// values above p/2 are negative.
func signedOf(v *big.Int, mod *big.Int) *big.Int {
	half := new(big.Int).Rsh(mod, 1)
	if v.Cmp(half) > 0 {
		return new(big.Int).Sub(v, mod)
	}
	return new(big.Int).Set(v)
}

// mimcCommit is the MiMC (BN254, gnark-crypto) chain over vals, each written
// as one field element: the value the circuit's std/hash/mimc computes.
func mimcCommit(vals []*big.Int) *big.Int {
	h := mimc.NewMiMC()
	for _, v := range vals {
		e := toFr(v)
		b := e.Bytes()
		if _, err := h.Write(b[:]); err != nil {
			panic(err) // cannot happen: e is reduced
		}
	}
	var out fr.Element
	out.SetBytes(h.Sum(nil))
	return out.BigInt(new(big.Int))
}

func int64sToBig(v []int64) []*big.Int {
	out := make([]*big.Int, len(v))
	for i, x := range v {
		out[i] = big.NewInt(x)
	}
	return out
}
