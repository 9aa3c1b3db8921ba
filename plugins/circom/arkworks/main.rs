// zkb-circom-arkworks: proves a circom circuit with arkworks' Groth16 from
// snarkjs's own files, so that only the prover differs from `snarkjs groth16
// prove`: the proving key (.zkey, read by ark-circom, with its constraint
// matrices) and the witness (.wtns, made by circom's generate_witness.js)
// are the ones snarkjs would take, and the proof is written in snarkjs's
// format for `snarkjs groth16 verify`. The circom backend runs it for
// prover=arkworks (docs/circom.md).
//
//   zkb-circom-arkworks version
//   zkb-circom-arkworks convert ZKEY OUT
//   zkb-circom-arkworks prove KEY WTNS PROOF_JSON PUBLIC_JSON [TIMES_JSON]
//
// convert: reads the zkey once with ark-circom's read_zkey (slow: it parses
// and converts every point and coefficient) and writes what proving needs
// (the ProvingKey, the A and B matrices, the numbers of public variables
// and of constraints) in this program's own format (MAGIC, then
// ark-serialize's uncompressed encoding), to OUT.tmp.<pid> renamed to OUT.
// prove: KEY is such a file (known by MAGIC, read without curve and subgroup
// checks: our own setup wrote it into our own cache) or a snarkjs zkey (read
// with read_zkey, as before).
// TIMES_JSON: {"load_s": reading the key and witness, "prove_s": the proof,
// "threads": rayon's threads, "key_format": 1 converted, 0 zkey}. Exit 0, or
// 1 with a message on stderr.
mod wtns;

use ark_bn254::{Bn254, Fr, G1Affine, G2Affine};
use ark_circom::{read_zkey, CircomReduction};
use ark_ff::UniformRand;
use ark_groth16::{Groth16, ProvingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use std::{
    fs,
    io::{BufReader, BufWriter, Read, Write},
    process::ExitCode,
    time::Instant,
};

const USAGE: &str = "usage: zkb-circom-arkworks version\n       \
                     zkb-circom-arkworks convert ZKEY OUT\n       \
                     zkb-circom-arkworks prove KEY WTNS PROOF_JSON PUBLIC_JSON [TIMES_JSON]";

// First bytes of a converted key; the digit is the format's version (a
// change of layout or of the crates' encoding takes a new one).
const MAGIC: &[u8; 16] = b"zkb-ark-groth1\n\0";

type Matrix = Vec<Vec<(Fr, usize)>>;

// What create_proof_with_reduction_and_matrices takes besides r, s and the
// witness. snarkjs's zkey has no C matrix (CircomReduction does not use it).
struct Key {
    pk: ProvingKey<Bn254>,
    num_inputs: usize,
    num_constraints: usize,
    a: Matrix,
    b: Matrix,
    c: Matrix,
}

fn read_snarkjs_zkey(path: &str) -> Result<Key, String> {
    let f = fs::File::open(path).map_err(|e| format!("cannot open {path}: {e}"))?;
    let (pk, m) = read_zkey(&mut BufReader::new(f))
        .map_err(|e| format!("{path}: not a snarkjs Groth16 proving key ({e})"))?;
    Ok(Key {
        pk,
        num_inputs: m.num_instance_variables,
        num_constraints: m.num_constraints,
        a: m.a,
        b: m.b,
        c: m.c,
    })
}

fn write_key<W: Write>(k: &Key, mut w: W) -> Result<(), ark_serialize::SerializationError> {
    w.write_all(MAGIC)?;
    k.num_inputs.serialize_uncompressed(&mut w)?;
    k.num_constraints.serialize_uncompressed(&mut w)?;
    k.pk.serialize_uncompressed(&mut w)?;
    k.a.serialize_uncompressed(&mut w)?;
    k.b.serialize_uncompressed(&mut w)?;
    k.c.serialize_uncompressed(&mut w)?;
    w.flush()?;
    Ok(())
}

// After MAGIC: unchecked (no on-curve or subgroup checks), for a file our
// own `convert` wrote.
fn read_key<R: Read>(mut r: R) -> Result<Key, ark_serialize::SerializationError> {
    let num_inputs = usize::deserialize_uncompressed_unchecked(&mut r)?;
    let num_constraints = usize::deserialize_uncompressed_unchecked(&mut r)?;
    let pk = ProvingKey::<Bn254>::deserialize_uncompressed_unchecked(&mut r)?;
    let a = Matrix::deserialize_uncompressed_unchecked(&mut r)?;
    let b = Matrix::deserialize_uncompressed_unchecked(&mut r)?;
    let c = Matrix::deserialize_uncompressed_unchecked(&mut r)?;
    Ok(Key {
        pk,
        num_inputs,
        num_constraints,
        a,
        b,
        c,
    })
}

// A converted key (by MAGIC) or a snarkjs zkey; true when converted.
fn load_key(path: &str) -> Result<(Key, bool), String> {
    let f = fs::File::open(path).map_err(|e| format!("cannot open {path}: {e}"))?;
    let mut r = BufReader::with_capacity(1 << 20, f);
    let mut head = [0u8; 16];
    let n = r
        .read(&mut head)
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    if n == head.len() && &head == MAGIC {
        let k = read_key(r).map_err(|e| format!("{path}: damaged converted key ({e})"))?;
        return Ok((k, true));
    }
    if head.starts_with(b"zkb-ark-") {
        return Err(format!(
            "{path}: a converted key of another format version; convert the zkey again"
        ));
    }
    Ok((read_snarkjs_zkey(path)?, false))
}

fn convert(zkey: &str, out: &str) -> Result<(), String> {
    let k = read_snarkjs_zkey(zkey)?;
    let tmp = format!("{out}.tmp.{}", std::process::id());
    let r = fs::File::create(&tmp)
        .map_err(|e| format!("cannot create {tmp}: {e}"))
        .and_then(|f| {
            write_key(&k, BufWriter::with_capacity(1 << 20, f))
                .map_err(|e| format!("cannot write {tmp}: {e}"))
        })
        .and_then(|()| {
            fs::rename(&tmp, out).map_err(|e| format!("cannot rename {tmp} to {out}: {e}"))
        });
    if r.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    r
}

fn version() -> String {
    format!(
        "ark-circom {}; ark-groth16 {}; rustc {}",
        env!("ZKB_ARK_CIRCOM_VERSION"),
        env!("ZKB_ARK_GROTH16_VERSION"),
        env!("ZKB_RUSTC_VERSION")
    )
}

// The JSON this program writes: decimal strings, numbers, arrays and objects
// whose members keep their order.
enum J {
    S(String),
    N(f64),
    A(Vec<J>),
    O(Vec<(&'static str, J)>),
}

fn dec(x: impl ToString) -> J {
    J::S(x.to_string())
}

// As snarkjs writes its files (JSON.stringify(v, null, 1)), so that
// proof_json_size compares like with like.
fn stringify(v: &J, level: usize, out: &mut String) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
    match v {
        J::S(x) => {
            out.push('"');
            out.push_str(x);
            out.push('"');
        }
        J::N(x) => out.push_str(&x.to_string()),
        J::A(items) if items.is_empty() => out.push_str("[]"),
        J::A(items) => {
            out.push_str("[\n");
            for (i, it) in items.iter().enumerate() {
                pad(out, level + 1);
                stringify(it, level + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, level);
            out.push(']');
        }
        J::O(members) => {
            out.push_str("{\n");
            for (i, (k, it)) in members.iter().enumerate() {
                pad(out, level + 1);
                out.push_str(&format!("\"{k}\": "));
                stringify(it, level + 1, out);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            pad(out, level);
            out.push('}');
        }
    }
}

// snarkjs's projective form: affine coordinates with z = 1 (infinity: 0, 1, 0)
fn g1(p: &G1Affine) -> J {
    if *p == G1Affine::identity() {
        return J::A(vec![dec(0), dec(1), dec(0)]);
    }
    J::A(vec![dec(p.x), dec(p.y), dec(1)])
}

fn g2(p: &G2Affine) -> J {
    let pair = |a: J, b: J| J::A(vec![a, b]);
    if *p == G2Affine::identity() {
        return J::A(vec![
            pair(dec(0), dec(0)),
            pair(dec(1), dec(0)),
            pair(dec(0), dec(0)),
        ]);
    }
    J::A(vec![
        pair(dec(p.x.c0), dec(p.x.c1)),
        pair(dec(p.y.c0), dec(p.y.c1)),
        pair(dec(1), dec(0)),
    ])
}

fn write(path: &str, v: &J) -> Result<(), String> {
    let mut text = String::new();
    stringify(v, 0, &mut text);
    fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))
}

fn prove(
    zkey: &str,
    wtns_path: &str,
    proof_out: &str,
    public_out: &str,
    times_out: Option<&str>,
) -> Result<(), String> {
    let t0 = Instant::now();
    let (k, converted) = load_key(zkey)?;
    let pk = &k.pk;
    let bytes = fs::read(wtns_path).map_err(|e| format!("cannot read {wtns_path}: {e}"))?;
    let w = wtns::parse(&bytes).map_err(|e| format!("{wtns_path}: {e}"))?;
    // the key has one A-query point per wire; the witness one value per wire
    if w.len() != pk.a_query.len() {
        return Err(format!(
            "{wtns_path} has {} values, the circuit of {zkey} has {} wires: not this circuit's witness",
            w.len(),
            pk.a_query.len()
        ));
    }
    if w[0] != Fr::from(1u64) {
        return Err(format!(
            "{wtns_path}: the first value (the constant wire) is not 1"
        ));
    }
    let n_inputs = k.num_inputs;
    if n_inputs == 0 || n_inputs > w.len() {
        return Err(format!(
            "{zkey}: {n_inputs} public variables for {} wires",
            w.len()
        ));
    }
    let load_s = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let mut rng = rand::thread_rng();
    let (r, s) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let Key {
        a,
        b,
        c,
        num_constraints,
        ..
    } = k;
    let matrices = [a, b, c];
    let proof = Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
        pk,
        r,
        s,
        &matrices,
        n_inputs,
        num_constraints,
        &w,
    )
    .map_err(|e| format!("proving failed: {e}"))?;
    let prove_s = t1.elapsed().as_secs_f64();

    let pj = J::O(vec![
        ("pi_a", g1(&proof.a)),
        ("pi_b", g2(&proof.b)),
        ("pi_c", g1(&proof.c)),
        ("protocol", J::S("groth16".into())),
        ("curve", J::S("bn128".into())),
    ]);
    write(proof_out, &pj)?;
    write(public_out, &J::A(w[1..n_inputs].iter().map(dec).collect()))?;
    if let Some(t) = times_out {
        let threads = rayon::current_num_threads() as f64;
        write(
            t,
            &J::O(vec![
                ("load_s", J::N(load_s)),
                ("prove_s", J::N(prove_s)),
                ("threads", J::N(threads)),
                ("key_format", J::N(if converted { 1.0 } else { 0.0 })),
            ]),
        )?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    let r = match a.get(1).map(String::as_str) {
        Some("version") if a.len() == 2 => {
            println!("{}", version());
            Ok(())
        }
        Some("convert") if a.len() == 4 => convert(&a[2], &a[3]),
        Some("prove") if a.len() == 6 || a.len() == 7 => {
            prove(&a[2], &a[3], &a[4], &a[5], a.get(6).map(String::as_str))
        }
        _ => Err(USAGE.to_string()),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zkb-circom-arkworks: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    // the versions printed are the ones locked (build.rs reads Cargo.lock)
    #[test]
    fn writes_json_as_snarkjs() {
        use super::{dec, stringify, J};
        let mut out = String::new();
        let v = J::O(vec![
            ("a", J::A(vec![dec(1), J::A(vec![dec(2)])])),
            ("b", J::A(vec![])),
            ("c", J::N(0.5)),
        ]);
        stringify(&v, 0, &mut out);
        assert_eq!(
            out,
            "{\n \"a\": [\n  \"1\",\n  [\n   \"2\"\n  ]\n ],\n \"b\": [],\n \"c\": 0.5\n}"
        );
    }

    #[test]
    fn version_names_the_locked_crates() {
        let v = super::version();
        assert!(v.starts_with("ark-circom 0.6.0; ark-groth16 0.6."), "{v}");
        assert!(v.contains("; rustc 1."), "{v}");
    }
}
