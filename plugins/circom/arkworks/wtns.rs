// snarkjs's witness file (.wtns, an iden3 binfile): magic "wtns", version
// u32, nSections u32, then sections (type u32, size u64, body). Section 1:
// n8 u32, the prime (n8 bytes, little endian), nWitness u32; section 2: the
// witness, nWitness values of n8 bytes each, little endian, in [0, prime).
use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    b.get(off..off + 4)
        .map(|s| u32::from_le_bytes(s.try_into().unwrap()))
}

fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    b.get(off..off + 8)
        .map(|s| u64::from_le_bytes(s.try_into().unwrap()))
}

/// The full assignment (index 0 is the constant 1) of a .wtns image.
pub fn parse(b: &[u8]) -> Result<Vec<Fr>, String> {
    if b.len() < 12 || &b[..4] != b"wtns" {
        return Err("not a snarkjs witness file (no \"wtns\" magic)".into());
    }
    let version = u32_at(b, 4).unwrap();
    if version == 0 || version > 2 {
        return Err(format!("unsupported wtns version {version}"));
    }
    let n_sections = u32_at(b, 8).unwrap();
    let mut off = 12usize;
    let (mut header, mut values) = (None, None);
    for _ in 0..n_sections {
        let (ty, size) = match (u32_at(b, off), u64_at(b, off + 4)) {
            (Some(t), Some(s)) => (t, s),
            _ => return Err("truncated section header".into()),
        };
        let start = off + 12;
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| start.checked_add(s))
            .filter(|&e| e <= b.len());
        let end =
            end.ok_or_else(|| format!("section {ty}: {size} bytes past the end of the file"))?;
        match ty {
            1 => header = Some(&b[start..end]),
            2 => values = Some(&b[start..end]),
            _ => {}
        }
        off = end;
    }
    let h = header.ok_or("no header section (type 1)")?;
    let n8 = u32_at(h, 0).ok_or("header section too short")? as usize;
    if n8 != 32 {
        return Err(format!("field elements of {n8} bytes; BN254's have 32"));
    }
    let prime = h.get(4..4 + n8).ok_or("header section too short")?;
    if prime != Fr::MODULUS.to_bytes_le().as_slice() {
        return Err("the witness's prime is not BN254's scalar field (circom -p bn128)".into());
    }
    let n = u32_at(h, 4 + n8).ok_or("header section too short")? as usize;
    let v = values.ok_or("no witness section (type 2)")?;
    if v.len() != n * n8 {
        return Err(format!(
            "witness section holds {} bytes, the header says {n} x {n8}",
            v.len()
        ));
    }
    v.chunks_exact(n8)
        .enumerate()
        .map(|(i, c)| {
            let mut limbs = [0u64; 4];
            for (k, l) in limbs.iter_mut().enumerate() {
                *l = u64::from_le_bytes(c[8 * k..8 * k + 8].try_into().unwrap());
            }
            Fr::from_bigint(ark_ff::BigInt::new(limbs))
                .ok_or_else(|| format!("witness value {i} is not below the prime"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(n8: u32, prime: &[u8], vals: &[[u8; 32]]) -> Vec<u8> {
        let mut b = b"wtns".to_vec();
        b.extend(2u32.to_le_bytes());
        b.extend(2u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend((4 + prime.len() as u64 + 4).to_le_bytes());
        b.extend(n8.to_le_bytes());
        b.extend(prime);
        b.extend((vals.len() as u32).to_le_bytes());
        b.extend(2u32.to_le_bytes());
        b.extend((32 * vals.len() as u64).to_le_bytes());
        for v in vals {
            b.extend(v);
        }
        b
    }

    #[test]
    fn reads_and_refuses() {
        let p = Fr::MODULUS.to_bytes_le();
        let mut one = [0u8; 32];
        one[0] = 1;
        let mut seven = [0u8; 32];
        seven[0] = 7;
        let w = parse(&image(32, &p, &[one, seven])).unwrap();
        assert_eq!(w, vec![Fr::from(1u64), Fr::from(7u64)]);
        assert!(parse(b"wtnx").is_err());
        let mut q = p.clone();
        q[0] ^= 1;
        assert!(parse(&image(32, &q, &[one])).unwrap_err().contains("prime"));
        let big: [u8; 32] = p.clone().try_into().unwrap();
        assert!(parse(&image(32, &p, &[big]))
            .unwrap_err()
            .contains("below the prime"));
        let mut t = image(32, &p, &[one, seven]);
        t.truncate(t.len() - 1);
        assert!(parse(&t).is_err());
    }
}
