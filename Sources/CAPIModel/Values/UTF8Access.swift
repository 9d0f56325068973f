/// Calls `body` with the UTF-8 bytes of `text`, without copying a native string (small
/// strings are copied to the stack by the standard library, which is cheap). Shared by
/// the modules whose hot paths read strings byte by byte.
///
/// `body` is applied at exactly one place in the inlined fast path, so the compiler
/// inlines it there; the rare slow path (strings without contiguous UTF-8, which Linux
/// does not make) is out of line. With `body` applied twice, the closure stayed a separate
/// function and its result came back through memory.
@inlinable @inline(__always)
package func withUTF8<R>(of text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return withUTF8OfNonContiguous(text, body)
}

@usableFromInline @inline(never)
package func withUTF8OfNonContiguous<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    var copy = text  // bridged or lazily stored strings: make them contiguous first
    return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
}
