package main

// The model file written by the C plugin ("zkmlbench-gnark/1") and its checks.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
)

const modelFormat = "zkmlbench-gnark/1"

// maxBits bounds every signed width: values and range checks must stay far
// below the 254-bit field so that the division equations hold over the
// integers (a + rnd = q*d + r cannot wrap around p).
const maxBits = 200

type Input struct {
	C    int `json:"c"`
	H    int `json:"h"`
	W    int `json:"w"`
	Bits int `json:"bits"`
}

type Layer struct {
	Op      string  `json:"op"`
	In      []int   `json:"in"`
	Out     []int   `json:"out"`
	InBits  int     `json:"in_bits"`
	OutBits int     `json:"out_bits"`
	Weights []int64 `json:"weights"`
	Bias    []int64 `json:"bias"`
	Divisor int64   `json:"divisor"`
	Kernel  []int   `json:"kernel"`
	Stride  []int   `json:"stride"`
	Pad     []int   `json:"pad"`
}

type Model struct {
	Format      string  `json:"format"`
	Name        string  `json:"name"`
	Fingerprint string  `json:"fingerprint"`
	Input       Input   `json:"input"`
	Classes     int     `json:"classes"`
	Rounding    string  `json:"rounding"`
	Layers      []Layer `json:"layers"`
}

// width returns the signed width used for a declared width b: max(b, 2).
func width(b int) int {
	if b < 2 {
		return 2
	}
	return b
}

// rnd returns the rounding offset added before a floor division by d.
func (m *Model) rnd(d int64) int64 {
	if m.Rounding == "half_up" {
		return d / 2
	}
	return 0
}

func (m *Model) NIn() int { return m.Input.C * m.Input.H * m.Input.W }

// NParams is the number of weights and biases (the private/hashed parameters).
func (m *Model) NParams() int {
	n := 0
	for i := range m.Layers {
		n += len(m.Layers[i].Weights) + len(m.Layers[i].Bias)
	}
	return n
}

// Params returns every weight and bias in commitment order: each layer's
// weights then its bias, in layer order.
func (m *Model) Params() []int64 {
	out := make([]int64, 0, m.NParams())
	for i := range m.Layers {
		out = append(out, m.Layers[i].Weights...)
		out = append(out, m.Layers[i].Bias...)
	}
	return out
}

func prod(s []int) int { return s[0] * s[1] * s[2] }

// ---- layer geometry, the same for the native evaluation and the circuit

// pool2d sets each output of a pooling layer (channel, row, column order) to
// reduce of its window: the inputs under the kernel, row by row.
func pool2d[T any](l *Layer, cur, next []T, reduce func(win []T) (T, error)) error {
	C, IH, IW := l.In[0], l.In[1], l.In[2]
	OH, OW := l.Out[1], l.Out[2]
	KH, KW, SH, SW := l.Kernel[0], l.Kernel[1], l.Stride[0], l.Stride[1]
	for ch := 0; ch < C; ch++ {
		for oy := 0; oy < OH; oy++ {
			for ox := 0; ox < OW; ox++ {
				win := make([]T, 0, KH*KW)
				for ky := 0; ky < KH; ky++ {
					for kx := 0; kx < KW; kx++ {
						win = append(win, cur[(ch*IH+oy*SH+ky)*IW+ox*SW+kx])
					}
				}
				y, err := reduce(win)
				if err != nil {
					return err
				}
				next[(ch*OH+oy)*OW+ox] = y
			}
		}
	}
	return nil
}

// pad2d places a pad2d layer's input in its output and fills the border
// with zero().
func pad2d[T any](l *Layer, cur, next []T, zero func() T) {
	C, IH, IW := l.In[0], l.In[1], l.In[2]
	OH, OW := l.Out[1], l.Out[2]
	top, left := l.Pad[0], l.Pad[1]
	for ch := 0; ch < C; ch++ {
		for y := 0; y < OH; y++ {
			for xx := 0; xx < OW; xx++ {
				if y >= top && y < top+IH && xx >= left && xx < left+IW {
					next[(ch*OH+y)*OW+xx] = cur[(ch*IH+y-top)*IW+xx-left]
				} else {
					next[(ch*OH+y)*OW+xx] = zero()
				}
			}
		}
	}
}

func loadModel(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading model: %v", err)
	}
	m, err := parseModel(data)
	if err != nil {
		return nil, fmt.Errorf("model %s: %v", path, err)
	}
	return m, nil
}

func parseModel(data []byte) (*Model, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m Model
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("bad JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("bad JSON: trailing data after the model object")
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func dims3(s []int) bool {
	if len(s) != 3 {
		return false
	}
	for _, v := range s {
		if v < 1 || v > 1<<20 {
			return false
		}
	}
	return int64(s[0])*int64(s[1])*int64(s[2]) <= 1<<26
}

func pair(s []int, min int) bool {
	return len(s) == 2 && s[0] >= min && s[1] >= min && s[0] <= 1<<20 && s[1] <= 1<<20
}

func (m *Model) validate() error {
	if m.Format != modelFormat {
		return fmt.Errorf("format is %q, want %q", m.Format, modelFormat)
	}
	if m.Rounding != "half_up" && m.Rounding != "floor" {
		return fmt.Errorf("rounding is %q, want \"half_up\" or \"floor\"", m.Rounding)
	}
	in := []int{m.Input.C, m.Input.H, m.Input.W}
	if !dims3(in) {
		return fmt.Errorf("bad input shape %v", in)
	}
	if m.Input.Bits < 1 || m.Input.Bits > maxBits {
		return fmt.Errorf("input bits %d out of [1, %d]", m.Input.Bits, maxBits)
	}
	if m.Classes < 1 {
		return fmt.Errorf("classes is %d, want >= 1", m.Classes)
	}
	if len(m.Layers) == 0 {
		return fmt.Errorf("no layers")
	}
	prev := in
	for i := range m.Layers {
		if err := m.Layers[i].validate(prev); err != nil {
			return fmt.Errorf("layer %d (%s): %v", i, m.Layers[i].Op, err)
		}
		prev = m.Layers[i].Out
	}
	if prod(prev) != m.Classes {
		return fmt.Errorf("last layer (%d) has %d outputs but classes is %d", len(m.Layers)-1, prod(prev), m.Classes)
	}
	return nil
}

func (l *Layer) validate(prev []int) error {
	if !dims3(l.In) {
		return fmt.Errorf("bad \"in\" shape %v", l.In)
	}
	if !dims3(l.Out) {
		return fmt.Errorf("bad \"out\" shape %v", l.Out)
	}
	if l.In[0] != prev[0] || l.In[1] != prev[1] || l.In[2] != prev[2] {
		return fmt.Errorf("\"in\" %v does not match the previous shape %v", l.In, prev)
	}
	if l.InBits < 1 || l.InBits > maxBits || l.OutBits < 1 || l.OutBits > maxBits {
		return fmt.Errorf("in_bits %d / out_bits %d out of [1, %d]", l.InBits, l.OutBits, maxBits)
	}
	noParams := func() error {
		if len(l.Weights) != 0 || len(l.Bias) != 0 {
			return fmt.Errorf("has weights or bias but takes none")
		}
		return nil
	}
	sameShape := func() error {
		if l.In[0] != l.Out[0] || l.In[1] != l.Out[1] || l.In[2] != l.Out[2] {
			return fmt.Errorf("\"out\" %v differs from \"in\" %v", l.Out, l.In)
		}
		return nil
	}
	divisor := func() error {
		if l.Divisor < 1 || l.Divisor > 1<<62 {
			return fmt.Errorf("divisor %d, want >= 1", l.Divisor)
		}
		return nil
	}
	window := func() error {
		if !pair(l.Kernel, 1) || !pair(l.Stride, 1) {
			return fmt.Errorf("bad kernel %v / stride %v", l.Kernel, l.Stride)
		}
		if l.Kernel[0] > l.In[1] || l.Kernel[1] > l.In[2] {
			return fmt.Errorf("kernel %v larger than the input %v", l.Kernel, l.In)
		}
		oh := (l.In[1]-l.Kernel[0])/l.Stride[0] + 1
		ow := (l.In[2]-l.Kernel[1])/l.Stride[1] + 1
		if l.Out[1] != oh || l.Out[2] != ow {
			return fmt.Errorf("\"out\" %v, want spatial size %dx%d", l.Out, oh, ow)
		}
		return nil
	}
	switch l.Op {
	case "flatten":
		if prod(l.In) != prod(l.Out) {
			return fmt.Errorf("\"out\" %v has a different size from \"in\" %v", l.Out, l.In)
		}
		return noParams()
	case "relu":
		if err := sameShape(); err != nil {
			return err
		}
		return noParams()
	case "dense":
		if l.Out[0] != 1 || l.Out[1] != 1 {
			return fmt.Errorf("\"out\" %v, want [1,1,units]", l.Out)
		}
		n, u := prod(l.In), l.Out[2]
		if len(l.Weights) != n*u {
			return fmt.Errorf("%d weights, want %d (units %d x inputs %d)", len(l.Weights), n*u, u, n)
		}
		if len(l.Bias) != u {
			return fmt.Errorf("%d biases, want %d", len(l.Bias), u)
		}
		return divisor()
	case "conv2d":
		if err := window(); err != nil {
			return err
		}
		want := l.Out[0] * l.In[0] * l.Kernel[0] * l.Kernel[1]
		if len(l.Weights) != want {
			return fmt.Errorf("%d weights, want %d (oc %d x ic %d x %dx%d)", len(l.Weights), want, l.Out[0], l.In[0], l.Kernel[0], l.Kernel[1])
		}
		if len(l.Bias) != l.Out[0] {
			return fmt.Errorf("%d biases, want %d", len(l.Bias), l.Out[0])
		}
		return divisor()
	case "avgpool2d", "maxpool2d":
		if l.Out[0] != l.In[0] {
			return fmt.Errorf("\"out\" channels %d differ from \"in\" channels %d", l.Out[0], l.In[0])
		}
		if err := window(); err != nil {
			return err
		}
		if l.Op == "avgpool2d" {
			if err := divisor(); err != nil {
				return err
			}
		}
		return noParams()
	case "pad2d":
		if len(l.Pad) != 4 {
			return fmt.Errorf("\"pad\" %v, want [top,left,bottom,right]", l.Pad)
		}
		for _, p := range l.Pad {
			if p < 0 || p > 1<<20 {
				return fmt.Errorf("bad pad %v", l.Pad)
			}
		}
		if l.Out[0] != l.In[0] || l.Out[1] != l.In[1]+l.Pad[0]+l.Pad[2] || l.Out[2] != l.In[2]+l.Pad[1]+l.Pad[3] {
			return fmt.Errorf("\"out\" %v does not match \"in\" %v padded by %v", l.Out, l.In, l.Pad)
		}
		return noParams()
	default:
		return fmt.Errorf("unknown op %q", l.Op)
	}
}

// loadX reads {"x":[ints]} and checks the count against the model.
func loadX(path string, m *Model) ([]*big.Int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading input: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v struct {
		X []json.Number `json:"x"`
	}
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("input %s: bad JSON: %v", path, err)
	}
	if len(v.X) != m.NIn() {
		return nil, fmt.Errorf("input %s: %d values, the model takes %d", path, len(v.X), m.NIn())
	}
	lim := new(big.Int).Lsh(big.NewInt(1), uint(width(m.Input.Bits)-1))
	nlim := new(big.Int).Neg(lim)
	out := make([]*big.Int, len(v.X))
	for i, s := range v.X {
		b, ok := new(big.Int).SetString(s.String(), 10)
		if !ok {
			return nil, fmt.Errorf("input %s: x[%d] = %s is not an integer", path, i, s)
		}
		if b.Cmp(nlim) < 0 || b.Cmp(lim) >= 0 {
			return nil, fmt.Errorf("input %s: x[%d] = %s does not fit %d signed bits", path, i, s, width(m.Input.Bits))
		}
		out[i] = b
	}
	return out, nil
}
