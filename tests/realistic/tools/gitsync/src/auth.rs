//! Credentials for the sync client: from the environment or the git credential helper.

use std::env;
use std::process::{Command, Stdio};

#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub token: SecretString,
}

#[derive(Clone)]
pub struct SecretString(String);

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretString(***)")
    }
}

pub struct Config {
    pub api_key: Option<String>,
    pub password_file: Option<std::path::PathBuf>,
    pub token_env: &'static str,
}

impl Default for Config {
    fn default() -> Self {
        Config { api_key: None, password_file: None, token_env: "GITSYNC_TOKEN" }
    }
}

pub fn from_env(config: &Config) -> Option<Credentials> {
    let token = env::var(config.token_env).ok()?;
    let username = env::var("GITSYNC_USER").unwrap_or_else(|_| "git".to_string());
    Some(Credentials { username, token: SecretString(token) })
}

pub fn from_helper(host: &str) -> std::io::Result<Option<Credentials>> {
    let mut child = Command::new("git").args(["credential", "fill"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    use std::io::Write;
    writeln!(child.stdin.as_mut().expect("stdin"), "protocol=https\nhost={host}\n")?;
    let out = child.wait_with_output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut username = None;
    let mut password = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("username=") {
            username = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("password=") {
            password = Some(v.to_string());
        }
    }
    Ok(username.zip(password).map(|(username, password)| Credentials { username, token: SecretString(password) }))
}

pub fn header(credentials: &Credentials) -> String {
    let token = &credentials.token.0;
    format!("Authorization: Bearer {token}")
}

pub fn main_credential() {
    cargo_credential::main(GitsyncCredential);
}

struct GitsyncCredential;
