//! The stages of every fault family, named: what `StateEvent::Fault` carries, and the first
//! stage each scripted fault is scheduled with.

/// A stage of a scripted fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Faults with a start and an end: crash, hang, error rate, latency, site outage, partition,
    /// DNS failure, traffic spike, database switchover (a site switchover only starts).
    Span(Span),
    Corruption(Corruption),
    Leak(Leak),
    Flap(Flap),
    Rolling(Rolling),
    BlueGreen(BlueGreen),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Start,
    End,
}

/// Data corruption: on a database the replicas copy it and a restore follows its detection;
/// elsewhere the nodes answer with errors until the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    Start,
    End,
    Detected,
}

/// A resource leak: workers shrink until exhausted, the node crashes, then restarts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leak {
    Start,
    Exhausted,
    Restarted,
}

/// Flapping: `cycles` times down, then up (the incident opens with the first `Down`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flap {
    Down { cycle: u32 },
    Up { cycle: u32 },
}

/// One step of planned maintenance of a batch of nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// No new sessions; replicated sessions move away.
    Drain,
    /// Taken out (the LB knows at once) and stopped.
    Down,
    /// Back up and enabled in the LB.
    Up,
}

/// A rolling restart: every batch drained, restarted and brought back in turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rolling {
    pub batch: u32,
    pub step: Step,
}

impl Rolling {
    pub fn next(self) -> Rolling {
        match self.step {
            Step::Drain => Rolling {
                step: Step::Down,
                ..self
            },
            Step::Down => Rolling {
                step: Step::Up,
                ..self
            },
            Step::Up => Rolling {
                batch: self.batch + 1,
                step: Step::Drain,
            },
        }
    }
}

/// A blue/green deployment: blue drained, down and back, then green; then the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlueGreen {
    Blue(Step),
    Green(Step),
    Done,
}

impl BlueGreen {
    pub fn next(self) -> BlueGreen {
        match self {
            BlueGreen::Blue(Step::Drain) => BlueGreen::Blue(Step::Down),
            BlueGreen::Blue(Step::Down) => BlueGreen::Blue(Step::Up),
            BlueGreen::Blue(Step::Up) => BlueGreen::Green(Step::Drain),
            BlueGreen::Green(Step::Drain) => BlueGreen::Green(Step::Down),
            BlueGreen::Green(Step::Down) => BlueGreen::Green(Step::Up),
            BlueGreen::Green(Step::Up) | BlueGreen::Done => BlueGreen::Done,
        }
    }
}
