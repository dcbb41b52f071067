//! The CLI as a user runs it: a real binary, a temporary journal.

mod commands;
