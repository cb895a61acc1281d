import GRDB
import AllotCore

/// The orders a file's events have read or written, so that the next event about the same order need not read
/// them again, and the line changes of the current chunk, written once per order at its end.
///
/// A feed re-sends the same few hundred orders with edited lines all day: reading each one's header and lines
/// back for every event was a third of applying it, and a chunk edits each order two or three times. Headers
/// are what was read or exactly what was written (one the batch did not write itself, a new row taking the
/// table's defaults, a hold or a release, is forgotten and read again when next needed); lines are as the
/// chunk's events left them, and `writeLines` makes the mirror hold them. Only for a mirror without triggers on
/// `sales_order` and `order_line`, and forgotten whole before a chunk is applied one event at a time (which
/// writes directly).
final class OrderRows {
    /// `orders.csv` columns of each order, in spec order.
    private var headers: [OrderID: [DatabaseValue]] = [:]
    /// `order_lines.csv` columns of each line of each order, by line number.
    private var lines: [OrderID: [[DatabaseValue]]] = [:]
    /// The lines the mirror holds of each order the chunk changed, and those orders in the order first changed.
    private var unwritten: [OrderID: [[DatabaseValue]]] = [:]
    private var changed: [OrderID] = []

    func header(_ id: OrderID, read: () throws -> [DatabaseValue]?) rethrows -> [DatabaseValue]? {
        if let h = headers[id] { return h }
        let h = try read()
        headers[id] = h
        return h
    }

    func lines(_ id: OrderID, read: () throws -> [[DatabaseValue]]) rethrows -> [[DatabaseValue]] {
        if let l = lines[id] { return l }
        let l = try read()
        lines[id] = l
        return l
    }

    func set(header: [DatabaseValue]?, of id: OrderID) { headers[id] = header }
    /// The order's lines if held, for a reader that does not need them otherwise.
    func heldLines(_ id: OrderID) -> [[DatabaseValue]]? { lines[id] }

    /// Makes `new` the order's lines (sorted by line number), to be written by `writeLines`.
    func change(lines new: [[DatabaseValue]], of id: OrderID) {
        if unwritten[id] == nil {
            unwritten[id] = lines[id] ?? []
            changed.append(id)
        }
        lines[id] = new
    }

    /// Writes the lines of each order the chunk changed, where they differ from what the mirror holds: lines of
    /// the same number updated in place, the others deleted or inserted (readers order lines by key, so the rows
    /// read as if all were deleted and inserted again). The sku is set only when it moved: setting it makes
    /// SQLite check the item reference and journal the statement.
    func writeLines(_ statements: FastStatements) throws {
        func statement(_ q: AppliedSQL) throws -> FastStatement { try statements.statement(q.rawValue) { q.sql } }
        for id in changed {
            guard let old = unwritten[id], let new = lines[id], old != new else { continue }
            var oldByNumber: [Int64: [DatabaseValue]] = [:]
            for l in old { oldByNumber[Int64.fromDatabaseValue(l[1]) ?? 0] = l }
            let newNumbers = Set(new.map { Int64.fromDatabaseValue($0[1]) ?? 0 })
            for l in old where !newNumbers.contains(Int64.fromDatabaseValue(l[1]) ?? 0) {
                let delete = try statement(.deleteOrderLine)
                delete.bind(id); delete.bind(l[1])
                try delete.execute()
            }
            for l in new {
                guard let was = oldByNumber[Int64.fromDatabaseValue(l[1]) ?? 0] else {
                    let insert = try statement(.insertOrderLine)
                    for v in l { insert.bind(v) }
                    try insert.execute()
                    continue
                }
                guard was != l else { continue }
                let update = try statement(was[2] == l[2] ? .updateOrderLine : .updateOrderLineSKU)
                for v in l[(was[2] == l[2] ? 3 : 2)...] { update.bind(v) }
                update.bind(id); update.bind(l[1])
                try update.execute()
            }
        }
        unwritten.removeAll(keepingCapacity: true)
        changed.removeAll(keepingCapacity: true)
    }

    /// Forgets every order; the chunk's line changes must have been written.
    func forget() {
        precondition(changed.isEmpty, "order lines changed but not written")
        headers = [:]; lines = [:]
    }
}

/// An order event's `lines`, parsed without the mirror (the decoder does it ahead of the writer): the lines in the
/// order given, up to the first that fails, and that line's problem.
struct OrderLines: Sendable {
    /// `order_lines.csv` columns of each line, defaults filled in.
    var rows: [[DatabaseValue]] = []
    var problem: ImportProblem?
}

extension EventApplier {
    /// Parses `data.lines` of the order `id`. The sku references are left to the writer, which checks those of
    /// the parsed lines, in order, before reporting the problem that stopped the parse: so the first problem of
    /// the event is the one applying it line by line would meet.
    static func parseLines(_ data: JSONObject, orderID id: String, file: String, line: Int?) -> OrderLines {
        func problem(_ field: String, _ value: String?, _ message: String) -> ImportProblem {
            ImportProblem(file: file, line: line, field: "data." + field, value: value, message: message)
        }
        var out = OrderLines()
        guard let linesValue = data["lines"] else { out.problem = problem("lines", nil, "is missing"); return out }
        guard case .array(let items) = linesValue else {
            out.problem = problem("lines", linesValue.shown, "is not a list of lines")
            return out
        }
        let lineSpec = Self.orderLines
        var numbers: Set<String> = []
        out.rows.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard var withOrder = item.object else { out.problem = problem("lines[\(i)]", item.shown, "is not a JSON object"); break }
            withOrder["order_id"] = .string(id)
            let c: Cells
            do { c = try cells(lineSpec, withOrder, path: "lines[\(i)].", file: file, line: line) } catch { out.problem = error; break }
            let no = text(c, "line_no")
            guard numbers.insert(no).inserted else {
                out.problem = problem("lines[\(i)].line_no", no, "duplicate line number in this order")
                break
            }
            out.rows.append(c.values.indices.map { c.values[$0] ?? lineSpec.columns[$0].fallback })
        }
        return out
    }

    func upsertOrder(_ now: String) throws -> ChangeSet {
        let header = try mainCells()
        let id = text(header, "order_id")
        try requireKnown(.customer, text(header, "customer_id"), field: "customer_id")
        let parsed = header.lines ?? Self.parseLines(event.data, orderID: id, file: file, line: line)
        for (i, l) in parsed.rows.enumerated() {
            try requireKnown(.item, Self.text(l[Self.lineSKU]), field: "lines[\(i)].sku")
        }
        if let problem = parsed.problem { throw problem }
        var newLines = parsed.rows
        newLines.sort { (Int64.fromDatabaseValue($0[1]) ?? 0) < (Int64.fromDatabaseValue($1[1]) ?? 0) }
        let oldLines = try context?.orders?.lines(id) { try readLines(id) } ?? readLines(id)
        var changedAny = try upsertHeader(header, id)
        var skus: Set<SKU> = []
        if oldLines != newLines {
            if let orders = context?.orders {
                orders.change(lines: newLines, of: id)
            } else {
                try replaceLines(of: id, with: newLines)
            }
            changedAny = true
            for l in oldLines + newLines { if let s = String.fromDatabaseValue(l[2]) { skus.insert(s) } }
        } else if changedAny {
            for l in newLines { if let s = String.fromDatabaseValue(l[2]) { skus.insert(s) } }
        }
        return changedAny ? try changedOrder(id, skus: skus, detail: nil, now) : ChangeSet()
    }

    private func readLines(_ id: OrderID) throws -> [[DatabaseValue]] {
        let read = try statement(.orderLines)
        read.bind(id)
        var lines: [[DatabaseValue]] = []
        try read.forEachRow { r in lines.append((0..<Int32(Self.orderLines.columns.count)).map { r.value($0) }) }
        return lines
    }

    /// `upsert(header, readFirst: true)`, reading the stored header from the batch's `OrderRows` when it holds it.
    private func upsertHeader(_ header: Cells, _ id: OrderID) throws -> Bool {
        guard let orders = context?.orders else { return try upsert(header, readFirst: true) }
        let spec = Self.orders
        let stored = try orders.header(id) {
            let read = try statement(.orderHeader)
            read.bind(id)
            return try read.first { r in (0..<Int32(spec.columns.count)).map { r.value($0) } }
        }
        // A new order is not held: the table's defaults fill what the event leaves out, so it is read when needed.
        guard var row = stored else { return try upsert(header) }
        let given = header.values.indices.filter { header.values[$0] != nil && !spec.key.contains(spec.columns[$0].name) }
        if given.allSatisfy({ Self.sameStored(row[$0], header.values[$0]!) }) { return false }
        let changed = try upsert(header)
        for p in given { row[p] = header.values[p]! }
        orders.set(header: row, of: id)
        return changed
    }

    /// Deletes the order's lines and inserts `new` (applying an event on its own).
    private func replaceLines(of id: OrderID, with new: [[DatabaseValue]]) throws {
        let delete = try statement(.deleteOrderLines)
        delete.bind(id)
        try delete.execute()
        for l in new { try insertLine(l) }
    }

    private func insertLine(_ l: [DatabaseValue]) throws {
        let insert = try statement(.insertOrderLine)
        for v in l { insert.bind(v) }
        try insert.execute()
    }

    func orderStatus(_ now: String) throws -> ChangeSet {
        let c = try mainCells()
        let id = text(c, "order_id")
        let reason = String.fromDatabaseValue(c["reason"] ?? .null)
        try requireKnown(.order, id, field: "order_id")
        let update: FastStatement
        switch event.type {
        case "order.cancelled":
            update = try statement(.cancelOrder)
            update.bind(id)
        case "order.held":
            update = try statement(.holdOrder)
            update.bind(reason); update.bind(id); update.bind(reason)
        default:
            update = try statement(.releaseOrder)
            update.bind(id)
        }
        guard try update.execute() > 0 else { return ChangeSet() }
        context?.orders?.set(header: nil, of: id)
        var skus: Set<SKU> = []
        if let lines = context?.orders?.heldLines(id) {
            for l in lines { if let s = String.fromDatabaseValue(l[2]) { skus.insert(s) } }
        } else {
            let read = try statement(.orderLineSKUs)
            read.bind(id)
            try read.forEachRow { skus.insert($0.text(0)) }
        }
        return try changedOrder(id, skus: skus, detail: reason, now)
    }
}
