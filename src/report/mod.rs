//! Summaries and charts of a run's report, generic over plotters backends so they are testable
//! natively with the SVG backend.
