import Foundation
import AllotCore
import AllotStore

/// Holds the state and turns actions into frames: reduce, run the commands, render, present.
///
/// Synchronous mode runs store commands inline (tests, the benchmark); the terminal runtime hands them to a
/// background queue instead and feeds the answers back as actions.
public final class WorkbenchDriver {
    public private(set) var state: WorkbenchState
    public private(set) var theme: Theme
    public let backend: any TerminalBackend
    public let services: WorkbenchServices
    public let themes: ThemeCatalog
    /// Colors are dropped from every theme (`NO_COLOR`, or a terminal without colors).
    public let noColor: Bool
    /// Where store commands go when not run inline.
    public var dispatchCommand: ((Command) -> Void)?

    public init(state: WorkbenchState, theme: Theme, backend: any TerminalBackend, services: WorkbenchServices,
                themes: ThemeCatalog, noColor: Bool = false) {
        self.state = state; self.backend = backend; self.services = services; self.themes = themes; self.noColor = noColor
        self.theme = noColor ? theme.withoutColor : theme
    }

    /// Issues the first loads.
    public func start() {
        var s = state
        let commands = WorkbenchReducer.start(&s)
        state = s
        run(commands)
    }

    /// Applies one action and runs what it asks for.
    public func send(_ action: Action) {
        let (next, commands) = WorkbenchReducer.reduce(state, action)
        state = next
        run(commands)
    }

    private func run(_ commands: [Command]) {
        for c in commands {
            switch c {
            case .setTheme(let name):
                do {
                    let t = try themes.load(name)
                    theme = noColor ? t.withoutColor : t
                    send(.themeChanged(name))
                } catch {
                    send(.failed("theme \(name): \(error)"))
                }
            case .quit:
                break
            default:
                if let dispatch = dispatchCommand {
                    dispatch(c)
                } else {
                    for a in services.perform(c, session: state.session, now: state.now) { send(a) }
                }
            }
        }
    }

    /// Draws the state and shows it (the backend sends only what changed).
    public func frame() {
        let size = backend.size
        if size.rows != state.rows || size.cols != state.cols { send(.resized(rows: size.rows, cols: size.cols)) }
        backend.present(WorkbenchView.render(state, theme: theme))
    }
}
