import CAPIModel
import Delivery
import DeliveryStoreConformance
import Synchronization
import Testing

/// The store-neutral group commit: how many commits run at once, which appends each carries,
/// and that every caller gets its own result only after the commit that carried it.
@Suite struct GroupCommitTests {
    static let t0 = Timestamp(milliseconds: 1_767_225_600_000)

    /// What the fake store's commits saw.
    final class Commits: Sendable {
        struct State {
            var inProgress = 0
            var mostAtOnce = 0
            var batches: [[String]] = []
        }
        let state = Mutex(State())
    }

    /// Whether the first commit is still to come.
    final class FirstCommit: Sendable {
        let state = Mutex(true)
    }

    /// Runs `callers` single-event appends at once through `group`, each commit taking a
    /// millisecond; returns every caller's result by event id.
    static func appendConcurrently(
        _ group: GroupCommit, callers: Int, commits: Commits, maximumEventsPerCommit: Int = 1_000
    ) async throws -> [String: AppendResult] {
        try await withThrowingTaskGroup(of: (String, AppendResult).self) { tasks in
            for index in 0..<callers {
                tasks.addTask {
                    let id = "e\(index)"
                    let result = try await group.append(
                        [EventStoreConformance.event(id)], at: t0, maximumEventsPerCommit: maximumEventsPerCommit
                    ) { takeBatch in
                        commits.state.withLock {
                            $0.inProgress += 1
                            $0.mostAtOnce = max($0.mostAtOnce, $0.inProgress)
                        }
                        let batch = takeBatch()
                        try? await Task.sleep(for: .milliseconds(1))
                        commits.state.withLock {
                            $0.inProgress -= 1
                            $0.batches.append(batch.flatMap { $0.events.map(\.key.eventID) })
                        }
                        for append in batch {
                            append.complete(.success(AppendResult(insertedCount: append.events.count)))
                        }
                    }
                    return (id, result)
                }
            }
            var results: [String: AppendResult] = [:]
            for try await (id, result) in tasks { results[id] = result }
            return results
        }
    }

    @Test func oneCommitAtATimeAndEveryAppendCarriedOnce() async throws {
        let commits = Commits()
        let results = try await Self.appendConcurrently(GroupCommit(), callers: 64, commits: commits)
        let state = commits.state.withLock { $0 }
        #expect(results.count == 64)
        #expect(results.values.allSatisfy { $0.insertedCount == 1 })
        #expect(state.mostAtOnce == 1)
        #expect(state.batches.flatMap { $0 }.sorted() == (0..<64).map { "e\($0)" }.sorted())
        #expect(state.batches.count < 64, "64 appends took \(state.batches.count) commits")
    }

    @Test func callersInALoopStayInOneGroupInsteadOfTakingTurns() async throws {
        // 64 callers, each appending again as soon as its last append returns (request
        // handlers under load). Without letting the just-woken callers join, they split into
        // two groups of about 32 committing in turns (about 2 commits per round, each caller
        // waiting for two); together they need about one commit per round.
        let group = GroupCommit()
        let commits = Commits()
        let rounds = 10
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for caller in 0..<64 {
                tasks.addTask {
                    for round in 0..<rounds {
                        _ = try await group.append(
                            [EventStoreConformance.event("c\(caller)-\(round)")], at: Self.t0, maximumEventsPerCommit: 1_000
                        ) { takeBatch in
                            let batch = takeBatch()
                            try? await Task.sleep(for: .milliseconds(2))
                            commits.state.withLock { $0.batches.append(batch.map { $0.events[0].key.eventID }) }
                            for append in batch { append.complete(.success(AppendResult(insertedCount: 1))) }
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let batches = commits.state.withLock { $0.batches }
        #expect(batches.flatMap { $0 }.count == 64 * rounds)
        #expect(batches.count * 10 < rounds * 16, "\(batches.count) commits for \(rounds) rounds of 64")
    }

    @Test func aCommitCarriesAtMostTheLimitButAlwaysItsLeader() async throws {
        let commits = Commits()
        let results = try await Self.appendConcurrently(
            GroupCommit(), callers: 40, commits: commits, maximumEventsPerCommit: 5)
        let state = commits.state.withLock { $0 }
        #expect(results.count == 40)
        #expect(state.batches.allSatisfy { (1...5).contains($0.count) })
        #expect(state.batches.flatMap { $0 }.count == 40)
    }

    @Test func aFailedCommitFailsOnlyTheAppendsItCarried() async throws {
        let group = GroupCommit()
        let failing = FirstCommit()
        let outcomes = await withTaskGroup(of: Bool.self) { tasks in
            for index in 0..<16 {
                tasks.addTask {
                    do {
                        _ = try await group.append(
                            [EventStoreConformance.event("f\(index)")], at: Self.t0, maximumEventsPerCommit: 4
                        ) { takeBatch in
                            let batch = takeBatch()
                            // The first commit fails, every later one succeeds.
                            let fails = failing.state.withLock { first in
                                defer { first = false }
                                return first
                            }
                            for append in batch {
                                append.complete(
                                    fails
                                        ? .failure(DeliveryError(code: .storeFailure, message: "disk full"))
                                        : .success(AppendResult(insertedCount: append.events.count)))
                            }
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await tasks.reduce(into: [Bool]()) { $0.append($1) }
        }
        // The first commit carried between one and four appends; they failed, the rest did not.
        #expect(outcomes.count == 16)
        #expect((1...4).contains(outcomes.filter { !$0 }.count))
    }
}
