import CAPIModel
import Delivery
import DeliveryPostgres
import DeliveryStoreConformance
import Testing

/// Small appends arriving together share a commit, each still returning only after the commit
/// that carried its events, with its own result.
@Suite("PostgreSQL group commit")
struct PostgresGroupCommitTests {
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)

    @Test("64 concurrent single-event appends share commits, and each gets its own result")
    func concurrentAppendsShareCommits() async throws {
        try await PostgresTestDatabase.withScratchStore(maximumConnections: 8) { store in
            _ = try await store.append([EventStoreConformance.event("warm-up")], at: Self.t0)
            let before = store.appendCommitCount
            // Every fourth append repeats the key of the one before it: exactly one of each
            // pair is new, whichever the commit carried first.
            let results = try await withThrowingTaskGroup(of: (Int, AppendResult).self) { group in
                for index in 0..<64 {
                    let id = index % 4 == 3 ? "g\(index - 1)" : "g\(index)"
                    group.addTask {
                        (index, try await store.append([EventStoreConformance.event(id)], at: Self.t0 + .milliseconds(index)))
                    }
                }
                var results: [Int: AppendResult] = [:]
                for try await (index, result) in group { results[index] = result }
                return results
            }
            #expect(results.count == 64)
            #expect(results.values.reduce(0) { $0 + $1.insertedCount } == 48)
            #expect(results.values.reduce(0) { $0 + $1.duplicates.count } == 16)
            for pair in stride(from: 2, to: 64, by: 4) {
                #expect(results[pair]!.insertedCount + results[pair + 1]!.insertedCount == 1, "pair \(pair)")
            }
            let commits = store.appendCommitCount - before
            #expect(commits >= 1)
            #expect(commits < 64, "64 appends took \(commits) commits")
            #expect(try await store.counts(pixel: nil).pending == 49)
            // Each event keeps its own enqueue time, not the leader's.
            let stored = try await store.status(of: EventKey(pixelID: "111", eventName: .purchase, eventID: "g10"))
            #expect(stored?.enqueuedAt == Self.t0 + .milliseconds(10))
        }
    }

    @Test("a large append commits on its own; group commit can be turned off")
    func largeAppendsAndTurningItOff() async throws {
        try await PostgresTestDatabase.withScratchStore { store in
            let before = store.appendCommitCount
            let big = (0..<500).map { EventStoreConformance.event("big-\($0)") }
            let result = try await store.append(big, at: Self.t0)
            #expect(result.insertedCount == 500)
            #expect(store.appendCommitCount == before + 1)
        }
        var configuration = PostgresTestDatabase.storeConfiguration(schema: PostgresTestDatabase.uniqueSchema())
        configuration.groupCommitMaximumEvents = 0
        try await PostgresTestDatabase.withSchema(configuration.schema) {
            try await withPostgresEventStore(
                clientConfiguration: try PostgresTestDatabase.clientConfiguration(maximumConnections: 8),
                configuration: configuration
            ) { store in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<16 {
                        group.addTask { _ = try await store.append([EventStoreConformance.event("s\(index)")], at: Self.t0) }
                    }
                    try await group.waitForAll()
                }
                #expect(store.appendCommitCount == 16)
                #expect(try await store.counts(pixel: nil).pending == 16)
            }
        }
    }
}
