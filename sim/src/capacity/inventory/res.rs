//! An amount of CPU and memory, and its arithmetic.

use super::GIB;

/// Tolerance when comparing sums of resource amounts.
const EPSILON: f64 = 1e-9;

/// An amount of CPU (cores or vCPUs, or GHz for slots) and memory (bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Res {
    /// CPU.
    pub cpu: f64,
    /// Memory, in bytes.
    pub memory: f64,
}

impl Res {
    /// `cpu` and `memory`.
    pub const fn new(cpu: f64, memory: f64) -> Res {
        Res { cpu, memory }
    }

    /// True when `need` fits into this free amount.
    pub fn holds(&self, need: Res) -> bool {
        need.cpu <= self.cpu + EPSILON && need.memory <= self.memory + EPSILON * GIB
    }

    /// Both amounts times `k`.
    pub fn times(self, k: f64) -> Res {
        Res::new(self.cpu * k, self.memory * k)
    }
}

impl std::ops::Add for Res {
    type Output = Res;
    fn add(self, o: Res) -> Res {
        Res::new(self.cpu + o.cpu, self.memory + o.memory)
    }
}

impl std::ops::Sub for Res {
    type Output = Res;
    fn sub(self, o: Res) -> Res {
        Res::new(self.cpu - o.cpu, self.memory - o.memory)
    }
}

impl std::ops::AddAssign for Res {
    fn add_assign(&mut self, o: Res) {
        *self = *self + o;
    }
}

impl std::ops::SubAssign for Res {
    fn sub_assign(&mut self, o: Res) {
        *self = *self - o;
    }
}
