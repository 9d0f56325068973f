extension Collection {
    /// The collection cut into consecutive slices of `size` elements, the last one possibly
    /// shorter; none for an empty collection.
    ///
    /// Stores use it to keep each statement under a limit of their database (SQLite's number
    /// of bound parameters, for example) while one transaction covers every chunk:
    ///
    /// ```swift
    /// for chunk in ids.chunks(ofAtMost: SQLiteEventStore.idsPerList) { /* UPDATE … WHERE id IN (…) */ }
    /// ```
    ///
    /// - Precondition: `size` is at least 1.
    package func chunks(ofAtMost size: Int) -> [SubSequence] {
        precondition(size >= 1, "a chunk holds at least one element")
        var chunks: [SubSequence] = []
        chunks.reserveCapacity((count + size - 1) / size)
        var start = startIndex
        while start != endIndex {
            let end = index(start, offsetBy: size, limitedBy: endIndex) ?? endIndex
            chunks.append(self[start..<end])
            start = end
        }
        return chunks
    }
}
