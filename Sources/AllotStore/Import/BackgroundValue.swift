import Dispatch

/// A value worked out on a background queue while the caller goes on with other work; `value()` waits for it.
///
/// The event intake reads the next chunk of a file this way while it applies the current one, and hashes a file
/// while it imports it: on a machine with two cores the two overlap.
final class BackgroundValue<T: Sendable>: @unchecked Sendable {
    // Written once by the background block before `done` is signalled, read only after waiting on it; `waited` is
    // only touched by the caller, one call after another.
    private var result: T?
    private var waited = false
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> T) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = work()
            done.signal()
        }
    }

    /// The value, once worked out.
    func value() -> T {
        if !waited { done.wait(); waited = true }
        return result!
    }
}
