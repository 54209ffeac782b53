//! The `split` feature's release wasm keeps its relocations, which `wasm-split` needs to cut
//! it into chunks (`scripts/split-wasm.sh`). Only then: binaryen cannot optimise a wasm that
//! still has them, so every other build links as before.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo:rustc-link-arg-bin=contrail=--emit-relocs");
    }
}
