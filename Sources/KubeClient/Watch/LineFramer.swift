import NIOCore

/// Cuts a byte stream into lines for the watch protocol (one JSON object per line), whatever the chunking.
///
/// Pure and synchronous so its edge cases are table-tested without a network: a line split across chunks,
/// several lines in one chunk, `\r\n` endings, a last line without a newline, and a line longer than the
/// cap, which is an error (an unbounded buffer would let one bad stream exhaust memory). Lines are returned
/// as slices of the received buffers, not copies.
public struct LineFramer: Sendable {
    /// A line grew past the cap without a newline.
    public struct LineTooLong: Error, Sendable, Hashable, CustomStringConvertible {
        /// The cap in bytes.
        public var limit: Int
        /// One sentence.
        public var description: String { "a watch event is longer than the limit of \(limit) bytes" }
    }

    private var buffer: ByteBuffer?
    /// Bytes of `buffer` already searched for a newline, so a long line is scanned once, not once per chunk.
    private var scanned = 0
    /// The longest line accepted, in bytes (without its line ending).
    public let maximumLineLength: Int

    /// Creates a framer with a line-length cap.
    public init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    /// Adds received bytes.
    public mutating func append(_ chunk: ByteBuffer) {
        guard chunk.readableBytes > 0 else { return }
        if var existing = buffer, existing.readableBytes > 0 {
            buffer = nil  // keep the storage uniquely referenced while writing
            existing.writeImmutableBuffer(chunk)
            buffer = existing
        } else {
            buffer = chunk
            scanned = 0
        }
    }

    /// The next complete line (without `\n` or `\r\n`), or `nil` when more bytes are needed.
    ///
    /// Empty lines are skipped. Throws ``LineTooLong`` when the pending bytes exceed the cap without a newline.
    public mutating func nextLine() throws(LineTooLong) -> ByteBuffer? {
        while var current = buffer {
            let view = current.readableBytesView
            let start = view.startIndex + scanned
            guard let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                scanned = view.count
                buffer = current
                if view.count > maximumLineLength + 1 { throw LineTooLong(limit: maximumLineLength) }
                return nil
            }
            var length = newline - view.startIndex
            buffer = nil
            guard var line = current.readSlice(length: length) else { return nil }
            current.moveReaderIndex(forwardBy: 1)
            scanned = 0
            buffer = current.readableBytes > 0 ? current : nil
            if length > 0, line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                length -= 1
                line = line.getSlice(at: line.readerIndex, length: length) ?? line
            }
            if length > maximumLineLength { throw LineTooLong(limit: maximumLineLength) }
            if length == 0 { continue }
            return line
        }
        return nil
    }

    /// At the end of the stream: the last line if it had no newline (`nil` if nothing is left).
    public mutating func finish() throws(LineTooLong) -> ByteBuffer? {
        guard var rest = buffer, rest.readableBytes > 0 else { return nil }
        buffer = nil
        scanned = 0
        var length = rest.readableBytes
        if rest.getInteger(at: rest.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") { length -= 1 }
        if length > maximumLineLength { throw LineTooLong(limit: maximumLineLength) }
        guard length > 0 else { return nil }
        return rest.readSlice(length: length)
    }

    /// Whether bytes of an unfinished line are waiting.
    public var hasPartialLine: Bool { (buffer?.readableBytes ?? 0) > 0 }
}
