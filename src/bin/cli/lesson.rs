//! `failover-lab lesson list` and `failover-lab lesson check NAME`: the course's lessons, and a
//! lesson's reference solution played against the engine with each step's goal judged before
//! and after its change. The lessons themselves are `failover_lab::lesson`; this file prints.

use clap::{Args, Subcommand};
use failover_lab::lesson::{self, play::GoalCheck, Lesson};
use failover_lab::scenario::{parse::MAX_JSON_BYTES, Problem};
use std::process::ExitCode;

#[derive(Args)]
pub(crate) struct LessonArgs {
    #[command(subcommand)]
    command: LessonCommand,
}

#[derive(Subcommand)]
enum LessonCommand {
    /// One lesson a line: its name, seeds and title
    List,
    /// Play a lesson's reference solution and judge every step's goal before and after its change
    Check {
        /// The lesson's name (see `lesson list`), or the path of a lesson file being written
        name: String,
    },
}

pub(crate) fn lesson(args: &LessonArgs) -> Result<ExitCode, Vec<Problem>> {
    match &args.command {
        LessonCommand::List => {
            for (name, l) in lesson::all() {
                match l {
                    Ok(l) => println!("{name}  seeds {}  {}", l.seeds.join(", "), l.title),
                    Err(_) => println!("{name}  (does not load: run `lesson check {name}`)"),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LessonCommand::Check { name } => check(name),
    }
}

fn check(name: &str) -> Result<ExitCode, Vec<Problem>> {
    let l = match lesson::get(name) {
        Some(parsed) => parsed?,
        None if name.ends_with(".json") && std::path::Path::new(name).is_file() => {
            let text = super::read_bounded(name.as_ref(), MAX_JSON_BYTES)?;
            lesson::parse_lesson(&text)?
        }
        None => {
            let names: Vec<&str> = lesson::names().collect();
            return Err(vec![Problem::error(
                "lesson",
                format!("no lesson `{name}` (have: {})", names.join(", ")),
            )]);
        }
    };
    let checked = lesson::check(&l)?;
    print!("{}", report(&l, &checked));
    Ok(if checked.passes() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn report(l: &Lesson, c: &lesson::Check) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "lesson {}: {} (seeds {})",
        l.name,
        l.title,
        l.seeds.join(", ")
    );
    for (i, (st, sc)) in l.steps.iter().zip(&c.steps).enumerate() {
        let _ = writeln!(o, "step {}: {}", i + 1, st.instruction);
        for (b, a) in sc.before.iter().zip(&sc.after) {
            let _ = writeln!(
                o,
                "  goal {:<34} before {:>12} ({})  after {:>12} ({})",
                a.goal.to_string(),
                b.shown,
                word(b),
                a.shown,
                word(a)
            );
        }
        let verdict = if sc.teaches() {
            "ok"
        } else if !sc.after.iter().all(|g| g.holds) {
            "FAILS: the goal does not hold after the change"
        } else {
            "FAILS: a goal already held before the change (it teaches nothing)"
        };
        let _ = writeln!(o, "  {verdict}");
    }
    let _ = writeln!(
        o,
        "{}",
        if c.passes() {
            "every goal holds after its change and failed before it"
        } else {
            "some goal does not teach: see above"
        }
    );
    o
}

fn word(g: &GoalCheck) -> &'static str {
    if g.holds {
        "holds"
    } else {
        "fails"
    }
}
