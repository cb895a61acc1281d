import Foundation
import Dispatch

/// Reads a file's event lines chunk by chunk, reading the next chunk on another core while the caller applies
/// the current one.
///
/// Parsing and checking a line needs no database, while applying it is bound to the one writer connection: on a
/// machine with two cores the two overlap, and a file takes about the longer of the two rather than their sum.
/// Chunks are handed over strictly in order, so the outcome is the same as reading line after line.
struct LineDecoder: Sendable {
    let data: Data
    let lines: [(number: Int, range: Range<Int>)]
    let file: String
    var chunkSize = EventBatch.chunkSize

    /// Calls `body` with each chunk of decoded lines, in file order. When `body` throws, the chunk being read
    /// ahead is waited for and dropped, and the error is passed on.
    func forEachChunk(_ body: (EventBatch.Chunk) throws -> Void) throws {
        let starts = Array(stride(from: 0, to: lines.count, by: chunkSize))
        guard !starts.isEmpty else { return }
        var ahead: BackgroundValue<EventBatch.Chunk>? = readAhead(starts[0])
        for (k, start) in starts.enumerated() {
            var current: EventBatch.Chunk? = ahead?.value() ?? decode(chunk: start)
            ahead = k + 1 < starts.count ? readAhead(starts[k + 1]) : nil
            do { try body(current!) } catch {
                _ = ahead?.value()
                throw error
            }
            // Freeing a chunk's thousands of decoded events was a twentieth of the writer's processor time: a
            // background queue does it, holding the last reference once this one is gone.
            let done = Discard(current.take()!)
            DispatchQueue.global(qos: .utility).async { done.drop() }
        }
    }

    /// A decoded chunk on its way to being freed off the writer's thread.
    private final class Discard: @unchecked Sendable {
        // Set once on the writer's thread, cleared once on the background queue.
        private var chunk: EventBatch.Chunk?
        init(_ chunk: EventBatch.Chunk) { self.chunk = chunk }
        func drop() { chunk = nil }
    }

    /// The chunk that begins at line index `start`, decoded on a background queue.
    private func readAhead(_ start: Int) -> BackgroundValue<EventBatch.Chunk> {
        BackgroundValue { [self] in decode(chunk: start) }
    }

    /// The decoded lines of the chunk that begins at line index `start`.
    func decode(chunk start: Int) -> EventBatch.Chunk {
        let end = min(start + chunkSize, lines.count)
        var chunk = EventBatch.ChunkBuilder(capacity: end - start)
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            for l in lines[start..<end] {
                chunk.add(EventBatch.decode(UnsafeRawBufferPointer(rebasing: buffer[l.range]), line: l.number, file: file))
            }
        }
        return chunk.finish()
    }

}
