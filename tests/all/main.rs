//! The end-to-end suite: the real `switchyard` binary, real plugins, and AWS emulated by moto
//! server with its fidelity layer (`emulator/`). One binary, so it links once.

mod support;

mod credentials;
mod drift;
mod emulator;
mod faults;
mod hostile;
mod inputs;
mod lock;
mod maintenance_failover;
mod paths;
mod prune;
mod runs;
mod sandbox;
mod scoped;
mod validate;
mod versions;
mod whoami;
mod workflow_errors;
