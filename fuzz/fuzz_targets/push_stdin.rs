#![no_main]
//! See `leakguard::fuzzing::push_stdin` for the input layout and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = leakguard::fuzzing::check("push_stdin", data) {
        panic!("push_stdin: {broken}");
    }
});
