/// The workbench: a pure state and reducer, views that draw into an in-memory cell grid, and ncurses as a
/// thin backend that sends only what changed.
public enum AllotTUI {}
