import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wakes a waiting `allot watch` as soon as something lands in the drop folder, so that an event file is taken
/// within milliseconds of its rename instead of at the next poll (the poll interval stays, as the fallback).
///
/// Linux inotify on the folder itself (not its `processed/` and `failed/`): a file renamed into it, a file closed
/// after writing, an entry created (a snapshot folder's `.done` marker). Nil where inotify is not available.
public final class DropFolderWake: @unchecked Sendable {
    private let fd: Int32

    public init?(path: String) {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        guard inotify_add_watch(fd, path, UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_CREATE)) >= 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
        #else
        return nil
        #endif
    }

    deinit { close(fd) }

    /// Waits until something lands in the folder (true) or `seconds` pass (false), looking at `shouldStop` every
    /// 50 ms. What woke it is read and dropped: the caller lists the folder anyway.
    @discardableResult
    public func wait(seconds: Double, shouldStop: () -> Bool) -> Bool {
        let until = Date().addingTimeInterval(seconds)
        while !shouldStop() {
            let left = until.timeIntervalSinceNow
            if left <= 0 { return false }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, Int32((min(left, 0.05) * 1000).rounded(.up))) > 0 {
                drain()
                return true
            }
        }
        return false
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
