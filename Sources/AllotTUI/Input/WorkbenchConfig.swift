import Foundation
import TOMLKit

/// The user's settings from `$XDG_CONFIG_HOME/allot/config.toml`: theme, mouse, and key bindings.
///
/// ```toml
/// theme = "light"
/// mouse = true
/// [keys]
/// move_down = ["j", "down", "ctrl-n"]
/// accept = ["A"]
/// ```
public struct WorkbenchConfig: Hashable, Sendable {
    public var theme: String?
    public var mouse = true
    public var keyMap = KeyMap.standard

    public init() {}

    /// The user's config folder: `$XDG_CONFIG_HOME/allot`, else `~/.config/allot`.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/allot" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/allot"
    }

    /// Reads the config file at `path`; a missing file is the default config.
    public static func load(path: String) throws -> WorkbenchConfig {
        guard FileManager.default.fileExists(atPath: path) else { return WorkbenchConfig() }
        return try WorkbenchConfig(toml: try String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    /// Reads config text; errors name the file, key and value.
    public init(toml text: String, file: String) throws(ThemeError) {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch { throw ThemeError(file: file, key: "", message: "not valid TOML: \(error)") }
        for key in root.keys.sorted() {
            let v = root[key]!
            switch key {
            case "theme":
                guard let s = v.string else { throw ThemeError(file: file, key: key, message: "must be a theme name") }
                theme = s
            case "mouse":
                guard let b = v.bool else { throw ThemeError(file: file, key: key, message: "must be true or false") }
                mouse = b
            case "keys":
                guard let t = v.table else { throw ThemeError(file: file, key: key, message: "must be a table [keys]") }
                for name in t.keys.sorted() {
                    guard let intent = Intent(rawValue: name) else {
                        throw ThemeError(file: file, key: "keys.\(name)", message: "not an action (\(Intent.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    let names: [String]
                    if let s = t[name]!.string { names = [s] } else if let a = t[name]!.array {
                        names = try a.map { e throws(ThemeError) -> String in
                            guard let s = e.string else { throw ThemeError(file: file, key: "keys.\(name)", message: "must list key names") }
                            return s
                        }
                    } else { throw ThemeError(file: file, key: "keys.\(name)", message: "must be a key name or a list of key names") }
                    let keys = try names.map { n throws(ThemeError) -> Key in
                        guard let k = Key(name: n) else { throw ThemeError(file: file, key: "keys.\(name)", message: "'\(n)' is not a key name") }
                        return k
                    }
                    keyMap.rebind(intent, to: keys)
                }
            default:
                throw ThemeError(file: file, key: key, message: "unknown setting (theme, mouse, keys)")
            }
        }
    }
}
