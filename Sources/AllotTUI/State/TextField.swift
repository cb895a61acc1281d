/// A one-line text input (command line, filter, rationale note): its text and cursor, edited by keys.
public struct TextField: Hashable, Sendable {
    public var text: String
    /// Cursor position in characters.
    public var cursor: Int

    public init(_ text: String = "") { self.text = text; self.cursor = text.count }

    /// Applies an editing key; returns false when the key is not an editing key.
    public mutating func edit(_ key: Key) -> Bool {
        switch key {
        case .char(let c):
            let i = text.index(text.startIndex, offsetBy: cursor)
            text.insert(c, at: i); cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor - 1)); cursor -= 1
        case .delete:
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"): text.removeFirst(cursor); cursor = 0
        case .ctrl("w"):
            var i = cursor
            while i > 0, text[text.index(text.startIndex, offsetBy: i - 1)] == " " { i -= 1 }
            while i > 0, text[text.index(text.startIndex, offsetBy: i - 1)] != " " { i -= 1 }
            let a = text.index(text.startIndex, offsetBy: i), b = text.index(text.startIndex, offsetBy: cursor)
            text.removeSubrange(a..<b); cursor = i
        default: return false
        }
        return true
    }
}

/// A selection in a list and the first visible row, kept consistent with the list's length and the view's height.
public struct ListCursor: Hashable, Sendable {
    public var selected = 0
    public var scroll = 0
    public init(selected: Int = 0, scroll: Int = 0) { self.selected = selected; self.scroll = scroll }

    /// Moves by `delta` rows within `count` rows, scrolling so the selection stays in a view of `height` rows.
    public mutating func move(by delta: Int, count: Int, height: Int) {
        select(selected + delta, count: count, height: height)
    }

    public mutating func select(_ index: Int, count: Int, height: Int) {
        selected = count == 0 ? 0 : min(max(0, index), count - 1)
        keepVisible(height: height, count: count)
    }

    /// Scrolls just enough that the selection is visible (after a resize or a reload).
    public mutating func keepVisible(height: Int, count: Int) {
        let h = max(1, height)
        if selected < scroll { scroll = selected }
        if selected >= scroll + h { scroll = selected - h + 1 }
        scroll = max(0, min(scroll, max(0, count - h)))
    }
}
