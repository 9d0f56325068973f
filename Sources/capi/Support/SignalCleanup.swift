import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes files when the process is interrupted (Ctrl-C, SIGINT) or terminated (SIGTERM),
/// then lets the signal end the process as it would have, so the shell sees the usual status.
///
/// For temporary files a command removes itself when it ends normally: a signal ends the
/// process without running `defer` blocks.
final class SignalCleanup {
    private var sources: [any DispatchSourceSignal] = []
    private let signals: [Int32] = [SIGINT, SIGTERM]

    /// Starts watching; the files in `paths` are removed on the first SIGINT or SIGTERM.
    init(removing paths: [String]) {
        for signalNumber in signals {
            #if canImport(Darwin)
            // Dispatch's kqueue source sees the signal only once its default action (ending the
            // process) is off; on Linux Dispatch installs a handler of its own.
            signal(signalNumber, SIG_IGN)
            #endif
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                for path in paths { unlink(path) }
                Self.endProcess(by: signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Ends the process by `signalNumber`'s default action, as if no handler had caught it.
    private static func endProcess(by signalNumber: Int32) -> Never {
        signal(signalNumber, SIG_DFL)
        // Dispatch runs handlers on threads that block signals; unblock it here, so that
        // raise() delivers it to this thread at once.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signalNumber)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signalNumber)
        _exit(128 + signalNumber)  // not reached: the default action of SIGINT and SIGTERM ends the process
    }

    /// Stops watching and restores the default actions.
    func cancel() {
        for source in sources { source.cancel() }
        sources = []
        for signalNumber in signals { signal(signalNumber, SIG_DFL) }
    }
}
