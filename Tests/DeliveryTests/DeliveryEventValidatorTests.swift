import CAPIModel
@testable import Delivery
import Identity
import Matching
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The queue's checks: Matching's EventValidator with the queue's limits and event_id required.
@Suite("EventValidator for delivery")
struct DeliveryEventValidatorTests {
    let validator = EventValidator.forDelivery(EventAgeLimits())
    let now = Fixtures.t0

    @Test func aCompleteWebsiteEventPasses() {
        #expect(validator.issues(of: Fixtures.purchase("o-1"), index: 0, now: now).isEmpty)
    }

    @Test func rules() {
        func rules(_ event: ServerEvent) -> [EventValidationError.Code] {
            validator.issues(of: event, index: 0, now: now).map(\.rule)
        }
        #expect(rules(Fixtures.purchase(nil)) == [.missingEventID])
        #expect(rules(Fixtures.purchase("o", at: now - .seconds(8 * 86_400))) == [.eventTooOld])
        #expect(rules(Fixtures.purchase("o", at: now + .seconds(3_600))) == [.eventInFuture])
        #expect(rules(Fixtures.purchase("o", at: now - .seconds(30 * 86_400), source: .physicalStore)).isEmpty)
        var noURL = Fixtures.purchase("o")
        noURL.eventSourceURL = nil
        noURL.userData.clientUserAgent = nil
        #expect(rules(noURL) == [.missingEventSourceURL, .missingUserAgent])
        var badURL = Fixtures.purchase("o")
        badURL.eventSourceURL = "shop.example.com"
        #expect(rules(badURL) == [.invalidEventSourceURL])
        var empty = Fixtures.purchase("o", source: .email)
        empty.userData = UserData()
        #expect(rules(empty) == [.missingCustomerInformation])
        #expect(rules(Fixtures.purchase("o", source: .app)) == [.missingAppData])
    }

    /// `application_tracking_enabled` is optional on Meta's app-data parameters page; an app
    /// event without it is queued, not refused as `missing_app_data`.
    @Test func appEventsWithoutApplicationTrackingEnabledAreQueued() {
        var event = Fixtures.purchase("o", source: .app)
        var extinfo = ExtInfo()
        extinfo.version = "i2"
        extinfo[4] = "17.4"
        event.appData = AppData(advertiserTrackingEnabled: false, applicationTrackingEnabled: nil, extinfo: extinfo)
        #expect(validator.issues(of: event, index: 0, now: now).isEmpty)
    }

    @Test func issuesNeverEchoIdentifiers() {
        var event = Fixtures.purchase(nil)
        event.eventSourceURL = nil
        let text = validator.issues(of: event, index: 0, now: now).map(\.description).joined()
        #expect(!text.contains(Fixtures.email))
        #expect(!text.contains("Mozilla"))
    }
}
