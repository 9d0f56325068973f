// Fuzzes HTMLText.escape, which every stored or received string of `capi report` goes through.
//
// Invariants: no crash; the output holds no `<`, `>`, `"` or `'`; every `&` starts one of the
// five references it writes; decoding those references gives back the input with each
// control character other than tab and newline replaced by U+FFFD; text without special
// characters is returned unchanged. Compared scalar by scalar: a combining mark after `&`
// must not hide it.
import DeliveryDashboard

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let escaped = Array(HTMLText.escape(text).unicodeScalars)
    precondition(!escaped.contains { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" }, "markup survived")

    let references: [([Unicode.Scalar], Unicode.Scalar)] = [
        (Array("&amp;".unicodeScalars), "&"), (Array("&lt;".unicodeScalars), "<"), (Array("&gt;".unicodeScalars), ">"),
        (Array("&quot;".unicodeScalars), "\""), (Array("&#39;".unicodeScalars), "'"),
    ]
    var decoded: [Unicode.Scalar] = []
    var index = 0
    while index < escaped.count {
        guard escaped[index] == "&" else {
            decoded.append(escaped[index])
            index += 1
            continue
        }
        guard let (reference, scalar) = references.first(where: { escaped[index...].starts(with: $0.0) }) else {
            preconditionFailure("a bare & in the output")
        }
        decoded.append(scalar)
        index += reference.count
    }

    func isReplacedControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
    }
    let expected = text.unicodeScalars.map { isReplacedControl($0) ? "\u{FFFD}" : $0 }
    precondition(decoded == expected, "the escaped text does not mean its input")
    if !text.unicodeScalars.contains(where: { "&<>\"'".unicodeScalars.contains($0) || isReplacedControl($0) }) {
        precondition(escaped == Array(text.unicodeScalars), "plain text was changed")
    }
    return 0
}
