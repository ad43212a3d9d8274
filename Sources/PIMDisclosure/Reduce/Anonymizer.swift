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
    public static func apply(_ plan: AnonymizationPlan, to input: Table) throws(ReductionError) -> AnonymizationResult {
        if let k = plan.k, k < 2 { throw .disclosure(.kBelowTwo(k)) }
        if plan.k != nil && plan.keys.isEmpty { throw .disclosure(.noKeys) }
        for name in plan.drop + plan.pseudonymize where input[name] == nil {
            throw .disclosure(.unknownColumn(name, available: input.columnNames))
        }
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
        if let k = plan.k {
            let r = try LocalSuppression.apply(to: table, keys: plan.keys, k: k, importance: plan.importance)
            table = r.table
            perVariable = r.suppressedPerVariable
            for s in r.suppressedPerVariable {
                let categories = try table.reductionColumn(s.key).distinctCount
                // Before: the input's categories (a key recoded earlier already has its entry).
                let before = try input.reductionColumn(s.key).distinctCount
                loss.merge(
                    .init(name: s.key, suppressed: s.count, categoriesBefore: before, categoriesAfter: categories,
                          rows: input.rowCount))
            }
        }
        return AnonymizationResult(table: table, loss: loss, suppressedPerVariable: perVariable)
    }
}
