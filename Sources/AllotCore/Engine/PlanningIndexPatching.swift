/// Patching an index in place after events, so that an incremental re-plan need not read and index the whole
/// mirror again: a sku's stock and receipts, or an order with its lines, are replaced.
///
/// The patched index plans exactly as a fresh index of the changed snapshot: each sku's lines stay listed in line-key
/// order (the order a snapshot read in key order gives them, and the order the solver numbers its classes in), and the
/// groups are worked out again when a changed line could link skus. Rows are removed by moving the last row into their
/// place, so the snapshot's arrays stay dense but not sorted; nothing reads them by position except through the index.
extension PlanningIndex {
    /// Replaces every stock position and receipt of `sku` with the given ones (read from the mirror after a stock or
    /// receipt event).
    public mutating func replaceSupply(of sku: SKU, inventory: [InventoryPosition], receipts: [Receipt]) {
        for i in (inventoryBySku[sku] ?? []).sorted(by: >) { removeInventory(at: i) }
        for p in inventory {
            snapshot.inventory.append(p)
            inventoryBySku[p.sku, default: []].append(snapshot.inventory.count - 1)
        }
        for i in (receiptsBySku[sku] ?? []).sorted(by: >) { removeReceipt(at: i) }
        for r in receipts {
            snapshot.receipts.append(r)
            receiptsBySku[r.sku, default: []].append(snapshot.receipts.count - 1)
        }
    }

    /// Replaces orders' headers and lines (read from the mirror after order events). For each: its id, its header
    /// (nil when the mirror no longer has it), its lines now, and the skus its lines had before (where to find them:
    /// every line of the order is taken out and put back, so its facts follow the new header).
    /// Returns true when the groups of skus solved together changed.
    @discardableResult
    public mutating func replaceOrders(_ changes: [(id: OrderID, order: Order?, lines: [OrderLine], formerSkus: Set<SKU>)]) -> Bool {
        var regroup = false
        for change in changes {
            if let order = change.order {
                let customer = customerIndex[order.customerID] ?? -1
                if let i = orderIndex[change.id] { snapshot.orders[i] = order; orderCustomer[i] = customer } else {
                    orderIndex[change.id] = snapshot.orders.count
                    snapshot.orders.append(order)
                    orderCustomer.append(customer)
                }
            }
            for sku in change.formerSkus.sorted() {
                while let i = lineIndex(ofOrder: change.id, sku: sku) {
                    if substitutesBySku[sku] != nil && snapshot.lines[i].allowSubstitute { regroup = true }
                    removeLine(at: i)
                }
            }
            for line in change.lines {
                if substitutesBySku[line.sku] != nil && line.allowSubstitute { regroup = true }
                if linesBySku[line.sku] == nil && itemIndex[line.sku] == nil { regroup = true }
                if let last = snapshot.lines.last, !(last.key < line.key) { linesInKeyOrder = false }
                snapshot.lines.append(line)
                lineOrder.append(orderIndex[line.orderID] ?? -1)
                lineFacts.append(LineFacts(line: line, order: orderFacts(at: lineOrder[lineOrder.count - 1])))
                insert(lineAt: snapshot.lines.count - 1)
            }
        }
        if regroup { buildGroups() }
        return regroup
    }

    /// Replaces the reservations (units Allot released) of the given orders' lines with the ones read from the mirror
    /// after a decision released or gave back units.
    public mutating func replaceReservations(ofOrders ids: Set<OrderID>, with rows: [Reservation]) {
        var kept: [Reservation] = []
        kept.reserveCapacity(snapshot.reservations.count)
        for r in snapshot.reservations {
            guard ids.contains(r.orderID) else { kept.append(r); continue }
            let key = PlanningIndex.releasedKey(reservation: r)
            released[key, default: 0] -= r.qty
            if released[key] == 0 { released[key] = nil }
            reservedLines.remove(r.lineKey)
        }
        for r in rows {
            released[PlanningIndex.releasedKey(reservation: r), default: 0] += r.qty
            reservedLines.insert(r.lineKey)
        }
        // In the order a mirror read gives them.
        snapshot.reservations = (kept + rows).sorted {
            ($0.orderID, $0.lineNo, $0.warehouseID, $0.source.description) < ($1.orderID, $1.lineNo, $1.warehouseID, $1.source.description)
        }
    }

    /// The order line with `key` among `sku`'s lines: by halving the list (in key order when read from the mirror, and
    /// kept so by patches), else by walking it (a snapshot built in another order).
    func line(_ key: LineKey, sku: SKU) -> OrderLine? {
        let list = linesBySku[sku] ?? []
        let at = position(of: key, sku: sku)
        if at < list.count && lineFacts[list[at]].key == key { return snapshot.lines[list[at]] }
        return list.lazy.map { self.snapshot.lines[$0] }.first { $0.key == key }
    }

    // MARK: Rows

    /// Where in `linesBySku[sku]` the line with `key` is, or would go (lists are in line-key order).
    private func position(of key: LineKey, sku: SKU) -> Int {
        let list = linesBySku[sku] ?? []
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lineFacts[list[mid]].key < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// A line of order `id` with `sku`, by halving the sku's list.
    private func lineIndex(ofOrder id: OrderID, sku: SKU) -> Int? {
        guard let list = linesBySku[sku] else { return nil }
        let at = position(of: LineKey(orderID: id, lineNo: Int.min), sku: sku)
        return at < list.count && lineFacts[list[at]].key.orderID == id ? list[at] : nil
    }

    private mutating func insert(lineAt i: Int) {
        let line = snapshot.lines[i]
        let at = position(of: line.key, sku: line.sku)
        linesBySku[line.sku, default: []].insert(i, at: at)
    }

    private mutating func removeLine(at i: Int) {
        let line = snapshot.lines[i]
        let at = position(of: line.key, sku: line.sku)
        linesBySku[line.sku]?.remove(at: at)
        if linesBySku[line.sku]?.isEmpty == true { linesBySku[line.sku] = nil }
        let last = snapshot.lines.count - 1
        if i != last {
            let moved = snapshot.lines[last]
            let at = position(of: moved.key, sku: moved.sku)
            snapshot.lines[i] = moved
            lineOrder[i] = lineOrder[last]
            lineFacts[i] = lineFacts[last]
            linesBySku[moved.sku]?[at] = i
            linesInKeyOrder = false
        }
        snapshot.lines.removeLast()
        lineOrder.removeLast()
        lineFacts.removeLast()
    }

    private mutating func removeInventory(at i: Int) {
        PlanningIndex.swapRemove(i, from: &snapshot.inventory, listed: &inventoryBySku, sku: \.sku)
    }

    private mutating func removeReceipt(at i: Int) {
        PlanningIndex.swapRemove(i, from: &snapshot.receipts, listed: &receiptsBySku, sku: \.sku)
    }

    /// Removes row `i` by moving the last row into its place, and keeps the per-sku lists of row positions right
    /// (a sku left without rows has no list, as in a fresh index).
    private static func swapRemove<Row>(_ i: Int, from rows: inout [Row], listed bySku: inout [SKU: [Int]], sku: (Row) -> SKU) {
        let own = sku(rows[i])
        bySku[own]?.removeAll { $0 == i }
        if bySku[own]?.isEmpty == true { bySku[own] = nil }
        let last = rows.count - 1
        if i != last {
            let moved = sku(rows[last])
            rows[i] = rows[last]
            if let k = bySku[moved]?.firstIndex(of: last) { bySku[moved]?[k] = i }
        }
        rows.removeLast()
    }
}
