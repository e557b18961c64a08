//! One component per file; props are `FooProps`, callbacks `on<verb>`.

pub mod add_call;
pub mod banner;
pub mod chart;
pub mod exact; // issue 16: the Exact tab (exact values, "improve this first")
pub mod field;
pub mod figures;
pub mod footer;
pub mod header;
pub mod help;
pub mod incident_groups;
pub mod incidents;
pub mod inspector;
pub mod lesson_panel; // issue 17: the lesson's side panel, quiz and "what broke?"
pub mod lessons; // issue 17: the Lessons button, the overview, the host beside the workbench
pub mod library; // issue 12: the Library panel, New, and the root that hosts the app
pub mod palette;
pub mod problems;
pub mod progress;
pub mod results;
pub mod show_more;
pub mod study; // issue 15: the Study panel
pub mod study_compare; // "Compare with" and the B − A table
pub mod study_results;
pub mod timeline;
pub mod topology;
pub mod watch_bar;
pub mod workbench;

pub use show_more::ShowMore;
