import PIMTable

/// Runs an ``AnonymizationPlan`` over a table.
public enum Anonymizer {
    /// Applies the plan's steps in order: drop, pseudonymise, recode, local suppression.
    ///
    /// When the plan has a `k`, the returned table is k-anonymous on the plan's keys as measured by
    /// ``KeyFrequencies`` with `missingMatchesAny: true` (a missing value matches any): the function either
    /// returns such a table or throws; it never returns a table that fails its k.
    /// - Throws: ``ReductionError`` for unknown columns, k below 2, keys without k, a missing pseudonymizer,
    ///   an empty table, fewer rows than k, or any error of the recoding steps.
    ///
    /// With `lDiversity` (and a k), classes with fewer than l distinct values of a sensitive variable are then
    /// generalised further by suppression, and only records whose every key is suppressed and whose class still
    /// lacks l values are removed (see ``LDiversityReduction``). Last, every suppressed value whose return keeps k
    /// (and l) is put back, the most important key first (``SuppressionRestore``). The suppression counts and the
    /// loss describe the released rows: values suppressed in records removed later are not counted.
    public static func apply(
        _ plan: AnonymizationPlan, to input: Table, lDiversity: LDiversityRequirement? = nil
    ) throws(ReductionError) -> AnonymizationResult {
        if let k = plan.k, k < 2 { throw .disclosure(.kBelowTwo(k)) }
        if plan.k != nil && plan.keys.isEmpty { throw .disclosure(.noKeys) }
        for name in plan.drop + plan.pseudonymize where input[name] == nil {
            throw .disclosure(.unknownColumn(name, available: input.columnNames))
        }
        if plan.k != nil, let key = plan.keys.first(where: plan.drop.contains) { throw .keyDropped(key) }
        var table = input
        var loss = InformationLoss(rows: input.rowCount)

        for name in plan.drop {
            table.removeColumn(named: name)
            loss.droppedColumns.append(name)
        }
        if !plan.pseudonymize.isEmpty {
            guard let pseudonymizer = plan.pseudonymizer else { throw .missingPseudonymizer }
            for name in plan.pseudonymize {
                let column = try table.reductionColumn(name)
                let before = column.distinctCount
                table = try Pseudonymization.apply(pseudonymizer, column: name, in: table)
                let after = try table.reductionColumn(name)
                loss.merge(
                    .init(
                        name: name, changed: column.count - column.nullCount, categoriesBefore: before,
                        categoriesAfter: after.distinctCount, rows: input.rowCount))
            }
        }
        for recode in plan.recodes {
            let r = try Recoding.apply(recode, to: table)
            table = r.table
            loss.merge(r.loss)
        }
        var perVariable = plan.keys.map { KeySuppression(key: $0, count: 0) }
        var removed = (records: 0, classes: 0)
        if let k = plan.k {
            let recoded = table
            table = try LocalSuppression.apply(to: recoded, keys: plan.keys, k: k, importance: plan.importance).table
            var origin = Array(0..<table.rowCount)
            let order = try LocalSuppression.suppressionOrder(keys: plan.keys, importance: plan.importance, available: table.columnNames)
            var l = (level: 0, sensitive: [String]())
            if let requirement = lDiversity, requirement.l >= 2 {
                let r = try LDiversityReduction.apply(
                    to: table, keys: plan.keys, k: k, importance: plan.importance, order: order, requirement: requirement)
                origin = r.origin
                table = r.table
                removed = (r.recordsRemoved, r.classesRemoved)
                l = (requirement.l, requirement.sensitive)
            }
            // What the greedy rounds suppressed beyond need comes back, the most important key first (QA16, QA17).
            table = try SuppressionRestore.apply(
                to: table, source: removed.records > 0 ? recoded.selectingRows(origin) : recoded, keys: plan.keys,
                k: k, order: order, l: l.level, sensitive: l.sensitive)
            for (d, key) in plan.keys.enumerated() {
                // Values missing in the released row but present before suppression.
                let before = try recoded.reductionColumn(key)
                let after = try table.reductionColumn(key)
                var count = after.nullCount - before.nullCount  // (suppression only adds missing values)
                if removed.records > 0 {
                    count = 0
                    for i in 0..<table.rowCount where after.isNull(i) && !before.isNull(origin[i]) { count += 1 }
                }
                perVariable[d].count = count
                // Before: the input's categories (a key recoded earlier already has its entry).
                loss.merge(
                    .init(name: key, suppressed: count, categoriesBefore: try input.reductionColumn(key).distinctCount,
                          categoriesAfter: after.distinctCount, rows: input.rowCount))
            }
        }
        return AnonymizationResult(
            table: table, loss: loss, suppressedPerVariable: perVariable, recordsRemovedForL: removed.records,
            classesRemovedForL: removed.classes)
    }
}
