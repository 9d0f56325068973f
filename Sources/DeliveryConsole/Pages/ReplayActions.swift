import CAPIModel
import Delivery
import Logging

extension DeliveryConsole {
    /// `POST /events/{id}/replay`: the same call as `capi replay ID`; then back to the event page (303).
    func replayEvent(_ id: EventRecordID, context: PageContext) async throws -> ConsoleResponse {
        guard let report = try await store.status(of: id) else { return notFound("No event has store id \(id.rawValue).") }
        guard report.state == .parked else {
            return .redirect(to: context.links.event(id))
        }
        let result = try await queue.replay([id])
        logger.info(
            "console replayed a parked event",
            metadata: ["capi.event_record_id": "\(id)", "capi.replayed": "\(result.replayed.count)"])
        if let issue = result.rejected.first {
            let reason = "\(issue.rule): \(issue.message)"
            return .redirect(to: context.links.event(id) + FormEncoding.query([("rejected", reason)]))
        }
        return .redirect(to: context.links.event(id) + "?replayed=1")
    }

    /// `POST /replay-parked` with `pixel`: without `confirm=yes` a confirmation page with the
    /// count; with it and the same count, every parked event of the pixel goes through
    /// `DeliveryQueue.replay(_:)` in pages, as `capi replay --all-parked` does.
    func replayParked(_ request: ConsoleRequest, context: PageContext) async throws -> ConsoleResponse {
        guard let pixelText = request.formValue("pixel")?.trimmingCharacters, !pixelText.isEmpty else {
            return .html(
                400,
                ConsolePage.layout(
                    title: "Missing pixel", links: context.links, session: nil,
                    body:
                        "<h1>Which pixel?</h1><p class=\"note\">The form did not name a pixel; use the buttons on the overview.</p>"
                ))
        }
        let pixel = PixelID(pixelText)
        let count = try await store.counts(pixel: pixel).parked
        let confirmed = request.formValue("confirm") == "yes" && request.formValue("count").flatMap(Int.init) == count
        guard confirmed, count > 0 else {
            return .html(
                200,
                Self.confirmationPage(
                    pixel: pixel, count: count, context: context,
                    changed: request.formValue("confirm") == "yes"))
        }
        var cursor: EventRecordID?
        var replayed = 0
        var rejected = 0
        while true {
            let page = try await store.parkedEvents(pixel: pixel, after: cursor, limit: 1_000)
            guard let last = page.last else { break }
            let result = try await queue.replay(page.map(\.id))
            replayed += result.replayed.count
            rejected += result.rejected.count
            cursor = last.id
        }
        logger.info("console replayed parked events", metadata: ["capi.pixel_id": "\(pixel)", "capi.replayed": "\(replayed)"])
        return .redirect(
            to: context.links.overview
                + FormEncoding.query([("replayed", String(replayed)), ("rejected", String(rejected)), ("pixel", pixel.rawValue)]))
    }

    static func confirmationPage(pixel: PixelID, count: Int, context: PageContext, changed: Bool) -> String {
        var body = "<h1>Replay the parked events of pixel <span class=\"mono\">\(e(pixel.rawValue))</span></h1>\n"
        guard count > 0 else {
            body +=
                "<p class=\"empty\">The pixel has no parked events.</p><p><a href=\"\(e(context.links.overview))\">Overview</a></p>"
            return ConsolePage.layout(title: "Nothing to replay", links: context.links, session: nil, body: body)
        }
        if changed { body += "<p class=\"notice bad\" role=\"alert\">The number of parked events changed; check it again.</p>\n" }
        body += "<p>\(ConsolePage.grouped(count)) parked event\(count == 1 ? "" : "s") will be validated again and queued with "
        body += "their event_ids and a fresh retry budget. Those that no longer pass (too old, say) stay parked.</p>\n"
        body += "<form method=\"post\" action=\"\(e(context.links.replayParked))\">\(ConsolePage.csrfField(context.csrf))"
        body += "<input type=\"hidden\" name=\"pixel\" value=\"\(e(pixel.rawValue))\">"
        body += "<input type=\"hidden\" name=\"confirm\" value=\"yes\"><input type=\"hidden\" name=\"count\" value=\"\(count)\">"
        body +=
            "<button type=\"submit\" class=\"danger\" id=\"confirm-replay\">Replay \(ConsolePage.grouped(count)) parked events</button> "
        body += "<a href=\"\(e(context.links.overview))\">cancel</a></form>\n"
        return ConsolePage.layout(title: "Confirm replay", links: context.links, session: nil, body: body)
    }
}
