import CAPIModel
import Delivery
import DeliveryDashboard

/// The event list's filters, read from the query.
struct ListFilter: Equatable {
    var state: EventState?
    var pixel: PixelID?
    var eventName: String?
    /// An `event_id`, or an order id (its events have `ord_<order id>`), or a store id.
    var search: String?
    /// Only events enqueued at or after this time.
    var since: Timestamp?
    /// Only events enqueued before this time.
    var until: Timestamp?

    init(
        state: EventState? = nil, pixel: PixelID? = nil, eventName: String? = nil, search: String? = nil,
        since: Timestamp? = nil, until: Timestamp? = nil
    ) {
        self.state = state
        self.pixel = pixel
        self.eventName = eventName
        self.search = search
        self.since = since
        self.until = until
    }

    static let states: [EventState] = [.pending, .inFlight, .delivered, .parked]

    init(query request: ConsoleRequest) {
        func value(_ name: String) -> String? {
            guard let text = request.queryValue(name)?.trimmingCharacters, !text.isEmpty else { return nil }
            return text
        }
        state = value("state").flatMap { name in Self.states.first { $0.description == name } }
        pixel = value("pixel").map { PixelID($0) }
        eventName = value("name")
        search = value("q")
        since = value("since").flatMap(UTCInput.parse)
        until = value("until").flatMap(UTCInput.parse)
    }

    var queryFields: [(String, String?)] {
        [
            ("state", state?.description), ("pixel", pixel?.rawValue), ("name", eventName), ("q", search),
            ("since", since.map(UTCInput.format)), ("until", until.map(UTCInput.format)),
        ]
    }

    /// The store filter for everything but the time window and the search.
    func storeFilter(eventID: String? = nil) -> EventFilter {
        EventFilter(pixelID: pixel, state: state, eventName: eventName.map { EventName($0) }, eventID: eventID)
    }

    func inTimeWindow(_ report: EventStatusReport) -> Bool {
        (since.map { report.enqueuedAt >= $0 } ?? true) && (until.map { report.enqueuedAt < $0 } ?? true)
    }
}

/// `2026-12-06T23:10` or `2026-12-06 23:10:05` (UTC), or Unix seconds.
enum UTCInput {
    static func parse(_ text: String) -> Timestamp? {
        if let seconds = Int64(text) { return Timestamp(seconds: seconds) }
        let digits = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard digits.count >= 3, (1970...9999).contains(digits[0]), (1...12).contains(digits[1]), (1...31).contains(digits[2])
        else { return nil }
        let hour = digits.count > 3 ? digits[3] : 0
        let minute = digits.count > 4 ? digits[4] : 0
        let second = digits.count > 5 ? digits[5] : 0
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let days = daysFromCivil(year: digits[0], month: digits[1], day: digits[2])
        return Timestamp(seconds: Int64(days) * 86_400 + Int64(hour * 3_600 + minute * 60 + second))
    }

    static func format(_ timestamp: Timestamp) -> String {
        String(UTCTime.iso8601(timestamp).prefix(19))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    var trimmingCharacters: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}

/// One page of the list: its rows and where the next page starts.
struct EventListPage {
    var rows: [EventStatusReport]
    /// The cursor of the next page, `nil` on the last page.
    var next: EventRecordID?
    /// What the search matched as (`event_id`, order id, store id), for the note above the list.
    var searchNote: String?
}

extension DeliveryConsole {
    /// Reads one page through the store's keyset query (`events(matching:after:limit:)`); the
    /// list never counts rows, so a page costs the same with a million events.
    func listPage(_ filter: ListFilter, after cursor: EventRecordID?) async throws -> EventListPage {
        let pageSize = max(1, configuration.pageSize)
        if let search = filter.search {
            // event_id exact first; an order's events carry `ord_<order id>`; a number may be a store id.
            var candidates: [(String, String)] = [(search, "event_id \(search)")]
            if !search.hasPrefix("ord_") { candidates.append(("ord_" + search, "order id \(search) (event_id ord_\(search))")) }
            for (eventID, note) in candidates {
                let rows = try await events(withEventID: eventID, filter)
                if !rows.isEmpty {
                    // A handful at most (one per pixel and event name): one page, no cursor.
                    return EventListPage(rows: cursor == nil ? rows : [], next: nil, searchNote: note)
                }
            }
            if cursor == nil, let number = Int64(search), number > 0,
                let report = try await store.status(of: EventRecordID(number)),
                filter.storeFilter().matches(report), filter.inTimeWindow(report)
            {
                return EventListPage(rows: [report], next: nil, searchNote: "store id \(number)")
            }
            return EventListPage(rows: [], next: nil, searchNote: "event_id or order id \(search)")
        }
        return try await browse(filter, after: cursor, pageSize: pageSize)
    }

    /// The events whose `event_id` is `eventID` and that match `filter`, in id order.
    ///
    /// An event is unique per pixel, event name and `event_id`, and every store indexes that
    /// key, so this asks for each pixel and event name the store has counted (its coverage
    /// counters name every event it appended) instead of filtering on `event_id` alone, which
    /// no index covers: a few point lookups rather than a scan of every stored event.
    func events(withEventID eventID: String, _ filter: ListFilter) async throws -> [EventStatusReport] {
        let pixels: [PixelID]
        if let pixel = filter.pixel { pixels = [pixel] } else { pixels = try await store.pixelIDs() }
        var found: [EventStatusReport] = []
        for pixel in pixels {
            let names: [EventName]
            if let name = filter.eventName {
                names = [EventName(name)]
            } else {
                names = try await store.coverage(pixel: pixel).eventNames
            }
            for name in names {
                guard let report = try await store.status(of: EventKey(pixelID: pixel, eventName: name, eventID: eventID)),
                    filter.storeFilter().matches(report), filter.inTimeWindow(report)
                else { continue }
                found.append(report)
            }
        }
        return found.sorted { $0.id < $1.id }
    }

    /// One page of the list without a search.
    private func browse(_ filter: ListFilter, after cursor: EventRecordID?, pageSize: Int) async throws -> EventListPage {
        guard filter.since != nil || filter.until != nil else {
            let rows = try await store.events(matching: filter.storeFilter(), after: cursor, limit: pageSize + 1)
            return EventListPage(rows: Array(rows.prefix(pageSize)), next: rows.count > pageSize ? rows[pageSize - 1].id : nil)
        }
        // The store has no time index: walk its keyset pages and keep the events in the window,
        // reading at most `timeFilterScanLimit` events per page shown.
        var rows: [EventStatusReport] = []
        var position = cursor
        var scanned = 0
        while rows.count < pageSize && scanned < configuration.timeFilterScanLimit {
            let batch = try await store.events(matching: filter.storeFilter(), after: position, limit: pageSize)
            for report in batch {
                position = report.id
                scanned += 1
                if filter.inTimeWindow(report) {
                    rows.append(report)
                    if rows.count == pageSize { break }
                }
            }
            if batch.count < pageSize {
                // The store has no more events: if the page filled on the very last one, no next page either.
                return EventListPage(rows: rows, next: rows.count == pageSize && position != batch.last?.id ? position : nil)
            }
        }
        return EventListPage(rows: rows, next: position)
    }

    func eventList(_ request: ConsoleRequest, context: PageContext) async throws -> ConsoleResponse {
        let filter = ListFilter(query: request)
        let cursor = request.queryValue("after").flatMap { Int64($0) }.map { EventRecordID($0) }
        let page = try await listPage(filter, after: cursor)
        let links = context.links
        var body = "<h1>Events</h1>\n"
        body += "<form class=\"filters\" method=\"get\" action=\"\(e(links.mountPath + "/events"))\">"
        body += "<label>State <select name=\"state\"><option value=\"\">any</option>"
        for state in ListFilter.states {
            body += "<option value=\"\(state)\"\(filter.state == state ? " selected" : "")>\(state)</option>"
        }
        body += "</select></label>"
        body += "<label>Pixel <input name=\"pixel\" size=\"16\" value=\"\(e(filter.pixel?.rawValue ?? ""))\"></label>"
        body += "<label>Event name <input name=\"name\" size=\"14\" value=\"\(e(filter.eventName ?? ""))\"></label>"
        body += "<label>Enqueued since (UTC) <input name=\"since\" size=\"19\" placeholder=\"2026-12-06T20:00\" "
        body += "value=\"\(e(filter.since.map(UTCInput.format) ?? ""))\"></label>"
        body += "<label>until <input name=\"until\" size=\"19\" value=\"\(e(filter.until.map(UTCInput.format) ?? ""))\"></label>"
        body += "<label>event_id, order id or store id <input name=\"q\" size=\"22\" value=\"\(e(filter.search ?? ""))\"></label>"
        body += "<button type=\"submit\" class=\"primary\">Filter</button> <a href=\"\(e(links.events()))\">clear</a></form>\n"
        if let note = page.searchNote { body += "<p class=\"note\">Searched by \(e(note)).</p>\n" }
        if filter.since != nil || filter.until != nil {
            body += "<p class=\"note\">The time window is applied to the store's pages in id order; a page reads at most "
            body +=
                "\(ConsolePage.grouped(configuration.timeFilterScanLimit)) events, so it may show fewer rows and still offer more.</p>\n"
        }
        if page.rows.isEmpty {
            body += "<p class=\"empty\">No events match.</p>\n"
        } else {
            body += "<table class=\"events\"><thead><tr><th class=\"num\">ID</th><th>Pixel</th><th>Event</th><th>event_id</th>"
            body +=
                "<th>State</th><th class=\"num\">Attempts</th><th>Enqueued (UTC)</th><th>Why parked</th></tr></thead>\n<tbody>\n"
            for report in page.rows {
                let link = e(links.event(report.id))
                body += "<tr><td class=\"num\"><a href=\"\(link)\">\(report.id)</a></td>"
                body += "<td class=\"mono\">\(e(report.key.pixelID.rawValue))</td><td>\(e(report.key.eventName.rawValue))</td>"
                body += "<td class=\"mono\"><a href=\"\(link)\">\(e(report.key.eventID))</a></td>"
                body += "<td>\(ConsolePage.badge(report.state.description))</td><td class=\"num\">\(report.attempts)</td>"
                body += "<td class=\"nowrap\">\(UTCTime.dateTime(report.enqueuedAt))</td>"
                body += "<td class=\"message\">\(e(report.parkReason?.description ?? ""))</td></tr>\n"
            }
            body += "</tbody></table>\n"
        }
        body += "<p class=\"pager\">"
        if cursor != nil { body += "<a href=\"\(e(links.events(filter)))\">« first page</a> " }
        if let next = page.next { body += "<a rel=\"next\" href=\"\(e(links.events(filter, after: next)))\">next page »</a>" }
        body += "</p>\n"
        return .html(200, ConsolePage.layout(title: "Events", links: links, session: nil, body: body, storeTitle: context.title))
    }
}
