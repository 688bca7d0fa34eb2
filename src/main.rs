use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = leakguard::cli::Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let result = leakguard::run(cli, &mut stdout.lock(), &mut stderr.lock());
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(err) => {
            if is_broken_pipe(&err) {
                // The reader went away (`| head`); the run itself did not fail.
                return ExitCode::from(leakguard::ExitStatus::Error as u8);
            }
            let _ = writeln!(stderr.lock(), "leakguard: error: {}", leakguard::error_message(&err));
            ExitCode::from(leakguard::ExitStatus::Error as u8)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
