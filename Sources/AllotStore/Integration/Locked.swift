import Foundation

/// A value shared between threads behind a lock (what a re-plan worker's callback collects, for instance).
public final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    public init(_ value: T) { stored = value }
    public var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    public func update(_ change: (inout T) -> Void) { lock.lock(); change(&stored); lock.unlock() }
}
