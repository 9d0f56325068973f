#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Delivery

/// The store's file on disk: created readable by its owner only, and opened through a SQLite
/// URI so that SQLite itself never creates it (with the default, world-readable mode) and a
/// read-only store is opened read-only.
enum SQLiteStoreFile {
    /// Creates an empty file at `path` with mode 0600 when nothing is there.
    ///
    /// SQLite creates the `-wal` and `-shm` files with the mode of the database file, so they
    /// are owner-only too. An existing file is left exactly as it is, mode included.
    /// - Returns: whether the file was created.
    static func createOwnerOnlyIfMissing(_ path: String) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
            return true
        }
        let failure = errno
        if failure == EEXIST { return false }
        throw DeliveryError(
            code: .storeFailure,
            message: "could not create the SQLite store at \(path) (\(String(cString: strerror(failure)))); "
                + "check that the directory exists and is writable")
    }

    /// The SQLite URI that opens `path` as a plain path (`?`, `#` and `%` in it are escaped),
    /// read-write without creating it (`mode=rw`) or read-only (`mode=ro`).
    static func uri(_ path: String, readOnly: Bool) -> String {
        var escaped = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += "%" + (byte < 16 ? "0" : "") + hex
            }
        }
        // An absolute path gets an empty authority ("file:///..."), so that a path starting
        // with "//" is not read as a host name.
        let prefix = path.hasPrefix("/") ? "file://" : "file:"
        return prefix + escaped + "?mode=" + (readOnly ? "ro" : "rw")
    }
}
