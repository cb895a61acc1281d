#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back the whole 2 MB pages inside `bytes` bytes at `base` with huge pages, when it does that on
/// request (Linux, transparent huge pages in "madvise" mode). Only for memory not touched yet: a page already faulted
/// in stays as it is.
///
/// The engine writes a whole plan's million recommendations at scattered places of an array of a hundred megabytes:
/// with 4 KB pages nearly every such write missed the address cache as well.
func adviseHugePages(_ base: UnsafeMutableRawPointer, bytes: Int) {
    #if canImport(Glibc)
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
    guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(p, end - start, MADV_HUGEPAGE)
    #endif
}
