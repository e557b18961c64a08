//! Flow level: between state changes, traffic as rates and sessions as populations.
//! (Filled in below the request level; shares World's fault and failover machinery.)

use super::metrics::Loss;
use super::world::World;

#[derive(Clone, Debug, Default)]
pub struct FlowState {}

pub fn start(_w: &mut World) {}
pub fn integrate(_w: &mut World) {}
pub fn tick(_w: &mut World) {}
pub fn node_down(_w: &mut World, _n: u32, _inc: u32, _loss: Loss) {}
pub fn node_up(_w: &mut World, _n: u32) {}
pub fn changed(_w: &mut World) {}
