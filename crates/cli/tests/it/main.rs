//! Integration tests of the `blastradius` binary: exit code, stdout and stderr of real runs,
//! snapshotted.

mod cli;
mod fta;
mod risk;
