//! What can be wrong with a rule or a rule file.

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{origin}:{msg}")]
    Parse { origin: String, msg: String },
    #[error("rule `{id}` has an invalid regex: {msg}")]
    Regex { id: String, msg: String },
    #[error("rule `{id}` is defined twice ({first} and {second})")]
    Duplicate { id: String, first: String, second: String },
    #[error("rule `{id}` ({origin}): {msg}")]
    Invalid { id: String, origin: String, msg: String },
}
