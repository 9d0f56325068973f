/// A plain-text table with padded columns, for terminals and logs.
///
/// ```swift
/// var table = TextTable(columns: [.init("STATE"), .init("EVENTS", alignment: .right)])
/// table.append(["delivered", "12"])
/// print(table.render())
/// // STATE      EVENTS
/// // delivered      12
/// ```
///
/// Widths count characters (grapheme clusters), which is right for the ASCII, Latin text and
/// block characters these tables hold; wide CJK characters would misalign.
public struct TextTable: Sendable {
    /// One column.
    public struct Column: Sendable {
        public enum Alignment: Sendable { case left, right }
        public var title: String
        public var alignment: Alignment
        /// The narrowest the column gets, so tables printed page by page mostly line up.
        public var minimumWidth: Int

        public init(_ title: String, alignment: Alignment = .left, minimumWidth: Int = 0) {
            self.title = title
            self.alignment = alignment
            self.minimumWidth = minimumWidth
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []
    /// The spaces between columns.
    public var gap = 2

    public init(columns: [Column]) { self.columns = columns }

    /// Adds a row; missing cells are blank and extra cells are dropped.
    public mutating func append(_ row: [String]) {
        rows.append(Array((row + Array(repeating: "", count: max(0, columns.count - row.count))).prefix(columns.count)))
    }

    /// The table, one line per row after the header, every line starting with `indent`
    /// spaces, with no trailing spaces, ending in a newline. Cells are escaped with
    /// ``TerminalText/escape(_:)``: they often hold stored or received text.
    public func render(indent: Int = 0, header: Bool = true) -> String {
        let all = ((header ? [columns.map(\.title)] : []) + rows).map { $0.map(TerminalText.escape) }
        var widths = columns.map(\.minimumWidth)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var text = ""
        let margin = String(repeating: " ", count: indent)
        for row in all {
            var line = margin
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 { line += String(repeating: " ", count: gap) }
                line += columns[index].alignment == .right ? padding + cell : cell + padding
            }
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}
