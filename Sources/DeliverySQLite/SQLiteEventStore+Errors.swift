import Delivery
import SQLiteNIO

extension SQLiteEventStore {
    /// Wraps a SQLite failure, with a code for the conditions a caller can act on: a full
    /// disk (or size limit), a lock held too long, a read-only database, a damaged file. The
    /// message names the file and carries SQLite's own reason (`sqlite3_errmsg`, such as
    /// "database disk image is malformed"), which names tables and columns but never values.
    func storeError(_ what: String, _ error: any Error, file: String = #fileID, line: Int = #line) -> DeliveryError {
        let sqlite = error as? SQLiteError
        let prefix = "SQLite store \(path): \(what)"
        let said = sqlite.map { ": SQLite said \"\($0.message)\"" } ?? ""
        switch sqlite?.reason {
        case .full?:
            return DeliveryError(
                code: .storeFull,
                message: "\(prefix)\(said); the disk is full or the store reached Configuration.maximumSizeBytes; "
                    + "free space or raise the limit (events stored earlier are kept)",
                underlying: error, file: file, line: line)
        case .busy?, .busyTimeout?, .busyInRecovery?, .busyInSnapshot?, .locked?:
            return DeliveryError(
                code: .storeBusy,
                message: "\(prefix)\(said); another connection held the database lock longer than "
                    + "Configuration.busyTimeoutMilliseconds; retry, and check what else writes to the file",
                underlying: error, file: file, line: line)
        case .readOnly?, .readonlyCantLock?, .readonlyDirectory?, .readonlyInRecovery?, .readonlyInRollback?,
            .readonlyBackingMoved?:
            return DeliveryError(
                code: .storeReadOnly,
                message: "\(prefix)\(said); the database is read-only; check the permissions of the file, its "
                    + "directory and its -wal and -shm files, that the file system is writable, and that the store "
                    + "was not opened with Configuration.access = .readOnly",
                underlying: error, file: file, line: line)
        case .corrupt?, .corruptIndex?, .corruptSequenceSchema?, .corruptVirtualTable?, .notADatabase?:
            return DeliveryError(
                code: .storeCorrupt,
                message: "\(prefix)\(said); the file is damaged or is not a SQLite database. Stop the app, keep a copy "
                    + "of the file for diagnosis and restore the store from a backup (sqlite3's .recover may save "
                    + "some of its rows)",
                underlying: error, file: file, line: line)
        default:
            return DeliveryError(code: .storeFailure, message: prefix + said, underlying: error, file: file, line: line)
        }
    }
}
