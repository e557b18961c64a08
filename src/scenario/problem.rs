//! Problems found in a scenario: how bad ([`Severity`]), where ([`Location`], typed, rendered as
//! the JSON path users see) and what.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a problem is: errors stop a run, warnings (single points of failure, a replica in its
/// primary's failure domain) are shown and highlighted but do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem is. `rest` is the path below the item, without a leading dot (`spec.app.nodes`,
/// `next[2]`), empty for the item itself. Renders as the JSON path: `components[3].spec.app.nodes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// `components[i]…`
    Component(usize, String),
    /// `sites[i]…`
    Site(usize, String),
    /// `faults[i]…`
    Fault(usize, String),
    /// Any other path from the root: `horizon`, `traffic.entry[0]`, `site_links[1].a`.
    Root(String),
}

impl Default for Location {
    fn default() -> Self {
        Location::Root(String::new())
    }
}

impl Location {
    pub fn root(path: impl Into<String>) -> Location {
        Location::Root(path.into())
    }
    pub fn component(i: usize, rest: impl Into<String>) -> Location {
        Location::Component(i, rest.into())
    }
    pub fn site(i: usize, rest: impl Into<String>) -> Location {
        Location::Site(i, rest.into())
    }
    pub fn fault(i: usize, rest: impl Into<String>) -> Location {
        Location::Fault(i, rest.into())
    }
    /// The same item, one step further down: `.child("nodes")`, `.child("next[2]")`.
    pub fn child(&self, step: &str) -> Location {
        let join = |rest: &str| {
            if rest.is_empty() {
                step.to_string()
            } else {
                format!("{rest}.{step}")
            }
        };
        match self {
            Location::Component(i, r) => Location::Component(*i, join(r)),
            Location::Site(i, r) => Location::Site(*i, join(r)),
            Location::Fault(i, r) => Location::Fault(*i, join(r)),
            Location::Root(r) => Location::Root(join(r)),
        }
    }
    /// The same item, at an index of the list it ends with: `.index(2)` after `next`.
    pub fn index(&self, j: usize) -> Location {
        let mut at = self.clone();
        match &mut at {
            Location::Component(_, r) | Location::Site(_, r) | Location::Fault(_, r) => {
                r.push_str(&format!("[{j}]"))
            }
            Location::Root(r) => r.push_str(&format!("[{j}]")),
        }
        at
    }
    /// The index of the component it is about, if any.
    pub fn component_index(&self) -> Option<usize> {
        match self {
            Location::Component(i, _) => Some(*i),
            _ => None,
        }
    }
    /// The index of the site it is about, if any.
    pub fn site_index(&self) -> Option<usize> {
        match self {
            Location::Site(i, _) => Some(*i),
            _ => None,
        }
    }
    /// The index of the fault it is about, if any.
    pub fn fault_index(&self) -> Option<usize> {
        match self {
            Location::Fault(i, _) => Some(*i),
            _ => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (list, i, rest) = match self {
            Location::Root(path) => return f.write_str(path),
            Location::Component(i, r) => ("components", i, r),
            Location::Site(i, r) => ("sites", i, r),
            Location::Fault(i, r) => ("faults", i, r),
        };
        write!(f, "{list}[{i}]")?;
        if !rest.is_empty() {
            write!(f, ".{rest}")?;
        }
        Ok(())
    }
}

impl From<&str> for Location {
    fn from(path: &str) -> Location {
        Location::Root(path.to_string())
    }
}

impl From<String> for Location {
    fn from(path: String) -> Location {
        Location::Root(path)
    }
}

impl From<&String> for Location {
    fn from(path: &String) -> Location {
        Location::Root(path.clone())
    }
}

/// One problem found in a scenario, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    /// A path into the scenario JSON, like `components[3].spec.app.capacity.workers`: the
    /// rendering of [`location`](Self::location).
    pub path: String,
    /// Where it is, typed (not serialized: `path` is its rendering; a deserialized problem is
    /// located at the root by its path).
    #[serde(skip)]
    pub location: Location,
    pub message: String,
    /// The component the problem is about, for highlighting on the canvas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

impl Problem {
    pub fn new(severity: Severity, at: impl Into<Location>, message: impl Into<String>) -> Problem {
        let location = at.into();
        Problem {
            severity,
            path: location.to_string(),
            location,
            message: message.into(),
            component: None,
        }
    }
    pub fn error(at: impl Into<Location>, message: impl Into<String>) -> Problem {
        Problem::new(Severity::Error, at, message)
    }
    pub fn warning(at: impl Into<Location>, message: impl Into<String>) -> Problem {
        Problem::new(Severity::Warning, at, message)
    }
    pub fn about(mut self, component: impl Into<String>) -> Problem {
        self.component = Some(component.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}: {}", self.path, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_render_as_json_paths() {
        let c = Location::component(3, "spec.app");
        assert_eq!(c.child("nodes").to_string(), "components[3].spec.app.nodes");
        assert_eq!(Location::component(2, "").to_string(), "components[2]");
        assert_eq!(
            Location::component(2, "").child("next[1]").to_string(),
            "components[2].next[1]"
        );
        assert_eq!(Location::site(0, "rect").to_string(), "sites[0].rect");
        let next = Location::component(5, "next").index(2);
        assert_eq!(next.to_string(), "components[5].next[2]");
        assert_eq!(
            Location::root("traffic.entry").index(0).to_string(),
            "traffic.entry[0]"
        );
        assert_eq!(
            Location::fault(4, "crash.at").to_string(),
            "faults[4].crash.at"
        );
        assert_eq!(
            Location::root("traffic").child("entry[0]").to_string(),
            "traffic.entry[0]"
        );
        assert_eq!(Location::root("").child("horizon").to_string(), "horizon");
        let p = Problem::error(Location::component(1, "id"), "x").about("web");
        assert_eq!(
            (p.path.as_str(), p.location.component_index()),
            ("components[1].id", Some(1))
        );
    }
}
