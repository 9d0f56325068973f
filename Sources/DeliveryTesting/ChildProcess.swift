package import Delivery
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the package's test child processes (the SIGKILL crash test's SQLite worker and the
/// multi-instance test's PostgreSQL workers) share. Package access: not part of
/// `DeliveryTesting`'s API.
package enum ChildProcess {
    /// The pixel every child delivers to.
    package static let pixelID: PixelID = "1234567890"

    /// A destination for ``pixelID`` at `baseURL` (the parent's fake Graph API) with `token`.
    package static func destination(token: String, baseURL: String) -> PixelDestination {
        var destination = PixelDestination(pixelID: pixelID, accessToken: AccessToken(token))
        destination.baseURL = baseURL
        return destination
    }

    /// A worker that polls and retries quickly and practically never parks: a test run lasts
    /// seconds, and the parent checks that every event is delivered in the end.
    package static func workerConfiguration(batchSize: Int, maximumConcurrentRequests: Int) -> DeliveryWorker.Configuration {
        var configuration = DeliveryWorker.Configuration()
        configuration.batchSize = batchSize
        configuration.maximumConcurrentRequests = maximumConcurrentRequests
        configuration.idlePollInterval = .milliseconds(50)
        configuration.retryPolicy.initialBackoff = .milliseconds(20)
        configuration.retryPolicy.maximumBackoff = .milliseconds(200)
        configuration.retryPolicy.maximumAttempts = 1_000
        return configuration
    }

    /// Writes a line straight to standard output's file descriptor: nothing sits in a buffer
    /// when the parent kills the process with SIGKILL.
    package static func say(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(1, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }
}
