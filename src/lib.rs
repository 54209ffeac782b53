//! Contrail: an airline's microservices, simulated and animated in the browser.

pub mod sim;
