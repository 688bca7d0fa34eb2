#![no_main]
//! See `leakguard::fuzzing::staged_diff` for the input layout and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = leakguard::fuzzing::check("staged_diff", data) {
        panic!("staged_diff: {broken}");
    }
});
