import Foundation

/// Finds themes by name: the user's config folder first (so a user theme overrides a bundled one of the same name),
/// then the bundled `Themes/` folder.
public struct ThemeCatalog: Sendable {
    public var directories: [String]
    public init(directories: [String]) { self.directories = directories }

    /// The names of every theme found, sorted.
    public func names() -> [String] {
        var out = Set<String>()
        for d in directories {
            for f in (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? [] where f.hasSuffix(".toml") {
                out.insert(String(f.dropLast(5)))
            }
        }
        return out.sorted()
    }

    /// Loads the theme `name`; an unknown name lists the known ones.
    public func load(_ name: String) throws -> Theme {
        for d in directories {
            let path = d + "/" + name + ".toml"
            if FileManager.default.fileExists(atPath: path) {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                var theme = try Theme(toml: text, file: path)
                theme.name = name
                return theme
            }
        }
        if name == "monochrome" { return .builtInMonochrome }
        throw ThemeError(file: name + ".toml", key: "", message: "no such theme (known: \(names().joined(separator: ", ")))")
    }
}
