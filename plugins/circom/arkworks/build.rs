// The versions `zkb-circom-arkworks version` prints, taken from what the
// build really used: ark-circom's and ark-groth16's from Cargo.lock (the
// build runs with --locked, so the lock is what was compiled), rustc's from
// the compiler cargo runs (RUSTC).
use std::{env, fs, path::Path, process::Command};

fn locked_version(lock: &str, name: &str) -> String {
    let mut it = lock.lines();
    while let Some(l) = it.next() {
        if l.trim() == format!("name = \"{name}\"") {
            if let Some(v) = it.next() {
                if let Some(v) = v.trim().strip_prefix("version = \"") {
                    return v.trim_end_matches('"').to_string();
                }
            }
        }
    }
    panic!("{name} is not in Cargo.lock");
}

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap();
    let lock_path = Path::new(&dir).join("Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock_path.display());
    let lock = fs::read_to_string(&lock_path).expect("Cargo.lock beside Cargo.toml");
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rv = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.split_whitespace().nth(1).map(str::to_string))
        .unwrap_or_else(|| "unknown".into());
    println!(
        "cargo:rustc-env=ZKB_ARK_CIRCOM_VERSION={}",
        locked_version(&lock, "ark-circom")
    );
    println!(
        "cargo:rustc-env=ZKB_ARK_GROTH16_VERSION={}",
        locked_version(&lock, "ark-groth16")
    );
    println!("cargo:rustc-env=ZKB_RUSTC_VERSION={rv}");
}
