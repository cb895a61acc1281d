import ArgumentParser
import Foundation
import AllotCore
import AllotStore
import AllotTUI

/// `allot` with no command: the workbench.
struct Workbench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Open the workbench on the mirror (the default command).",
        discussion: """
        Opens on the view for your role (users.csv): planners on the exception queue, customer service on held \
        orders, supervisors on escalations. `?` lists the keys of each view, `:` opens the command line \
        (:queue :held :escalations :supply SKU :audit :theme NAME :q). Settings and key bindings live in \
        $XDG_CONFIG_HOME/allot/config.toml; themes in Themes/ and $XDG_CONFIG_HOME/allot/themes/.
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this user from users.csv (demos, tests).", valueName: "user"))
    var asUser: String?

    @Option(help: ArgumentHelp("Theme: dark, light, high-contrast, monochrome, or one of yours.", valueName: "name"))
    var theme: String?

    @Flag(help: "Do not capture the mouse (leaves the terminal's own selection working).")
    var noMouse = false

    func run() throws {
        let mirror = try store.open()
        // First start: a new, empty mirror is loaded with the bundled sample scenario.
        var firstStart: String?
        let sample = SampleLocator.scenario(SampleLocator.defaultScenario)
        // Its dates move on to today, so that the story it was written to tell on its own day is the one shown.
        let moved = try PlanInputs.day(nil) - SampleLocator.scenarioDay
        if FileManager.default.fileExists(atPath: sample), let loaded = try mirror.loadSampleIfEmpty(directory: sample, shiftingDays: moved) {
            // One line of a 100-column screen, the plan's note included.
            firstStart = "sample \(SampleLocator.defaultScenario) loaded"
                + (loaded.rejected > 0 ? " (\(loaded.rejected) rows rejected)" : "")
                + (moved == 0 ? "" : ", its \(SampleLocator.scenarioDay.short) moved to today (\(moved > 0 ? "+" : "")\(moved) days)")
        }
        // A mirror with data but no plan yet gets one, so the queue is never empty for want of `allot plan`.
        if try PlanStore(mirror: mirror).currentPlanID() == nil, !(try mirror.isEmpty()) {
            let planID = try PlanInputs.planAndStore(mirror: mirror).planID
            firstStart = firstStart.map { $0 + "; planned as of today" } ?? "planned as of today: \(planID)"
        }
        let reads = WorkbenchReads(mirror: mirror)
        let env = ProcessInfo.processInfo.environment

        let configDir = WorkbenchConfig.directory()
        let config: WorkbenchConfig
        do { config = try WorkbenchConfig.load(path: configDir + "/config.toml") } catch {
            throw ValidationError("\(error)")
        }
        let catalog = ThemeCatalog(directories: [configDir + "/themes", ThemeLocator.root])
        let themeName = theme ?? config.theme ?? "dark"
        let chosenTheme: Theme
        do { chosenTheme = try catalog.load(themeName) } catch { throw ValidationError("\(error)") }

        let (user, role, warning) = try identify(reads, env)
        let policy = (try? mirror.storedPolicy()) ?? Policy()

        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("the workbench needs a terminal; for scripts use `allot status`, `allot plan --json` or `allot audit --json`")
        }
        var state = WorkbenchState(session: Session(user: user, role: role, mirrorName: (store.path as NSString).lastPathComponent),
                                   rows: 24, cols: 80, keyMap: config.keyMap, themeName: themeName, mouse: config.mouse && !noMouse,
                                   now: Timestamp(seconds: Date().timeIntervalSince1970), policy: PolicyFacts(policy))
        state.flash = warning.map { Flash($0, isError: true) } ?? firstStart.map { Flash($0) }
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty
        let backend = NcursesBackend(color: !noColor, mouse: state.mouse)
        defer { backend.close() }
        let size = backend.size
        state.rows = size.rows; state.cols = size.cols
        let driver = WorkbenchDriver(state: state, theme: chosenTheme, backend: backend,
                                     services: WorkbenchServices(mirror: mirror), themes: catalog, noColor: noColor)
        TerminalLoop(driver: driver, watch: try? ChangeWatch(mirror: mirror)).run()
    }

    /// Who is at the terminal: `--as` (must be listed), else the OS user (a planner, with a warning, when unlisted).
    func identify(_ reads: WorkbenchReads, _ env: [String: String]) throws -> (String, Role, String?) {
        if let name = asUser {
            guard let role = try reads.role(of: name) else {
                throw ValidationError("--as \(name): no such user in the mirror's users (users.csv)")
            }
            return (name, role, nil)
        }
        let name = env["USER"] ?? env["LOGNAME"] ?? NSUserName()
        if let role = try reads.role(of: name) { return (name, role, nil) }
        return (name, .planner, "\(name) is not in users.csv: viewing as a planner; decisions need a listed user (--as USER)")
    }
}

/// Where the bundled themes live: `$ALLOT_THEMES`, else `Themes/` of the source tree this binary was built from.
enum ThemeLocator {
    static var root: String {
        if let env = ProcessInfo.processInfo.environment["ALLOT_THEMES"], !env.isEmpty { return env }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Themes").path
    }
}
