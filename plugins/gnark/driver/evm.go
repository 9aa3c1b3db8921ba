package main

// The Solidity verifier (gnark's ExportSolidity) and the calldata of one proof
// for the function the EVM step calls.

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"golang.org/x/crypto/sha3"
)

const groth16Wrapper = "ZkbGnarkGroth16"

type evmInfo struct {
	Contract     string `json:"contract"`
	Function     string `json:"function"`
	NPublic      int    `json:"n_public"`
	ProofOffset  int    `json:"proof_offset"`
	ProofLen     int    `json:"proof_len"`
	OutputOffset int    `json:"output_offset"`
	Generator    string `json:"generator"`
}

func selector(sig string) []byte {
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(sig))
	return h.Sum(nil)[:4]
}

func word(v uint64) []byte {
	var b [32]byte
	new(big.Int).SetUint64(v).FillBytes(b[:])
	return b[:]
}

// groth16Solidity exports gnark's Verifier and appends a contract whose
// verify(...) returns true (gnark's verifyProof returns nothing and reverts on
// failure). nCommit is 0 or 1 (gnark's export supports at most one).
func groth16Solidity(vk *groth16bn254.VerifyingKey, nPub int) (string, string, error) {
	var buf bytes.Buffer
	// keccak256 is also the export's default; passing it explicitly matches
	// WithProverTargetSolidityVerifier and keeps gnark from warning.
	if err := vk.ExportSolidity(&buf, solidity.WithHashToFieldFunction(sha3.NewLegacyKeccak256())); err != nil {
		return "", "", err
	}
	nCommit := len(vk.CommitmentKeys)
	var params, argsList, types []string
	params = append(params, "uint256[8] calldata proof")
	argsList = append(argsList, "proof")
	types = append(types, "uint256[8]")
	if nCommit > 0 {
		params = append(params, fmt.Sprintf("uint256[%d] calldata commitments", 2*nCommit), "uint256[2] calldata commitmentPok")
		argsList = append(argsList, "commitments", "commitmentPok")
		types = append(types, fmt.Sprintf("uint256[%d]", 2*nCommit), "uint256[2]")
	}
	params = append(params, fmt.Sprintf("uint256[%d] calldata input", nPub))
	argsList = append(argsList, "input")
	types = append(types, fmt.Sprintf("uint256[%d]", nPub))
	fmt.Fprintf(&buf, `
// zkmlbench: gnark's verifyProof returns nothing and reverts on failure; the
// EVM step calls verify(...), which returns true when verifyProof did not revert.
contract %s is Verifier {
    function verify(
        %s
    ) external view returns (bool) {
        verifyProof(%s);
        return true;
    }
}
`, groth16Wrapper, strings.Join(params, ",\n        "), strings.Join(argsList, ", "))
	sig := "verify(" + strings.Join(types, ",") + ")"
	return buf.String(), sig, nil
}

func cmdEVM(args []string, stdout io.Writer) error {
	f := newFlags("evm")
	dir := f.String("dir", "", "setup directory")
	proofPath := f.String("proof", "", "proof.bin")
	pubPath := f.String("public", "", "public.bin")
	solPath := f.String("sol", "", "output .sol")
	cdPath := f.String("calldata", "", "output calldata")
	if err := f.parse(args, "dir", "proof", "public", "sol", "calldata"); err != nil {
		return err
	}
	s, vk, p, pubW, err := loadVerifier(*dir, *proofPath, *pubPath)
	if err != nil {
		return err
	}
	pub, ok := pubW.Vector().(fr.Vector)
	if !ok {
		return fmt.Errorf("public witness %s is not a BN254 vector", *pubPath)
	}
	if len(pub) == 0 {
		return fmt.Errorf("public witness %s is empty", *pubPath)
	}
	var sol, sig string
	var cd []byte
	info := evmInfo{NPublic: len(pub), Generator: fmt.Sprintf("gnark %s ExportSolidity (%s)", gnarkVersion, s.System)}
	if s.System == "groth16" {
		gvk := vk.(*groth16bn254.VerifyingKey)
		gp := p.(*groth16bn254.Proof)
		if len(gvk.CommitmentKeys) > 1 {
			return fmt.Errorf("the circuit has %d commitments; gnark's Solidity export supports one", len(gvk.CommitmentKeys))
		}
		if sol, sig, err = groth16Solidity(gvk, len(pub)); err != nil {
			return fmt.Errorf("exporting the Solidity verifier: %v", err)
		}
		// Ar|Bs|Krs (8 words) | u32 count | commitments | PoK: drop the count
		raw := gp.MarshalSolidity()
		proofBytes := raw
		if len(gp.Commitments) > 0 {
			proofBytes = append(append([]byte{}, raw[:256]...), raw[260:]...)
		}
		cd = append(selector(sig), proofBytes...)
		info.Contract = groth16Wrapper
		info.ProofOffset, info.ProofLen = 4, len(proofBytes)
	} else {
		var buf bytes.Buffer
		if err := vk.ExportSolidity(&buf); err != nil {
			return fmt.Errorf("exporting the Solidity verifier: %v", err)
		}
		sol, sig = buf.String(), "Verify(bytes,uint256[])"
		raw := p.(*plonkbn254.Proof).MarshalSolidity()
		padded := (len(raw) + 31) / 32 * 32
		cd = selector(sig)
		cd = append(cd, word(64)...)                   // offset of proof
		cd = append(cd, word(uint64(64+32+padded))...) // offset of public_inputs
		cd = append(cd, word(uint64(len(raw)))...)     // proof length
		info.ProofOffset, info.ProofLen = len(cd), len(raw)
		cd = append(cd, raw...)
		cd = append(cd, make([]byte, padded-len(raw))...)
		cd = append(cd, word(uint64(len(pub)))...)
		info.Contract = "PlonkVerifier"
	}
	// the public inputs, one word each, end the calldata in both layouts
	info.OutputOffset = len(cd)
	for i := range pub {
		b := pub[i].Bytes()
		cd = append(cd, b[:]...)
	}
	info.Function = sig
	if err := os.WriteFile(*solPath, []byte(sol), 0o644); err != nil {
		return fmt.Errorf("writing %s: %v", *solPath, err)
	}
	if err := os.WriteFile(*cdPath, cd, 0o644); err != nil {
		return fmt.Errorf("writing %s: %v", *cdPath, err)
	}
	return printJSON(stdout, info)
}
