public import CAPIModel
public import Delivery
import Synchronization

extension SQLiteEventStore {
    // MARK: Append (group commit)

    public func append(_ events: [PendingEvent], at now: Timestamp) async throws -> AppendResult {
        guard !events.isEmpty else { return AppendResult(insertedCount: 0) }
        return try await group.append(events, at: now, maximumEventsPerCommit: configuration.maximumEventsPerCommit) {
            takeBatch in
            // The batch is taken once the lock is held, so appends arriving meanwhile join it.
            await lock.lock()
            let requests = takeBatch()
            do {
                let results = try await inTransaction { try await insert(requests) }
                appendCommits.withLock { $0 += 1 }
                for (request, result) in zip(requests, results) { request.complete(.success(result)) }
            } catch {
                let wrapped = storeError("appending events failed; nothing of this call was stored", error)
                for request in requests { request.complete(.failure(wrapped)) }
            }
            lock.unlock()
        }
    }
}
