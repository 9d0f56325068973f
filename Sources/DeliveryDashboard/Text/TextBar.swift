/// Horizontal bars drawn with Unicode block characters, to eighths of a cell.
///
/// ```swift
/// TextBar.render(share: 0.75, width: 8)   // "██████░░"
/// TextBar.render(share: 0.3, width: 10)   // "███░░░░░░░"
/// ```
public enum TextBar {
    /// The partial blocks for 1/8 to 7/8 of a cell.
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// A bar `width` cells wide whose filled part is `share` (clamped to 0...1) of it; the rest
    /// is a light shaded track. A share above zero always shows at least an eighth, and a share
    /// below one never fills the last cell, so "almost none" and "almost all" stay visible.
    public static func render(share: Double, width: Int) -> String {
        let width = max(0, width)
        guard width > 0 else { return "" }
        let clamped = share.isNaN ? 0 : min(1, max(0, share))
        let total = width * 8
        var filled = Int((clamped * Double(total)).rounded())
        if clamped > 0 && filled == 0 { filled = 1 }
        if clamped < 1 && filled == total { filled = total - 1 }
        let full = filled / 8
        let remainder = filled % 8
        var bar = String(repeating: "█", count: full)
        if remainder > 0 { bar.append(eighths[remainder - 1]) }
        bar += String(repeating: "░", count: width - full - (remainder > 0 ? 1 : 0))
        return bar
    }
}

/// How shares are written: whole percents, never rounded up to 100 % or down to 0 %.
public enum Percent {
    /// `"75%"` for 3 of 4; `"99%"` for 999 of 1,000 (not 100 %); `"<1%"` for 1 of 1,000; `"–"` for 0 of 0.
    public static func text(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "–" }
        if part <= 0 { return "0%" }
        if part >= whole { return "100%" }
        let percent = part * 100 / whole
        return percent == 0 ? "<1%" : "\(percent)%"
    }
}
