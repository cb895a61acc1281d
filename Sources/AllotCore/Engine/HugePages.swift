#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back the whole 2 MB pages inside `bytes` bytes at `base` with huge pages, when it does that on
/// request (Linux, transparent huge pages in "madvise" mode). Only for memory not touched yet: a page already faulted
/// in stays as it is.
///
/// The engine writes a whole plan's million recommendations, and reads its lines' facts, at scattered places of arrays
/// of a hundred megabytes: with 4 KB pages nearly every such access missed the address cache as well.
func adviseHugePages(_ base: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
    guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(p, end - start, MADV_HUGEPAGE)
    #endif
}
