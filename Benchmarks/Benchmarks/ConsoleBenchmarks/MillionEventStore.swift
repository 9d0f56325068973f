// A SQLite store holding 1,000,000 events, the size an operator console must stay fast on.
//
// Building it takes about a minute, so it is built once and kept for later runs in
// `<temporary directory>/roasproof-console-bench/` (delete that folder to rebuild it). A
// `complete` marker is written last: a folder left by an interrupted build is rebuilt.
import BenchmarkEvents
import CAPIModel
import Delivery
import DeliverySQLite
import Foundation

enum MillionEventStore {
    static let eventCount = 1_000_000
    /// Two pixels, 80 % of the events on the first.
    static let pixels: [PixelID] = ["1234567890", "9876543210"]
    static let eventNames: [EventName] = [.purchase, .lead, .addToCart, .completeRegistration]
    /// Every 200th event ends parked (0.5 %), every 40th is still waiting for a retry (2.5 %);
    /// the rest are delivered, as in a healthy store that keeps a month of history.
    static let parkEvery = 200
    static let retryEvery = 40

    static var directory: String { FileManager.default.temporaryDirectory.path + "/roasproof-console-bench" }
    static var path: String { directory + "/million.sqlite" }
    private static var marker: String { directory + "/complete" }

    /// The event id of the `index`-th event, for searches.
    static func eventID(_ index: Int) -> String { "order-\(index)" }

    /// Opens the store, building it first when no complete copy exists.
    static func open() async throws -> SQLiteEventStore {
        if !FileManager.default.fileExists(atPath: marker) { try await build() }
        return try await SQLiteEventStore.open(path: path)
    }

    private static func build() async throws {
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try await SQLiteEventStore.open(path: path)
        let encoder = FastServerEventEncoder()
        let now = Timestamp.now
        var next = 0
        while next < eventCount {
            let chunk = min(10_000, eventCount - next)
            var byPixel: [PixelID: [PendingEvent]] = [:]
            for index in next..<(next + chunk) {
                var event = Events.purchase(index)
                event.eventName = eventNames[index % eventNames.count]
                let pixel = pixels[index % 5 == 4 ? 1 : 0]
                byPixel[pixel, default: []].append(
                    PendingEvent(
                        key: EventKey(pixelID: pixel, eventName: event.eventName, eventID: eventID(index)),
                        eventTime: event.eventTime, actionSource: event.actionSource, json: try encoder.encode(event),
                        matchKeys: UserDataKeySet(event.userData)))
            }
            for (_, events) in byPixel { _ = try await store.append(events, at: now) }
            next += chunk
        }
        // Settle everything once, in the order it was appended: one receipt per leased batch.
        let later = Timestamp(milliseconds: now.milliseconds + 365 * 86_400_000)
        for pixel in pixels {
            while true {
                let leased = try await store.lease(pixel: pixel, now: now, limit: 5_000, leaseDuration: .seconds(3_600))
                if leased.isEmpty { break }
                let receipt = AttemptReceipt(
                    pixelID: pixel, startedAt: now, durationMilliseconds: 180, requestBody: "{}", eventCount: leased.count,
                    httpStatus: 200, responseBody: #"{"events_received":\#(leased.count)}"#, fbtraceID: "AbCdEfGhIjK",
                    eventsReceived: leased.count, outcome: .delivered)
                let settlements = leased.map { event in
                    let index = Int(event.key.eventID.dropFirst("order-".count)) ?? 0
                    let disposition: EventDisposition =
                        index % parkEvery == 0
                        ? .park(
                            ParkReason(code: .rejected, message: "Invalid parameter", graphCode: 100, graphSubcode: 2_804_019))
                        : index % retryEvery == 0 ? .retry(at: later) : .delivered
                    return EventSettlement(event, disposition: disposition)
                }
                _ = try await store.settle(Settlement(attempt: receipt, events: settlements), at: now)
            }
        }
        try await store.close()
        guard FileManager.default.createFile(atPath: marker, contents: Data()) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: marker])
        }
    }
}
