import DeliveryTesting
import FakeGraphAPI
import Foundation
import InMemoryTracing
import Logging
import RoasProof
import ServiceLifecycle
import Testing
import Tracing

/// Spans of one conversion: the send, its enqueue inside it, and one delivery attempt per
/// pixel, with the attributes an operator needs and no personal data.
@Suite struct TracingTests {
    @Test func aConversionLeavesASendSpanAnEnqueueSpanAndOneAttemptSpanPerPixel() async throws {
        let tracer = InMemoryTracer()
        let graph = try await FakeGraphAPI.start()
        do {
            let pixels: [PixelID] = ["111111111111111", "222222222222222"]
            let destinations = pixels.map { pixel -> CAPIClient.Settings.Destination in
                var destination = PixelDestination(pixelID: pixel, accessToken: AccessToken("EAAB-tracing-token"))
                destination.baseURL = graph.baseURL
                return .init(pixel: destination)
            }
            let capi = CAPIClient(destinations: destinations, store: InMemoryEventStore(), tracer: tracer)
            try await withThrowingTaskGroup(of: Void.self) { group in
                let serviceGroup = ServiceGroup(services: [capi], logger: Logger(label: "test"))
                group.addTask { try await serviceGroup.run() }
                try await capi.send(
                    .purchase(orderID: "T-900", value: 49.9, currency: "EUR", sourceURL: "https://shop.example/done"),
                    customer: CustomerRecord(emails: ["jane.doe@example.com"], phones: ["+33 6 12 34 56 78"]),
                    session: SessionContext(
                        consent: .granted, clientIPAddresses: [try #require(IPAddress("203.0.113.9"))],
                        userAgent: "Mozilla/5.0 (X11; Linux x86_64)"))
                let deadline = ContinuousClock.now + .seconds(30)
                while tracer.finishedSpans.filter({ $0.operationName == "capi.delivery.attempt" }).count < 2,
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }

            let spans = tracer.finishedSpans
            let send = try #require(spans.first { $0.operationName == "capi.send" })
            #expect(send.attributes["capi.event_name"]?.toSpanAttribute() == "Purchase")
            #expect(send.attributes["capi.event_id"]?.toSpanAttribute() == "ord_T-900")
            #expect(send.attributes["capi.pixel_count"]?.toSpanAttribute() == 2)
            #expect(send.attributes["capi.inserted_count"]?.toSpanAttribute() == 2)

            let enqueue = try #require(spans.first { $0.operationName == "capi.enqueue" })
            #expect(enqueue.traceID == send.traceID)
            #expect(enqueue.parentSpanID == send.spanID)
            #expect(enqueue.attributes["capi.event_count"]?.toSpanAttribute() == 2)
            #expect(enqueue.attributes["capi.inserted_count"]?.toSpanAttribute() == 2)
            #expect(enqueue.attributes["capi.duplicate_count"]?.toSpanAttribute() == 0)

            let attempts = spans.filter { $0.operationName == "capi.delivery.attempt" }
            #expect(attempts.count == 2)
            var attemptPixels: Set<String> = []
            for attempt in attempts {
                #expect(attempt.kind == .client)
                #expect(attempt.attributes["capi.batch_size"]?.toSpanAttribute() == 1)
                #expect(attempt.attributes["capi.outcome"]?.toSpanAttribute() == "delivered")
                #expect(attempt.attributes["http.response.status_code"]?.toSpanAttribute() == 200)
                if case .string(let trace)? = attempt.attributes["capi.fbtrace_id"]?.toSpanAttribute() {
                    #expect(trace.count == 11)  // the fake answers with an 11-character fbtrace_id, as Meta does
                } else {
                    Issue.record("no fbtrace_id on the attempt span")
                }
                if case .string(let pixel)? = attempt.attributes["capi.pixel_id"]?.toSpanAttribute() {
                    attemptPixels.insert(pixel)
                }
            }
            #expect(attemptPixels == Set(pixels.map(\.rawValue)))

            // Nothing personal, hashed or secret in any span.
            let email = "jane.doe@example.com"
            let forbidden = [
                email, SHA256.hash(email).description, "203.0.113.9", "Mozilla", "EAAB-tracing-token", "33612345678",
            ]
            for span in spans {
                var text = span.operationName
                // SpanAttributes is not a Sequence: forEach is its only way to list them.
                // swift-format-ignore: ReplaceForEachWithForLoop
                span.attributes.forEach { key, value in text += " \(key)=\(value)" }
                for value in forbidden { #expect(!text.contains(value), "\(span.operationName) carries \(value)") }
            }
        } catch {
            try await graph.shutdown()
            throw error
        }
        try await graph.shutdown()
    }

    @Test func aRefusedRequestMarksItsSpanAsAnErrorWithTheGraphCode() async throws {
        let tracer = InMemoryTracer()
        var configuration = FakeGraphAPI.Configuration()
        configuration.acceptedAccessTokens = ["some-other-token"]
        let graph = try await FakeGraphAPI.start(configuration: configuration)
        do {
            var destination = PixelDestination(pixelID: "111111111111111", accessToken: AccessToken("EAAB-expired"))
            destination.baseURL = graph.baseURL
            let capi = CAPIClient(destinations: [.init(pixel: destination)], store: InMemoryEventStore(), tracer: tracer)
            try await withThrowingTaskGroup(of: Void.self) { group in
                let serviceGroup = ServiceGroup(services: [capi], logger: Logger(label: "test"))
                group.addTask { try await serviceGroup.run() }
                try await capi.send(
                    .lead(leadID: "form-1/7", sourceURL: "https://shop.example/contact"),
                    customer: CustomerRecord(emails: ["sam@example.org"]),
                    session: SessionContext(
                        consent: .granted, clientIPAddresses: [try #require(IPAddress("203.0.113.10"))],
                        userAgent: "Mozilla/5.0"))
                let deadline = ContinuousClock.now + .seconds(30)
                while !tracer.finishedSpans.contains(where: { $0.operationName == "capi.delivery.attempt" }),
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }
            let attempt = try #require(tracer.finishedSpans.first { $0.operationName == "capi.delivery.attempt" })
            #expect(attempt.attributes["capi.outcome"]?.toSpanAttribute() == "credentials_rejected")
            #expect(attempt.attributes["capi.graph.error_code"]?.toSpanAttribute() == 190)
            #expect(attempt.status?.code == .error)
        } catch {
            try await graph.shutdown()
            throw error
        }
        try await graph.shutdown()
    }
}
