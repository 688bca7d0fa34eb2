#![no_main]
//! See `leakguard::fuzzing::config` for the input layout and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = leakguard::fuzzing::check("config", data) {
        panic!("config: {broken}");
    }
});
