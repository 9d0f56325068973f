extension EventState {
    /// A store's integer `state` column in SQL text, derived from ``EventState/storageValue``,
    /// so that no statement spells a state as a bare number.
    ///
    /// ```swift
    /// "UPDATE events SET state = \(EventState.SQL.inFlight) WHERE \(EventState.SQL.isDue) AND …"
    /// // UPDATE events SET state = 1 WHERE state <= 1 AND …
    /// ```
    ///
    /// Interpolate these into the statement text (with postgres-nio, `\(unescaped: …)`), never
    /// as bind parameters: both stores have partial indexes on the state (`WHERE state <= 1`,
    /// `WHERE state = 3`), and a planner uses one only when it can see that the query's
    /// condition implies the index's. SQLite compares the terms as written, and PostgreSQL's
    /// generic plan for a parameter cannot know its value. For the same reason the conditions
    /// here are written exactly as the schemas' index conditions.
    ///
    /// The schema migrations keep their literals: a migration is history and never changes.
    /// `EventStateStorageTests` pins every ``EventState/storageValue``, so the two stay equal.
    package enum SQL {
        /// `0`: ``EventState/pending``.
        package static let pending = String(EventState.pending.storageValue)
        /// `1`: ``EventState/inFlight``.
        package static let inFlight = String(EventState.inFlight.storageValue)
        /// `2`: ``EventState/delivered``.
        package static let delivered = String(EventState.delivered.storageValue)
        /// `3`: ``EventState/parked``.
        package static let parked = String(EventState.parked.storageValue)

        /// `state <= 1`: pending or in flight, the events a lease may take (an expired lease's
        /// too) and that are not settled yet. Pending and in flight are the two lowest values;
        /// this is the condition of both stores' `events_due` index.
        package static let isDue = "state <= \(inFlight)"
        /// `state = 1`: leased.
        package static let isInFlight = "state = \(inFlight)"
        /// `state = 2`: delivered.
        package static let isDelivered = "state = \(delivered)"
        /// `state <> 2`: anything a delivery may still change (parked events included: a
        /// delivery that arrives after a park wins).
        package static let isNotDelivered = "state <> \(delivered)"
        /// `state = 3`: parked; the condition of both stores' `events_parked` index.
        package static let isParked = "state = \(parked)"
    }
}
