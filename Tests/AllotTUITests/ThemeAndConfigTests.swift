import Testing
import Foundation
@testable import AllotTUI
import AllotTestSupport

@Suite("Themes and the config file")
struct ThemeAndConfigTests {
    @Test("the four bundled themes load and style every part")
    func bundledThemes() throws {
        let catalog = ThemeCatalog(directories: [Fixture.themesDirectory])
        #expect(Set(catalog.names()).isSuperset(of: ["dark", "light", "high-contrast", "monochrome"]))
        for name in ["dark", "light", "high-contrast", "monochrome"] {
            let t = try catalog.load(name)
            #expect(Set(t.styles.keys) == Set(Theme.Part.allCases), "theme \(name)")
        }
    }

    @Test("a user theme in the config folder overrides the bundled one of the same name")
    func userOverrides() throws {
        let dir = Scratch.path("allot-theme")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "[base]\nfg = \"red\"\n".write(toFile: dir + "/dark.toml", atomically: true, encoding: .utf8)
        let t = try ThemeCatalog(directories: [dir, Fixture.themesDirectory]).load("dark")
        #expect(t[.base].fg == .ansi(1))
    }

    @Test("a bad theme file names the file, the key and the value")
    func badTheme() {
        #expect(throws: ThemeError.self) { try Theme(toml: "[selection]\nfg = \"chartreuse-ish\"\n", file: "mine.toml") }
        do { _ = try Theme(toml: "[selection]\nfg = \"chartreuse-ish\"\n", file: "mine.toml") } catch {
            #expect(error.description == "mine.toml: key 'selection.fg': '\"chartreuse-ish\"' is not a color (default, red, bright_red, 0-255, #rrggbb)"
                    || error.description.contains("mine.toml: key 'selection.fg'"))
        }
        #expect(throws: ThemeError.self) { try Theme(toml: "[sidebar]\nfg = \"red\"\n", file: "mine.toml") }
    }

    @Test("without color a theme keeps its attributes, so the selection still shows")
    func noColor() throws {
        let t = try ThemeCatalog(directories: [Fixture.themesDirectory]).load("dark").withoutColor
        #expect(t[.selection].fg == .terminalDefault && t[.selection].bg == .terminalDefault)
        #expect(t[.selection].bold)
        #expect(Theme.builtInMonochrome[.selection].reverse)
    }

    @Test("colors map down to 256 and to 8 colors")
    func colorMapping() {
        #expect(TermColor(name: "#ff0000")?.index256 == 196)
        #expect(TermColor(name: "#ff0000")?.index8 == 1)
        #expect(TermColor(name: "#808080")?.index256 == 244)
        #expect(TermColor(name: "bright_blue") == .ansi(12))
        #expect(TermColor(name: "default")?.index256 == nil)
        #expect(TermColor(name: "color214") == .indexed(214))
    }

    @Test("the config file rebinds keys and picks the theme and mouse")
    func config() throws {
        let c = try WorkbenchConfig(toml: """
            theme = "light"
            mouse = false
            [keys]
            move_down = ["n", "down"]
            accept = "A"
            """, file: "config.toml")
        #expect(c.theme == "light" && !c.mouse)
        #expect(c.keyMap.intent(for: .char("n")) == .moveDown)
        #expect(c.keyMap.intent(for: .char("j")) == nil)
        #expect(c.keyMap.intent(for: .char("A")) == .accept)
        #expect(c.keyMap.intent(for: .char("a")) == nil)
    }

    @Test("an unknown action or key name in the config is an error naming it")
    func badConfig() {
        #expect(throws: ThemeError.self) { try WorkbenchConfig(toml: "[keys]\nfly = \"f\"\n", file: "config.toml") }
        #expect(throws: ThemeError.self) { try WorkbenchConfig(toml: "[keys]\naccept = \"hyper-a\"\n", file: "config.toml") }
    }
}
