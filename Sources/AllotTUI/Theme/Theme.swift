import TOMLKit

/// The look of the workbench: one style per part of the screen, read from a theme file in `Themes/`.
///
/// Themes are plain TOML (`[base] fg = "#d0d0d0" bg = "default"`), so users copy one into their config folder and
/// change it; every part not named in a file falls back to the base style.
public struct Theme: Hashable, Sendable {
    /// The parts of the screen a theme styles.
    public enum Part: String, CaseIterable, Hashable, Sendable {
        case base, title, breadcrumb, header, selection, muted, accent, good, warning, danger
        case statusBar = "status_bar", flash, flashError = "flash_error", prompt, overlay, border, tag
    }

    public var name: String
    public var styles: [Part: CellStyle]

    public init(name: String, styles: [Part: CellStyle]) { self.name = name; self.styles = styles }

    public subscript(_ part: Part) -> CellStyle { styles[part] ?? styles[.base] ?? .plain }

    /// Reads a theme file; errors name the file and the key.
    public init(toml text: String, file: String) throws(ThemeError) {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch {
            throw ThemeError(file: file, key: "", message: "not valid TOML: \(error)")
        }
        name = root["name"]?.string ?? file.asPathLike.lastComponentWithoutExtension
        styles = [:]
        for key in root.keys.sorted() where key != "name" {
            guard let part = Part(rawValue: key) else {
                throw ThemeError(file: file, key: key, message: "not a part of the screen (\(Part.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let t = root[key]?.table else { throw ThemeError(file: file, key: key, message: "must be a table like [\(key)]") }
            var style = CellStyle()
            for k in t.keys.sorted() {
                let v = t[k]!
                switch k {
                case "fg", "bg":
                    guard let s = v.string, let c = TermColor(name: s) else {
                        throw ThemeError(file: file, key: "\(key).\(k)", message: "'\(v)' is not a color (default, red, bright_red, 0-255, #rrggbb)")
                    }
                    if k == "fg" { style.fg = c } else { style.bg = c }
                case "bold", "underline", "reverse", "dim":
                    guard let b = v.bool else { throw ThemeError(file: file, key: "\(key).\(k)", message: "must be true or false") }
                    switch k { case "bold": style.bold = b; case "underline": style.underline = b; case "reverse": style.reverse = b; default: style.dim = b }
                default:
                    throw ThemeError(file: file, key: "\(key).\(k)", message: "unknown key (fg, bg, bold, underline, reverse, dim)")
                }
            }
            styles[part] = style
        }
        // A part that names no background shows on the base background.
        let base = styles[.base] ?? .plain
        for (p, s) in styles where p != .base && s.bg == .terminalDefault && !s.reverse { styles[p]!.bg = base.bg }
    }

    /// The same theme without any color, attributes only (for `NO_COLOR` and monochrome terminals).
    public var withoutColor: Theme {
        Theme(name: name, styles: styles.mapValues { s in
            var m = s; m.fg = .terminalDefault; m.bg = .terminalDefault; return m
        })
    }

    /// A theme that needs no file: attributes only, readable on any terminal.
    public static let builtInMonochrome = Theme(name: "monochrome", styles: [
        .base: CellStyle(), .title: CellStyle(bold: true), .breadcrumb: CellStyle(bold: true),
        .header: CellStyle(bold: true, underline: true), .selection: CellStyle(reverse: true), .muted: CellStyle(dim: true),
        .accent: CellStyle(bold: true), .good: CellStyle(), .warning: CellStyle(bold: true), .danger: CellStyle(bold: true, underline: true),
        .statusBar: CellStyle(reverse: true), .flash: CellStyle(bold: true), .flashError: CellStyle(bold: true, reverse: true),
        .prompt: CellStyle(bold: true), .overlay: CellStyle(reverse: true), .border: CellStyle(), .tag: CellStyle(underline: true),
    ])
}

/// A theme file that cannot be used, naming file and key.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var message: String
    public var description: String { key.isEmpty ? "\(file): \(message)" : "\(file): key '\(key)': \(message)" }
}

/// Path helpers without Foundation's bridging (theme files are named by their last component).
struct NSStringLike {
    let s: String
    var lastComponentWithoutExtension: String {
        let last = s.split(separator: "/").last.map(String.init) ?? s
        return last.hasSuffix(".toml") ? String(last.dropLast(5)) : last
    }
}
extension String { var asPathLike: NSStringLike { NSStringLike(s: self) } }
