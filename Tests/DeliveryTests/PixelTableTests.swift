import CAPIModel
@testable import Delivery
import DeliveryTesting
import Testing

/// The worker's pixel table, event by event, with no store, transport or clock.
@Suite("PixelTable: the worker's per-pixel state machine")
struct PixelTableTests {
    let now = Fixtures.t0
    let other: PixelID = "2222222222"
    let expired = GraphError(message: "Session has expired", code: 190, errorSubcode: 463)

    var destination: PixelDestination { Fixtures.destination }
    var credentials: CredentialFingerprint { CredentialFingerprint(destination) }

    func table() -> PixelTable {
        var second = Fixtures.destination
        second.pixelID = other
        return PixelTable(destinations: [second, destination])
    }

    /// A request of `pixel` sent with `credentials` came back with `action`, and the store
    /// returned `hold` for it.
    func answer(
        _ table: inout PixelTable, _ pixel: PixelID, _ action: PixelAction, sentWith credentials: CredentialFingerprint,
        hold: PixelHold? = nil
    ) -> PixelTable.Notice? {
        table.holdWriteBegan(pixel)
        return table.holdWriteEnded(pixel, action: action, sentWith: credentials, recorded: hold, at: now)
    }

    @Test func runnablePixelsRotateSoEveryPixelGoesFirstInTurn() {
        var table = table()
        #expect(table.order == [Fixtures.pixel, other])
        #expect(table.runnablePixels(at: now) == [Fixtures.pixel, other])
        #expect(table.runnablePixels(at: now) == [other, Fixtures.pixel])
        #expect(table.runnablePixels(at: now) == [Fixtures.pixel, other])
    }

    @Test func aThrottledPixelIsPausedReportedOnceAndOpensWhenThePauseEnds() {
        var table = table()
        let until = now + .seconds(60)
        guard case .paused(let pixel, let reported) = answer(&table, Fixtures.pixel, .pause(until: until), sentWith: credentials)
        else {
            Issue.record("a pause that closes the gate is reported")
            return
        }
        #expect(pixel == Fixtures.pixel && reported == until)
        // An earlier end does not change the gate: nothing to report.
        #expect(answer(&table, Fixtures.pixel, .pause(until: now + .seconds(10)), sentWith: credentials) == nil)
        #expect(table.runnablePixels(at: now) == [other])
        #expect(table.wakeups == PixelTable.Wakeups(openPixels: [other], reopenings: [until]))
        #expect(table.sending(Fixtures.pixel, at: now)?.gateOpen == false)
        #expect(table.sending(Fixtures.pixel, at: now)?.reopensAt == until)
        let reopened = table.sending(Fixtures.pixel, at: until)
        #expect(reopened?.gateOpen == true && reopened?.reopensAt == nil)
        #expect(reopened?.destination == destination)
        #expect(table.runnablePixels(at: until).contains(Fixtures.pixel))
    }

    @Test func aHoldBeingRecordedKeepsThePixelFromLeasingAndFromAdoptingStoredHolds() {
        var table = table()
        table.holdWriteBegan(Fixtures.pixel)
        #expect(table.runnablePixels(at: now) == [other])
        #expect(table.wakeups.openPixels == [other])
        let stored = PixelHold(
            suspension: PixelSuspension(error: expired, since: now, rejectedCredentials: [credentials]))
        let notices = table.adoptStoredHolds([Fixtures.pixel: stored], readAtVersion: table.holdVersion, now: now)
        #expect(notices.isEmpty)
        #expect(table[Fixtures.pixel]?.gate.state == .open)
    }

    @Test func aReadOfStoredHoldsThatRacedALocalChangeIsNotAdopted() {
        var table = table()
        let version = table.holdVersion
        _ = answer(&table, other, .pause(until: now + .seconds(30)), sentWith: CredentialFingerprint(table[other]!.destination))
        let stored = PixelHold(pausedUntil: now + .seconds(600))
        #expect(table.adoptStoredHolds([Fixtures.pixel: stored], readAtVersion: version, now: now).isEmpty)
        #expect(table[Fixtures.pixel]?.gate.state == .open)
        _ = table.adoptStoredHolds([Fixtures.pixel: stored], readAtVersion: table.holdVersion, now: now)
        #expect(table[Fixtures.pixel]?.gate.state == .paused(until: now + .seconds(600)))
    }

    @Test func anotherWorkersSuspensionOfTheseCredentialsIsAdoptedAndReportedOnce() {
        var table = table()
        let stored = PixelHold(
            suspension: PixelSuspension(error: expired, since: now, rejectedCredentials: [credentials]))
        let first = table.adoptStoredHolds([Fixtures.pixel: stored], readAtVersion: table.holdVersion, now: now)
        #expect(first.count == 1)
        guard case .suspendedByAnotherWorker(let pixel, let error)? = first.first else {
            Issue.record("the suspension is reported as another worker's")
            return
        }
        #expect(pixel == Fixtures.pixel && error.code == .credentialsRejected)
        #expect(table[Fixtures.pixel]?.suspensionError?.code == .credentialsRejected)
        #expect(table.adoptStoredHolds([Fixtures.pixel: stored], readAtVersion: table.holdVersion, now: now).isEmpty)
        // Lifted in the store by another worker: the pixel opens and its error goes.
        #expect(table.adoptStoredHolds([:], readAtVersion: table.holdVersion, now: now).isEmpty)
        #expect(table[Fixtures.pixel]?.gate.state == .open)
        #expect(table[Fixtures.pixel]?.suspensionError == nil)
    }

    @Test func aSuspensionOfOtherCredentialsHoldsNobodyHere() {
        var table = table()
        let stored = PixelHold(
            suspension: PixelSuspension(
                error: expired, since: now, rejectedCredentials: [CredentialFingerprint(rawValue: "0000000000000000")]))
        #expect(table.adoptStoredHolds([Fixtures.pixel: stored], readAtVersion: table.holdVersion, now: now).isEmpty)
        #expect(table[Fixtures.pixel]?.gate.state == .open)
    }

    @Test func anOwnRefusalSuspendsThePixelAndIsReportedOnce() {
        var table = table()
        guard
            case .suspended(let pixel, let error)? = answer(
                &table, Fixtures.pixel, .suspendForCredentials(expired), sentWith: credentials)
        else {
            Issue.record("an own refusal is reported as a suspension")
            return
        }
        #expect(pixel == Fixtures.pixel && error.code == .credentialsRejected)
        #expect(!error.message.contains(Fixtures.token))
        #expect(answer(&table, Fixtures.pixel, .suspendForCredentials(expired), sentWith: credentials) == nil)
        #expect(table.runnablePixels(at: now + .seconds(3600)) == [other])
        #expect(table.wakeups.reopenings.isEmpty)
    }

    @Test func aRefusalOfCredentialsReplacedMeanwhileIsIgnored() {
        var table = table()
        let old = credentials
        let replacing = table.replacing(Fixtures.pixel, accessToken: AccessToken("EAAB-new-token"), appSecret: nil)
        #expect(replacing?.previous == old)
        guard let replacement = replacing?.destination else {
            Issue.record("a configured pixel can be given new credentials")
            return
        }
        table.credentialsReplaced(Fixtures.pixel, with: replacement, hold: PixelHold(), at: now)
        #expect(table[Fixtures.pixel]?.credentials == CredentialFingerprint(replacement))
        #expect(answer(&table, Fixtures.pixel, .suspendForCredentials(expired), sentWith: old) == nil)
        #expect(table[Fixtures.pixel]?.gate.state == .open)
        #expect(table.sending(Fixtures.pixel, at: now)?.destination == replacement)
    }

    @Test func replacedCredentialsResumeASuspendedPixelButKeepTheStoredPause() {
        var table = table()
        _ = answer(&table, Fixtures.pixel, .suspendForCredentials(expired), sentWith: credentials)
        guard let replacement = table.replacing(Fixtures.pixel, accessToken: AccessToken("EAAB-new"), appSecret: nil)
        else {
            Issue.record("a configured pixel can be given new credentials")
            return
        }
        let until = now + .seconds(90)
        table.credentialsReplaced(Fixtures.pixel, with: replacement.destination, hold: PixelHold(pausedUntil: until), at: now)
        #expect(table[Fixtures.pixel]?.gate.state == .paused(until: until))
        #expect(table[Fixtures.pixel]?.suspensionError == nil)
        #expect(
            table.credentialsByPixel.map(\.1) == [
                CredentialFingerprint(replacement.destination), CredentialFingerprint(table[other]!.destination),
            ])
    }

    @Test func anUnknownPixelIsAnsweredWithNothing() {
        var table = table()
        let stranger: PixelID = "999"
        #expect(table[stranger] == nil)
        #expect(table.sending(stranger, at: now) == nil)
        #expect(table.replacing(stranger, accessToken: AccessToken("x"), appSecret: nil) == nil)
        table.holdWriteBegan(stranger)
        #expect(answer(&table, stranger, .pause(until: now + .seconds(5)), sentWith: credentials) == nil)
        #expect(table.holdVersion == 0)
        #expect(table.runnablePixels(at: now).count == 2)
    }
}
