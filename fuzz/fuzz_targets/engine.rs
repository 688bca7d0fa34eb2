#![no_main]
//! See `leakguard::fuzzing::engine` for the input layout and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = leakguard::fuzzing::check("engine", data) {
        panic!("engine: {broken}");
    }
});
