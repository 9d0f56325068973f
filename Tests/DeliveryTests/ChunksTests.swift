import Delivery
import Testing

/// The one chunking helper the stores use to keep statements under their database's limits.
@Suite struct ChunksTests {
    @Test func consecutiveSlicesOfTheSizeAndAShorterLastOne() {
        let chunks = Array(1...7).chunks(ofAtMost: 3)
        #expect(chunks.map(Array.init) == [[1, 2, 3], [4, 5, 6], [7]])
        #expect(chunks.map(\.startIndex) == [0, 3, 6])
    }

    @Test func exactMultiplesSingleChunksAndEmptyCollections() {
        #expect(Array(0..<2_000).chunks(ofAtMost: 1_000).map(\.count) == [1_000, 1_000])
        #expect(Array(0..<1_001).chunks(ofAtMost: 1_000).map(\.count) == [1_000, 1])
        #expect(Array(0..<5).chunks(ofAtMost: 1_000).map(Array.init) == [[0, 1, 2, 3, 4]])
        #expect([Int]().chunks(ofAtMost: 1_000).isEmpty)
        #expect(Array(0..<3).chunks(ofAtMost: 1).map(Array.init) == [[0], [1], [2]])
    }

    @Test func slicesOfASliceKeepItsIndices() {
        let slice = Array(0..<10)[4..<9]
        let chunks = slice.chunks(ofAtMost: 2)
        #expect(chunks.map(Array.init) == [[4, 5], [6, 7], [8]])
        #expect(chunks.map(\.startIndex) == [4, 6, 8])
        #expect(Array("abcde".chunks(ofAtMost: 2).map(String.init)) == ["ab", "cd", "e"])
    }
}
